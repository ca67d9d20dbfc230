"""Built-in plugin 'tactics' (being written)."""

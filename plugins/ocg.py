"""Built-in plugin 'ocg' (being written)."""

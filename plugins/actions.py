"""Built-in plugin 'actions' (being written)."""

"""Built-in plugin 'disruptions' (being written)."""

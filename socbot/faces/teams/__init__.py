"""The Teams face."""

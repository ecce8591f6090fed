"""One module per top-level command; each defines ``command`` and imports heavy libraries lazily."""

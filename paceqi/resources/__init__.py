"""Data files shipped with the package (read with :func:`importlib.resources.files`)."""

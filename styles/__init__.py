"""The stylesheets and the Word reference document aix ships (the repository's top-level styles/ folder,
installed as the package data converter.styles and read with importlib.resources)."""

"""The one layer that reads Word's XML (Office Open XML): the safe package, styles and numbering."""

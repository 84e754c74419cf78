"""aix: the document toolchain of the OWASP AI Exchange."""

from importlib.resources import files
from pathlib import Path

# The stylesheets and styles/reference.docx: the repository's top-level styles/ folder, installed as package
# data (converter.styles), so an installed aix finds them wherever it runs.
STYLES = Path(str(files("converter.styles")))

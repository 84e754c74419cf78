"""Check the system libraries and fonts aix needs; print the exact apt-get line for what is missing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from converter.pdf.system import PDF_NEEDS, has_font, install_line, missing  # noqa: E402

# (what, Debian package, how to tell it is there, given the installed font families)
NEEDS = [
    ("Pango (WeasyPrint's text layout)", "libpango-1.0-0", lambda f: _imports("weasyprint")),
    ("PangoFT2", "libpangoft2-1.0-0", lambda f: _imports("weasyprint")),
    *PDF_NEEDS,
    (
        "symbol font LibreOffice draws (the Word snapshot's ✅)",
        "fonts-symbola",
        lambda f: has_font("Symbola", f),
    ),
    ("pdftoppm (tests look at pages)", "poppler-utils", lambda f: shutil.which("pdftoppm") is not None),
]


def _imports(module: str) -> bool:
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
    return result.returncode == 0


def main() -> int:
    lacking = missing(NEEDS)
    if not lacking:
        print("setup: system libraries and fonts are in place")
        return 0
    for what, pkg in lacking:
        print(f"setup: missing {what} (Debian package {pkg})")
    print(f"setup: install them with:\n  {install_line(lacking)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Check the system libraries and fonts aix needs; print the exact apt-get line for what is missing."""

from __future__ import annotations

import shutil
import subprocess
import sys

# (what, Debian package, how to tell it is there)
NEEDS = [
    ("Pango (WeasyPrint's text layout)", "libpango-1.0-0", lambda: _imports("weasyprint")),
    ("PangoFT2", "libpangoft2-1.0-0", lambda: _imports("weasyprint")),
    ("Liberation fonts", "fonts-liberation2", lambda: _font("Liberation Sans")),
    ("Noto fonts", "fonts-noto-core", lambda: _font("Noto Sans")),
    ("emoji font", "fonts-noto-color-emoji", lambda: _font("Noto Color Emoji")),
    ("CJK font", "fonts-noto-cjk", lambda: _font("Noto Sans CJK")),
    ("symbol font LibreOffice draws (the Word snapshot's ✅)", "fonts-symbola", lambda: _font("Symbola")),
    ("pdftoppm (tests look at pages)", "poppler-utils", lambda: shutil.which("pdftoppm") is not None),
]


def _imports(module: str) -> bool:
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
    return result.returncode == 0


def _font(family: str) -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    return family.lower() in out.lower()


def main() -> int:
    missing = [(what, pkg) for what, pkg, ok in NEEDS if not ok()]
    if not missing:
        print("setup: system libraries and fonts are in place")
        return 0
    for what, pkg in missing:
        print(f"setup: missing {what} (Debian package {pkg})")
    packages = " ".join(dict.fromkeys(pkg for _, pkg in missing))
    print(f"setup: install them with:\n  sudo apt-get update && sudo apt-get install -y {packages}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the PDF needs from the system beyond Python packages: fonts and HarfBuzz's subsetter, by Debian
package, so that a fresh machine hears once, before rendering, what to install (tools/doctor.py says the
same for the whole tool)."""

from __future__ import annotations

import ctypes.util
import shutil
import subprocess
from collections.abc import Callable


def has_font(family: str, families: str) -> bool:
    return family.lower() in families


def font_families() -> str:
    """Every installed font family, lower-cased, from fontconfig (empty without fc-list)."""
    if not shutil.which("fc-list"):
        return ""
    try:
        result = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.lower()


# (what, Debian package, test given the installed families)
PDF_NEEDS: list[tuple[str, str, Callable[[str], bool]]] = [
    ("Liberation fonts (the text)", "fonts-liberation2", lambda f: has_font("Liberation Sans", f)),
    ("Noto fonts (other scripts)", "fonts-noto-core", lambda f: has_font("Noto Sans", f)),
    ("an emoji font (✅ ❌)", "fonts-noto-color-emoji", lambda f: has_font("Noto Color Emoji", f)),
    ("a CJK font", "fonts-noto-cjk", lambda f: has_font("Noto Sans CJK", f)),
    (
        "HarfBuzz's font subsetter (else a slower fallback, with a warning)",
        "libharfbuzz-subset0",
        lambda f: ctypes.util.find_library("harfbuzz-subset") is not None,
    ),
]


def missing(needs: list[tuple[str, str, Callable[[str], bool]]] = PDF_NEEDS) -> list[tuple[str, str]]:
    """(what, Debian package) for each need that this machine lacks."""
    families = font_families()
    return [(what, package) for what, package, ok in needs if not ok(families)]


def install_line(lacking: list[tuple[str, str]]) -> str:
    packages = " ".join(dict.fromkeys(package for _, package in lacking))
    return f"sudo apt-get update && sudo apt-get install -y {packages}"

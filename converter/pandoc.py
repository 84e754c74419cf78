"""The one place that runs pandoc (the binary bundled with pypandoc-binary).

Small API: ``path()``, ``version()``, ``run(args, data)`` and ``docx_to_ast(data)``. Everything else in
aix talks to pandoc through these, so the dependency stays behind one door.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from .errors import AixError

TIMEOUT = 300  # seconds; a 150-page document takes about half a second


@functools.cache
def path() -> str:
    """The pandoc executable: pypandoc-binary's bundled copy, else the one pypandoc finds."""
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        # where pypandoc-binary puts it (pypandoc looks there first); importing pypandoc takes 80 ms
        bundled = Path(folder) / "files" / ("pandoc.exe" if sys.platform == "win32" else "pandoc")
        if bundled.is_file():
            return str(bundled)
    import pypandoc

    try:
        return pypandoc.get_pandoc_path()
    except OSError as e:
        raise AixError(f"pandoc is not available: {e}", hint="reinstall aix (pypandoc-binary)") from None


@functools.cache
def version() -> str:
    return run(["--version"]).decode("utf-8", "replace").split()[1]


def run(args: list[str], data: bytes | None = None) -> bytes:
    """Run pandoc with the arguments, feeding `data` on stdin; its stdout, or an AixError."""
    try:
        done = subprocess.run([path(), *args], input=data, capture_output=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise AixError(f"pandoc failed to run: {e}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AixError(f"pandoc failed: {message[-1] if message else f'exit status {done.returncode}'}")
    return done.stdout


def docx_to_ast(data: bytes) -> dict[str, Any]:
    """Pandoc's JSON AST of a .docx given as bytes (read from stdin; nothing touches the disk)."""
    return json.loads(run(["--from=docx", "--to=json"], data))

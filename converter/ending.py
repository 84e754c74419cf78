"""The `aix` process ends without taking its heap apart: the operating system frees a process's memory at
once, while Python frees it object by object (0.3 s after a PDF rebuild, an eighth of it, most of it the
merged PDF's objects). `main` marks the process as ending after its command; until then `keep` holds
nothing, so code that calls aix as a library frees everything as usual."""

from __future__ import annotations

import contextlib
import os
import sys

_kept: list[object] = []
_active = False


def activate() -> None:
    """Called by the command line's entry point: this process ends when its command does."""
    global _active
    _active = True


def keep(obj: object) -> None:
    """Leave a large object for the end of the process to free, when the process is about to end."""
    if _active:
        _kept.append(obj)


def end(code: object) -> None:
    """Exit as `sys.exit(code)` would, without freeing the heap (files are written and closed by now)."""
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    status = 0 if code is None else code if isinstance(code, int) else 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(status)

"""Safe writes into a user's files: atomic replacement, and a refusal to touch uncommitted work."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from .errors import AixError


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file beside the target, then rename it into place; keeps the file's mode."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path = Path(path)
    mode = path.stat().st_mode & 0o7777 if path.exists() else _default_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".aix-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _default_mode() -> int:
    """The mode a new file gets from open() (mkstemp would make it 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_all(files: list[tuple[Path, str | None]]) -> None:
    """Write (or, for None, delete) several files as one change: every new text is staged beside its file
    first, then all are renamed into place; if anything fails, the files already replaced get their old
    bytes back and the staged files go. Keeps each file's mode."""
    staged: list[tuple[Path, str | None, bytes | None]] = []  # path, staged temporary, old bytes
    done: list[tuple[Path, bytes | None]] = []
    try:
        for path, text in files:
            old = path.read_bytes() if path.exists() else None
            if text is None:
                staged.append((path, None, old))
                continue
            mode = path.stat().st_mode & 0o7777 if path.exists() else None
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".aix-tmp", dir=path.parent)
            staged.append((path, tmp, old))
            with os.fdopen(fd, "wb") as f:
                f.write(text.encode("utf-8"))
                f.flush()
                os.fsync(f.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
        for path, tmp, old in staged:
            if tmp is None:
                path.unlink()
            else:
                os.replace(tmp, path)
            done.append((path, old))
    except BaseException:
        for path, old in reversed(done):
            if old is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, old)
        for _path, tmp, _old in staged:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
        raise


def uncommitted(paths: list[Path], root: Path) -> list[Path]:
    """Those of the paths that git reports as changed and not committed (none when root is not in git)."""
    if not paths:
        return []
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if top.returncode != 0:
        return []
    status = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "-z", "--", *[str(p.resolve()) for p in paths]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    toplevel = Path(top.stdout.strip())
    dirty = set()
    for entry in status.stdout.split("\0"):
        if len(entry) > 3:
            dirty.add((toplevel / entry[3:]).resolve())
    return [p for p in paths if p.resolve() in dirty]


def refuse_uncommitted(paths: list[Path], root: Path, force: bool) -> None:
    if force:
        return
    dirty = uncommitted(paths, root)
    if dirty:
        names = ", ".join(str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in dirty[:5])
        raise AixError(
            f"{len(dirty)} file(s) have uncommitted changes: {names}",
            hint="commit or stash them first, or pass --force to write anyway",
        )

"""Safe writes into a user's files: atomic replacement, and a refusal to touch uncommitted work."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from .errors import AixError, InputError


def output_path(
    path: str | Path, option: str, site: str | Path, folder: bool = False, inputs: tuple = ()
) -> Path:
    """Refuse, before any work, an output that would land among the sources or cannot be written.

    Inside the site (symlinks resolved; a path that does not exist yet by its nearest existing parent)
    or over one of the command's `inputs` is exit 2, as is a folder given for a file or a file for a
    folder; a folder that cannot be written is exit 1, as any failed write is. Every command that
    writes checks each of its outputs here."""
    path = Path(path)
    resolved, root = path.resolve(), Path(site).resolve()
    if resolved == root or resolved.is_relative_to(root):
        raise InputError(
            f"{path} is {'the site folder' if resolved == root else f'inside the site {site}'}; "
            "aix writes no output into the sources",
            where=option,
            hint="give a path outside the site",
        )
    for given in inputs:
        if given is not None and Path(given).resolve() == resolved:
            raise InputError(f"{path} is also an input of this command", where=option)
    if folder and resolved.exists() and not resolved.is_dir():
        raise InputError(f"{path} is not a folder", where=option, hint="give the folder to write into")
    if not folder and resolved.is_dir():
        raise InputError(f"{path} is a folder", where=option, hint="give the file to write")
    parent = resolved if folder else resolved.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"{parent} is not a folder", where=option, hint="give a path in a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        read_only = os.statvfs(parent).f_flag & os.ST_RDONLY
        why = "a read-only file system" if read_only else "permission denied"
        raise AixError(f"cannot write into {parent}: {why}", where=option)
    return path


def why(e: OSError) -> str:
    """An OSError in words: its strerror, or the exception itself when it has none (shutil, zipfile)."""
    return e.strerror or str(e) or type(e).__name__


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
        for path, temporary, old in staged:
            if temporary is None:
                path.unlink()
            else:
                os.replace(temporary, path)
            done.append((path, old))
    except BaseException:
        for path, old in reversed(done):
            if old is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, old)
        for _path, temporary, _old in staged:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
        raise


def uncommitted(paths: list[Path], root: Path) -> list[Path]:
    """Those of the paths that git reports as changed and not committed (none when root is not in git).

    A folder with a `.git` above it (or GIT_DIR set) is in git even when git will not say so (dubious
    ownership, a corrupt index, no git installed, a timeout): the state is then unknown, and that raises
    an AixError rather than passing for clean."""
    if not paths:
        return []
    root = Path(root).resolve()
    in_git = "GIT_DIR" in os.environ or any((d / ".git").exists() for d in (root, *root.parents))
    if not in_git:
        return []
    top = _git(root, "rev-parse", "--show-toplevel")
    status = _git(root, "status", "--porcelain", "-z", "--", *[str(p.resolve()) for p in paths])
    toplevel = Path(top.strip())
    dirty = set()
    for entry in status.split("\0"):
        if len(entry) > 3:
            dirty.add((toplevel / entry[3:]).resolve())
    return [p for p in paths if p.resolve() in dirty]


def _git(root: Path, *args: str) -> str:
    """git's answer, or an AixError saying why there is none."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "LC_ALL": "C"},
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        problem = "did not answer in 60 s" if isinstance(e, subprocess.TimeoutExpired) else why(e)
        done = subprocess.CompletedProcess(args, -1, "", f"git {problem}")
    if done.returncode != 0:
        said = next((line for line in done.stderr.splitlines() if line.strip()), f"exit {done.returncode}")
        raise AixError(
            f"cannot tell whether the files to write have uncommitted changes: {said.removeprefix('fatal: ')}",
            where=str(root),
            hint="fix what git says, or pass --force to write anyway",
        )
    return done.stdout


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

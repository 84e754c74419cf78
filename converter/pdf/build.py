"""`aix pdf`: sources -> chapters (units.py) -> WeasyPrint in worker processes (render.py), pages chosen so
that chapters flow (flow.py) -> one PDF (assemble.py), put together in compose.py. The workers start
first, before the heavy imports, so that WeasyPrint loads in them meanwhile.

Renders and each chapter's layout are kept in a cache folder (``--cache-dir``, by default
``$XDG_CACHE_HOME/aix/pdf``), in a subfolder per site and output, so a rebuild renders only around what
changed; ``--no-cache`` renders everything in a temporary folder.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ..buildlog import BuildLog
from ..fileio import output_path
from .render import run, warm_up
from .workers import Workers

PAGE_TIMEOUT = 60.0  # seconds a render may take (--page-timeout): WeasyPrint is quadratic on some inputs


def default_jobs() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def cache_folder(root: str | Path, out: Path, base: str | Path | None = None) -> Path:
    """Where the renders of this site's PDF at this output are kept: one folder per site and output."""
    if base is None:
        home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        base = Path(home) / "aix" / "pdf"
    key = hashlib.sha256(f"{Path(root).resolve()}\0{out.resolve()}".encode()).hexdigest()[:16]
    return Path(base) / f"{out.stem}-{key}"


def build_pdf(
    root: str | Path,
    out: str | Path,
    log: BuildLog,
    navigator: str | Path | None = None,
    cache: bool = True,
    jobs: int | None = None,
    page_timeout: float | None = PAGE_TIMEOUT,
    cache_dir: str | Path | None = None,
    page_refs: bool = False,
) -> Path:
    out = output_path(out, "-o", root, inputs=(navigator,))
    store = None
    if cache:
        store = cache_folder(root, out, cache_dir)
        output_path(store, "--cache-dir", root, folder=True)
    jobs = jobs or default_jobs()
    warm = store is not None and any(store.glob("layout-*.json"))
    with (
        tempfile.TemporaryDirectory(prefix="aix-pdf-") as tmp,
        Workers(run, warm_up, page_timeout) as workers,
    ):
        workers.start(1 if warm else jobs)  # a rebuild usually renders one chapter
        from . import compose  # loads while the workers load WeasyPrint

        return compose.build(
            root, out, log, navigator, store or Path(tmp), workers, jobs, page_refs, cached=store is not None
        )

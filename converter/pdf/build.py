"""`aix pdf`: sources -> parts (units.py) -> WeasyPrint in worker processes (render.py) -> one PDF (assemble.py).

Parts whose HTML, styles and images are unchanged come from the cache beside the output
(``<output folder>/.aix-cache/<output name>/``); ``--no-cache`` renders everything in a temporary folder.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

import pikepdf

from .. import STYLES
from ..buildlog import BuildLog
from ..errors import AixError, InputError
from ..fileio import output_path, why, write_atomic
from ..html.document import toc_headings
from ..html.hrefs import Linker
from ..html.release import document_info
from ..model import Source
from ..pipeline import build_model
from .assemble import Part, merge, set_metadata
from .render import Job, run, warm_up
from .units import placeholder, plan_units
from .workers import Workers

CACHE = ".aix-cache"
PAGE_TIMEOUT = 60.0  # seconds a part may take (--page-timeout): WeasyPrint is quadratic on some inputs


def default_jobs() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def build_pdf(
    root: str | Path,
    out: str | Path,
    log: BuildLog,
    navigator: str | Path | None = None,
    cache: bool = True,
    jobs: int | None = None,
    page_timeout: float | None = PAGE_TIMEOUT,
) -> Path:
    out = output_path(out, "-o", root, inputs=(navigator,))
    if cache:
        output_path(out.parent / CACHE / out.stem, "the PDF cache (beside -o)", root, folder=True)
    jobs = jobs or default_jobs()
    warm = cache and any((out.parent / CACHE / out.stem).glob("*.json"))
    with Workers(run, warm_up, page_timeout) as workers:
        workers.start(1 if warm else jobs)  # a rebuild usually renders one part
        return _build(root, out, log, navigator, cache, workers, jobs)


def _build(root, out: Path, log: BuildLog, navigator, cache: bool, workers: Workers, jobs: int) -> Path:
    log.stage("model")
    log.progress("pdf: reading the sources")
    site = build_model(root, log.add)
    info = document_info(site, navigator)
    linker = Linker(site, log.warn, internal=placeholder)
    _check_navigator(info.navigator)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise AixError(f"cannot create {out.parent}: {why(e)}") from None
    with tempfile.TemporaryDirectory(prefix="aix-pdf-") as tmp:
        store = out.parent / CACHE / out.stem if cache else Path(tmp)
        store.mkdir(parents=True, exist_ok=True)
        log.stage("html and render")
        log.progress("pdf: writing HTML")
        planned = plan_units(site, info, linker, log.warn)
        units, metas, rendered = _render_all(site, planned, store, log, workers, jobs)
        for unit, meta in zip(units, metas, strict=True):
            for url, reason in meta["refused"]:
                log.warn(unit.source, "refused-fetch", f"{unit.label}: refused to read {url}: {reason}")
            for code, message in meta["warnings"]:
                if code != "refused-fetch":
                    log.warn(unit.source, code, f"{unit.label}: {message}")
        log.stage("merge")
        log.progress("pdf: merging")
        parts = [Part(store / f"{u.key}.pdf", m) for u, m in zip(units, metas, strict=True)]
        images = {key: store / f"img-{key}.pdf" for unit in units for key in unit.rasters}

        def nav_target(url: str):
            if not site.pages:
                return None
            where = Source(str(info.navigator), 1)
            return linker.url(site.pages[0], url, where).heading

        merged = merge(
            parts[0], parts[1:], info.navigator, site.headings, toc_headings(site), nav_target, images
        )
        for name in merged.dangling:
            log.warn(None, "dangling-link", f"a link to #{name} has no destination in the PDF; removed")
        log.gate()
        set_metadata(
            merged.pdf,
            info,
            f"aix with WeasyPrint {version('weasyprint')} and pikepdf {version('pikepdf')}",
        )
        buffer = io.BytesIO()
        merged.pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        merged.close()
        try:
            write_atomic(out, buffer.getvalue())
        except OSError as e:
            raise AixError(f"cannot write {out}: {why(e)}") from None
        if cache:
            _prune(store, {u.key for u in units} | {f"img-{key}" for key in images})
    log.stage(None)
    log.finish(_report(out, len(buffer.getvalue()), merged, linker, log, info, rendered, len(units)))
    return out


def _report(out, size, merged, linker: Linker, log: BuildLog, info, rendered: int, parts: int) -> list[str]:
    stats = linker.stats
    lines = [
        f"aix pdf: wrote {out} ({merged.pages} pages, {size / 1e6:.1f} MB) in {log.elapsed():.1f} s"
        f" ({rendered} of {parts} parts rendered, the others cached)",
        f"  links: {stats.internal} inside the document, all jumps in the PDF ({merged.internal_links} link areas); "
        f"{stats.external} outside; {len(stats.unresolved)} unresolved",
        f"  warnings: {len(log.warnings)}: {log.count('missing-glyph')} missing glyphs, "
        f"{log.count('missing-image')} missing images, {log.count('refused-fetch')} refused fetches",
        f"  time: {log.timings()}",
    ]
    if info.navigator is not None:
        lines.append(
            f"  navigator {info.navigator.name}: {merged.navigator_internal} links jump inside, "
            f"{len(merged.navigator_external)} stay external" + (":" if merged.navigator_external else "")
        )
        lines += [f"    {url}" for url in dict.fromkeys(merged.navigator_external)]
    return lines


def _check_navigator(path: Path | None) -> None:
    if path is None:
        return

    try:
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) == 0:
                raise InputError(f"navigator {path} has no pages")
    except pikepdf.PdfError as e:
        raise InputError(f"navigator {path} is not a readable PDF ({e})") from None


def _render_all(site, planned, store: Path, log: BuildLog, workers: Workers, jobs: int):
    """The parts, their metadata, and how many were rendered. A part the cache lacks goes to a worker as
    soon as its HTML is written; what no worker has taken when all are written goes longest first. A part
    that fails does not stop the others (they land in the cache); the build fails after them, naming it."""
    roots = [str(site.root / "static"), str(site.root / "content"), str(STYLES)]
    base = site.root.resolve().as_uri() + "/"
    units, metas, todo, rasters = [], {}, {}, {}
    for unit in planned:
        units.append(unit)
        meta_file = store / f"{unit.key}.json"
        if unit.key in todo or unit.key in metas:
            pass
        elif meta_file.is_file() and (store / f"{unit.key}.pdf").is_file():
            metas[unit.key] = json.loads(meta_file.read_text(encoding="utf-8"))
        else:
            job = Job(unit.key, unit.html, base, roots, str(store / f"{unit.key}.pdf"), str(meta_file))
            todo[unit.key] = job
            workers.start(min(jobs, len(todo)))
            workers.submit(job)
        for key, raster in unit.rasters.items():
            if key not in rasters and not (store / f"img-{key}.pdf").is_file():
                rasters[key] = ("image", raster, str(store / f"img-{key}.pdf"))
    jobs_left = len(todo) + len(rasters)
    done_pages = sum(len(m["pages"]) for m in metas.values())
    if not jobs_left:
        return units, [metas[u.key] for u in units], 0
    log.progress(f"pdf: rendering {len(todo)} of {len(units)} parts")
    workers.start(min(jobs, jobs_left))
    for task in rasters.values():  # images after the parts: short, they fill the gaps at the end
        workers.submit(task)
    workers.order(key=lambda job: -len(job.html) if isinstance(job, Job) else 0)
    failed: list[AixError] = []
    for n, outcome in enumerate(workers.results(), 1):
        if outcome.error is not None:
            failed.append(_failure(units, outcome))
        elif "key" in outcome.value:
            metas[outcome.value["key"]] = outcome.value
            done_pages += len(outcome.value["pages"])
        log.progress(f"pdf: rendered {n}/{jobs_left} parts and images ({done_pages} pages)")
    if failed:
        first = failed[0]
        if len(failed) > 1:
            first.message += f"; {len(failed) - 1} other part(s) failed too"
        raise first
    return units, [metas[u.key] for u in units], len(todo)


def _failure(units, outcome) -> AixError:
    """The error for a part (or an image) that could not be rendered, naming its page and line."""
    job = outcome.job
    error = InputError if outcome.code == 2 else AixError
    hint = "--page-timeout" if outcome.error.startswith("rendering took longer") else None
    if isinstance(job, Job):
        unit = next(u for u in units if u.key == job.key)
        part = "" if unit.page is not None else " (the cover and contents)"  # else its line tells the part
        message = outcome.error if hint else f"rendering failed: {outcome.error}"
        return error(message + part, where=str(unit.source), hint=hint)
    return error(f"converting image {job[1].file} failed: {outcome.error}", hint=hint)


def _prune(store: Path, keep: set[str]) -> None:
    """Drop cached parts that this build no longer uses, and what a killed worker left half-written."""
    for file in store.iterdir():
        if (file.suffix in (".pdf", ".json") and file.stem not in keep) or file.suffix == ".tmp":
            file.unlink(missing_ok=True)

"""The release PDF once the workers run: the model, each chapter's pages (from the last layouts where they
still hold, else rendered), the merge, the cache kept, the report. build.py starts the workers first and
imports this module after, so that pikepdf, the model and the HTML writer load while WeasyPrint does."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import pikepdf

from .. import STYLES, ending
from ..buildlog import BuildLog
from ..errors import AixError, InputError
from ..fileio import why, write_atomic
from ..html.document import toc_headings
from ..html.hrefs import Linker
from ..html.release import document_info
from ..hugo import parsecache
from ..model import Source
from ..pipeline import build_model
from .assemble import Assembly, Part, Sources, set_metadata
from .flow import Flow, Layout, Request
from .fonts import keep_in, stamp_font
from .render import Job
from .system import install_line, missing
from .units import Chapter, placeholder, plan_chapters
from .workers import Workers


@dataclass
class _Chapter:
    """A chapter being laid out: its pieces, its flow, and the renders it uses."""

    chapter: Chapter
    number: int  # its place: 0 is the front matter
    flow: Flow
    metas: dict[str, dict] = field(default_factory=dict)
    rendered: int = 0  # pages rendered anew


def build(
    root,
    out: Path,
    log: BuildLog,
    navigator,
    store: Path,
    workers: Workers,
    jobs: int,
    page_refs: bool,
    cached: bool,
) -> Path:
    """The PDF from the sources at `root`, with the renders and parsed pages in `store` (kept there for
    the next build when `cached`)."""
    log.stage("model")
    log.progress("pdf: reading the sources")
    with parsecache.kept_in(store) if cached else contextlib.nullcontext() as parsed:
        site = build_model(root, log.add)
    info = document_info(site, navigator)
    linker = Linker(site, log.warn, internal=placeholder)
    _check_navigator(info.navigator)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        store.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise AixError(f"cannot create {e.filename or out.parent}: {why(e)}") from None
    lacking = missing()
    if lacking:
        log.note(
            f"this machine lacks {', '.join(what for what, _ in lacking)}; "
            f"the PDF will miss glyphs or build slower. Install with: {install_line(lacking)}"
        )
    keep_in(store)
    log.stage("html and render")
    log.progress("pdf: writing HTML")
    assembly = Assembly(Sources())

    def ready(ch: _Chapter) -> None:
        """A chapter whose pages are all known joins the merged PDF."""
        parts = _parts(store, ch)
        if ch.number == 0:
            assembly.add_front(parts, info.navigator)
        else:
            assembly.add_chapter(ch.number, parts)

    try:
        planned = plan_chapters(site, info, linker, log.warn, page_refs)
        chapters = _lay_out(
            site, planned, store, log, workers, jobs, assembly.merged.sources, ready, meanwhile=_stamp_fonts
        )
    except BaseException:
        assembly.merged.close()
        raise
    _warn_renders(chapters, log)
    log.stage("merge")
    log.progress("pdf: merging")
    images = {key: store / f"img-{key}.pdf" for ch in chapters for key in ch.chapter.rasters}

    def nav_target(url: str):
        if not site.pages:
            return None
        where = Source(str(info.navigator), 1)
        return linker.url(site.pages[0], url, where).heading

    merged = assembly.finish(site.headings, toc_headings(site), nav_target, images)
    for name in merged.dangling:
        log.warn(None, "dangling-link", f"a link to #{name} has no destination in the PDF; removed")
    log.gate()
    set_metadata(
        merged.pdf,
        info,
        f"aix with WeasyPrint {version('weasyprint')} and pikepdf {version('pikepdf')}",
    )
    buffer = io.BytesIO()
    merged.pdf.save(
        buffer, min_version=merged.version(), object_stream_mode=pikepdf.ObjectStreamMode.generate
    )
    merged.close()
    ending.keep(merged)
    try:
        write_atomic(out, buffer.getvalue())
    except OSError as e:
        raise AixError(f"cannot write {out}: {why(e)}") from None
    _keep(store, chapters, images, parsed.used if parsed is not None else set())
    log.stage(None)
    log.finish(_report(out, len(buffer.getvalue()), merged, linker, log, info, chapters))
    return out


def _warn_renders(chapters: list[_Chapter], log: BuildLog) -> None:
    """What WeasyPrint said while rendering: each message once, at the first chapter that gave it, with
    the number of chapters when it came from more than one (a missing library is reported by each)."""
    where: dict[tuple[str, str], dict[str, Chapter]] = {}
    for ch in chapters:
        for meta in ch.metas.values():
            for url, reason in meta["refused"]:
                log.warn(
                    ch.chapter.source, "refused-fetch", f"{ch.chapter.label}: refused to read {url}: {reason}"
                )
            for code, message in meta["warnings"]:
                if code != "refused-fetch":
                    where.setdefault((code, message), {}).setdefault(ch.chapter.label, ch.chapter)
    for (code, message), found in where.items():
        first = next(iter(found.values()))
        more = f" (and in {len(found) - 1} other chapters)" if len(found) > 1 else ""
        log.warn(first.source, code, f"{first.label}: {message}{more}")


def _parts(store: Path, ch: _Chapter) -> list[Part]:
    """A chapter's pages as runs of consecutive pages of one render each."""
    parts: list[Part] = []
    pages: list[int] = []
    for sheet in ch.flow.sheets:
        if parts and parts[-1].pdf.stem == sheet.render and pages[-1] == sheet.index - 1:
            pages.append(sheet.index)
        else:
            pages = [sheet.index]
            parts.append(Part(store / f"{sheet.render}.pdf", ch.metas[sheet.render], pages))
    return parts


def _report(out, size, merged, linker: Linker, log: BuildLog, info, chapters: list[_Chapter]) -> list[str]:
    stats = linker.stats
    pages = sum(len(ch.flow.sheets) for ch in chapters)
    fresh = sum(ch.rendered for ch in chapters)
    touched = sum(ch.rendered > 0 for ch in chapters)
    if fresh == 0:
        how = "every page from the cache"
    elif fresh >= pages:
        how = f"all {len(chapters)} chapters rendered"
    else:
        how = (
            f"{fresh} pages rendered in {touched} of {len(chapters)} chapters, {pages - fresh} from the cache"
        )
    lines = [
        f"aix pdf: wrote {out} ({merged.pages} pages, {size / 1e6:.1f} MB) in {log.elapsed():.1f} s ({how})",
        f"  links: {stats.internal} inside the document, all jumps in the PDF ({merged.internal_links} link areas); "
        f"{stats.external} outside; {len(stats.unresolved)} unresolved",
        f"  warnings: {len(log.warnings)}: {log.count('missing-glyph')} missing glyphs, "
        f"{log.count('missing-image')} missing images, {log.count('refused-fetch')} refused fetches",
        f"  time: {log.timings()}",
    ]
    if info.navigator is not None:
        external = list(dict.fromkeys(merged.navigator_external))
        repeats = len(merged.navigator_external) - len(external)
        lines.append(
            f"  navigator {info.navigator.name}: {merged.navigator_internal} links jump inside, "
            f"{len(merged.navigator_external)} stay external"
            + (f" ({len(external)} addresses, {repeats} repeated)" if repeats else "")
            + (":" if external else "")
        )
        lines += [f"    {url}" for url in external]
        if merged.navigator_dropped:
            lines.append(f"  navigator boxes outside its page, dropped: {len(merged.navigator_dropped)}:")
            lines += _counted(Counter(merged.navigator_dropped))
    return lines


def _counted(urls: Counter) -> list[str]:
    """One line per address, with how many boxes link to it when there are several."""
    return [f"    {url}" + (f" ({n} boxes)" if n > 1 else "") for url, n in urls.items()]


def _check_navigator(path: Path | None) -> None:
    if path is None:
        return

    try:
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) == 0:
                raise InputError(f"navigator {path} has no pages")
    except pikepdf.PdfError as e:
        raise InputError(f"navigator {path} is not a readable PDF ({e})") from None


def _layout_file(store: Path, chapter: Chapter) -> Path:
    return store / f"layout-{hashlib.sha256(chapter.label.encode()).hexdigest()[:16]}.json"


def _old_layout(store: Path, chapter: Chapter) -> Layout | None:
    """The chapter's layout from the last build, if every render it names is still there."""
    try:
        layout = Layout.from_json(json.loads(_layout_file(store, chapter).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    keys = {s.render for s in layout.sheets}
    if not all((store / f"{k}.json").is_file() and (store / f"{k}.pdf").is_file() for k in keys):
        return None
    return layout


def _lay_out(
    site,
    planned,
    store: Path,
    log: BuildLog,
    workers: Workers,
    jobs: int,
    sources: Sources,
    ready: Callable[[_Chapter], None],
    meanwhile: Callable[[], object] = lambda: None,
) -> list[_Chapter]:
    """Every chapter's pages: from the last layouts where they still hold, else rendered. A chapter's
    render goes to a worker as soon as its HTML is written; renders of different chapters run in parallel,
    those of one chapter one after the other (each starts where the last one's pages stop). A render that
    fails does not stop the others; the build fails after them, naming its page and line. Each chapter
    goes to `ready` once its pages are known, while the workers go on rendering; then the cached renders
    the others may take are opened into `sources`, and `meanwhile` runs."""
    roots = [str(site.root / "static"), str(site.root / "content"), str(STYLES)]
    base = site.root.resolve().as_uri() + "/"
    chapters: list[_Chapter] = []
    waiting: dict[str, tuple[_Chapter, Request]] = {}
    rasters: dict[str, tuple] = {}
    failed: list[AixError] = []
    total = 0

    def advance(ch: _Chapter) -> None:
        nonlocal total
        while (request := ch.flow.next_request()) is not None:
            key = ch.chapter.key(request.start, request.end)
            meta_file = store / f"{key}.json"
            if key in waiting:
                return
            if meta_file.is_file() and (store / f"{key}.pdf").is_file():
                _accept(ch, request, key, json.loads(meta_file.read_text(encoding="utf-8")))
                continue
            html = ch.chapter.html(request.start, request.end)
            waiting[key] = (ch, request)
            workers.start(min(jobs, len(waiting)))
            workers.submit(Job(key, html, base, roots, str(store / f"{key}.pdf"), str(meta_file)))
            total += 1
            return

    def complete(ch: _Chapter) -> None:
        kept = {s.render for s in ch.flow.sheets} - ch.metas.keys()  # renders from the last build
        for key in kept:
            ch.metas[key] = json.loads((store / f"{key}.json").read_text(encoding="utf-8"))
        ready(ch)

    for chapter in planned:
        ch = _Chapter(chapter, len(chapters), Flow(chapter.context, chapter.ids, _old_layout(store, chapter)))
        for key, raster in chapter.rasters.items():
            if key not in rasters and not (store / f"img-{key}.pdf").is_file():
                rasters[key] = ("image", raster, str(store / f"img-{key}.pdf"))
        chapters.append(ch)
        advance(ch)
    if not waiting and not rasters:
        for ch in chapters:
            complete(ch)
        return chapters
    workers.start(min(jobs, len(waiting) + len(rasters)))
    for task in rasters.values():  # images after the chapters: short, they fill the gaps at the end
        workers.submit(task)
    workers.order(key=lambda job: -_cost(job.html) if isinstance(job, Job) else 0)
    done = pages = 0
    log.progress(f"pdf: rendering {len(waiting)} of {len(chapters)} chapters")
    for ch in chapters:
        if ch.flow.done:
            complete(ch)
    sources.prefetch(_cached(chapters, store, waiting))
    meanwhile()
    for outcome in workers.results():
        if outcome.error is not None:
            failed.append(_failure(waiting, outcome))
            if isinstance(outcome.job, Job):
                waiting.pop(outcome.job.key, None)
            continue
        if "key" not in outcome.value:
            continue
        ch, request = waiting.pop(outcome.value["key"])
        _accept(ch, request, outcome.value["key"], outcome.value)
        ch.rendered += len(outcome.value["pages"]) - (1 if request.start else 0)
        pages += len(outcome.value["pages"])
        done += 1
        if not failed:
            advance(ch)
            if ch.flow.done:
                complete(ch)
        log.progress(
            f"pdf: rendered {ch.chapter.label} ({done} of {total} renders, {pages} pages)"
            + ("" if ch.flow.done else ", going on from its last page break")
        )
    if failed:
        first = failed[0]
        if len(failed) > 1:
            more = f"; {len(failed) - 1} other render(s) failed too"
            raise type(first)(first.message + more, where=first.where, hint=first.hint)
        raise first
    return chapters


def _stamp_fonts() -> tuple:
    """The fonts the merge stamps with, made (subset) while the workers render rather than after."""
    return stamp_font(), stamp_font(bold=True)


_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
_ANYWHERE = re.compile(r'class="cols-(?:[6-9]|\d\d)\b')  # styles/print.css: cells that may break anywhere


def _cost(html: str) -> int:
    """An estimate of a render's time, so that the longest start first and no worker is left with a long
    one at the end: its length, a table's twice (its columns are measured before it is laid out), and a
    table whose cells may break anywhere eight times (each character is measured). On aix-2026 this
    puts every chapter within 19-31 µs per unit, where its length alone gave 21-107 µs per character."""
    cost = len(html)
    for table in _TABLE.finditer(html):
        anywhere = _ANYWHERE.search(table[0], 0, table[0].find(">"))  # in its opening tag
        cost += len(table[0]) * (8 if anywhere else 1)
    return cost


def _cached(chapters: list[_Chapter], store: Path, waiting: dict) -> list[Path]:
    """The renders in the cache that the pages of chapters still being rendered may come from (not one
    being rendered again: its file is rewritten), and the converted images already there."""
    keys: dict[str, None] = {}
    for ch in chapters:
        if ch.flow.done:
            continue
        for sheet in [*ch.flow.sheets, *(ch.flow.old.sheets if ch.flow.old is not None else [])]:
            keys[sheet.render] = None
    found = [store / f"{key}.pdf" for key in keys if key not in waiting and (store / f"{key}.json").is_file()]
    images = [store / f"img-{key}.pdf" for ch in chapters for key in ch.chapter.rasters]
    return [path for path in [*found, *images] if path.is_file()]


def _accept(ch: _Chapter, request: Request, key: str, meta: dict) -> None:
    ch.metas[key] = meta
    starts = [page.get("start") for page in meta["pages"]]
    insides = [tuple(page["inside"]) if page.get("inside") else None for page in meta["pages"]]
    ch.flow.accept(request, key, starts, 1 if request.start else 0, insides)


def _failure(waiting: dict, outcome) -> AixError:
    """The error for a render (or an image) that failed, naming its page and the line it starts at."""
    job = outcome.job
    error = InputError if outcome.code == 2 else AixError
    hint = "--page-timeout" if outcome.error.startswith("rendering took longer") else None
    if isinstance(job, Job):
        ch, request = waiting[job.key]
        chapter = ch.chapter
        if chapter.lines:
            where = Source(chapter.source.file, chapter.lines[min(request.start, len(chapter.lines) - 1)])
            part = ""
        else:
            where, part = chapter.source, " (the cover and contents)"
        message = outcome.error if hint else f"rendering failed: {outcome.error}"
        return error(message + part, where=str(where), hint=hint)
    return error(f"converting image {job[1].file} failed: {outcome.error}", hint=hint)


def _keep(store: Path, chapters: list[_Chapter], images: dict[str, Path], parsed: set[str]) -> None:
    """Save each chapter's layout; drop renders no layout uses, pages parsed from sources no longer there,
    and what a killed worker left half-written."""
    keep = {f"img-{key}" for key in images} | {Path(name).stem for name in parsed}
    layouts = set()
    for ch in chapters:
        layout = Layout(ch.chapter.context, ch.chapter.ids, ch.flow.sheets)
        file = _layout_file(store, ch.chapter)
        write_atomic(file, json.dumps(layout.to_json()).encode("utf-8"))
        layouts.add(file.name)
        keep |= {s.render for s in ch.flow.sheets}
    for file in store.iterdir():
        ours = file.stem in keep or file.name in layouts or file.name.startswith("font-")
        stale = file.suffix in (".pdf", ".json") and not ours
        if stale or file.suffix == ".tmp":
            file.unlink(missing_ok=True)

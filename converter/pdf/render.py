"""One part of the document to a PDF, in a worker process: WeasyPrint with the safe fetcher.

Returns what the merge needs and what the PDF's own names would not say exactly: the page count and the
box of every anchor on every page (in PDF points from the bottom left), and the warnings WeasyPrint gave
(missing glyphs, refused fetches) so that cached parts can report them again.
"""

from __future__ import annotations

import gc
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

PX = 0.75  # CSS px to PDF points


@dataclass(slots=True)
class Job:
    key: str
    html: str
    base_url: str
    roots: list[str]
    pdf: str  # where to write the part
    meta: str  # where to write its metadata (JSON)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(".notdef glyph"):
            code = "missing-glyph"
        elif message.startswith(("Failed to load", "refused")):
            code = "refused-fetch"
        else:
            code = "renderer"
        self.messages.append((code, message.splitlines()[0]))


def render(job: Job) -> dict:
    """Render a part; writes its PDF and metadata and returns the metadata. Python's cycle collector is off
    while WeasyPrint works (it would scan the growing box tree again and again: 10-15% of the time on
    aix-2026) and runs once after, so that the worker's memory does not grow from render to render."""
    gc.disable()
    try:
        return _render(job)
    finally:
        gc.enable()
        gc.collect()


def _render(job: Job) -> dict:
    from weasyprint import HTML
    from weasyprint.logger import LOGGER

    from . import speedups
    from .fetcher import SafeFetcher

    speedups.apply()

    collect = _Collect()
    refusals: list[tuple[str, str]] = []
    LOGGER.addHandler(collect)
    try:
        fetcher = SafeFetcher([Path(r) for r in job.roots], lambda url, why: refusals.append((url, why)))
        document = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher).render()
        pages = []
        for page, (start, inside) in zip(document.pages, _piece_starts(document), strict=True):
            height = page.height
            anchors = {
                name: [
                    round(x1 * PX, 2),
                    round((height - y1) * PX, 2),
                    round(x2 * PX, 2),
                    round((height - y2) * PX, 2),
                ]
                for name, (x1, y1, x2, y2) in page.anchors.items()
            }
            pages.append(
                {
                    "width": page.width * PX,
                    "height": height * PX,
                    "anchors": anchors,
                    "start": start,
                    "inside": inside,
                }
            )
    finally:
        LOGGER.removeHandler(collect)
    meta = {
        "key": job.key,
        "pages": pages,
        "warnings": collect.messages,
        "refused": refusals,
    }
    tmp = Path(job.meta + ".tmp")
    try:
        _write_tagged(document, job)
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        tmp.replace(job.meta)  # the metadata lands last: a part without it is not in the cache
    except BaseException:  # a full disk: leave no half-written part behind
        Path(job.pdf).unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
        raise
    return meta


def _write_tagged(document, job: Job) -> None:
    """The part with WeasyPrint's structure tree, settled for the merge (tags.py). WeasyPrint writes it
    uncompressed and qpdf compresses it on saving: pydyf builds its object streams in Python, 4-14% of the
    time of writing a chapter of aix-2026; the saved part is the same size within 6%."""
    import pikepdf

    from .tags import settle

    with pikepdf.open(io.BytesIO(document.write_pdf(pdf_tags=True, uncompressed_pdf=True))) as pdf:
        settle(pdf, f"{job.key[:12]}-", css_boxes=True)
        pdf.save(job.pdf, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)


SPLITTABLE = {"p", "ul", "ol", "blockquote", "pre"}  # continue the same way from the same amount of text


def _piece_starts(document) -> list[tuple[int | None, list[int] | None]]:
    """For each page, where it begins: at the top of a piece (``data-aix-b``, units.py), when the first box
    in the chapter's section is that piece's element and it was not on the page before; or inside one,
    as [piece, characters of it on the pages before], for the elements whose rest is laid out the same
    whatever came before (not tables: their repeated header rows would make the count ambiguous)."""
    starts: list[tuple[int | None, list[int] | None]] = []
    before: set[int] = set()
    shown: dict[int, int] = {}  # characters of each element on the pages so far
    for page in document.pages:
        boxes = _chapter_boxes(page._page_box)
        start: int | None = None
        inside: list[int] | None = None
        if boxes and boxes[0].element is not None:
            element = boxes[0].element
            mark = element.get("data-aix-b")
            if mark is not None and mark.isdigit():
                if id(element) not in before:
                    start = int(mark)
                elif boxes[0].element_tag in SPLITTABLE:
                    inside = [int(mark), shown.get(id(element), 0)]
        if boxes:  # only a page's last box can go on to the next page
            last = boxes[-1]
            shown[id(last.element)] = shown.get(id(last.element), 0) + _characters(last)
        starts.append((start, inside))
        before = {id(box.element) for box in boxes}
    return starts


def _characters(box) -> int:
    text = getattr(box, "text", None)
    if isinstance(text, str):
        return len(text)
    return sum(_characters(child) for child in getattr(box, "children", ()))


def _chapter_boxes(page_box) -> list:
    """The boxes of the chapter's section on a page (html > body > section.chapter)."""
    for html in page_box.children:
        for body in getattr(html, "children", ()):
            for box in getattr(body, "children", ()):
                if box.element_tag == "section" and "chapter" in (box.element.get("class") or ""):
                    return list(box.children)
    return []


def run(task: Job | tuple) -> dict:
    """A worker's task: a part to render, or ("image", raster, path) to convert."""
    if isinstance(task, Job):
        return render(task)
    from .raster import convert

    _, raster, path = task
    return {"image": convert(raster, path)}


def warm_up() -> None:
    """Import WeasyPrint and load the fonts while the parent process reads the sources."""
    from weasyprint import HTML

    HTML(string="<p>aix ✅ 数据</p>").render().write_pdf()

"""The document as the PDF renders it: the front matter, then one chapter per page of the site.

A chapter's body is a list of pieces (top-level elements, pdf/flow.py decides which to render). A render
of pieces ``[start, end)`` is an HTML document of its own: from the chapter's start it opens with the
title; from inside the chapter it opens with a block taller than the page, so that the first piece begins
page 2 after an unforced break, exactly as it would in the whole chapter (WeasyPrint drops the top margin
there). Each piece's first element is marked ``data-aix-b`` so the renderer can say which piece begins
each page. Internal links are written as ``aix:<id>`` placeholders: WeasyPrint drops links to anchors
outside the document it renders, so assemble.py turns them into jumps after the pages are joined.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

from .. import STYLES
from ..html.document import cover_html, head_html, toc_headings, toc_html
from ..html.hrefs import Linker
from ..html.pagerefs import KINDS, PageRefs, ref_text
from ..html.release import DocInfo
from ..html.writer import HtmlWriter
from ..model import Heading, Site, Source
from .fonts import stamp_font
from .raster import Raster, StampedImages

CACHE_VERSION = "aix-pdf-4"  # 3: tagged renders (tags.py); 4: pages that begin inside a piece (flow.py)
STYLESHEETS = ("aix.css", "print.css")
RESUME = '<div class="aix-skip" style="height: 400mm; margin: 0"></div>'
RESUME_CSS = "section.chapter.aix-resume { break-before: auto; }"

# assemble.py draws the contents' leaders and page numbers, from the end of each entry's text (.te) to the
# entry's right edge (kept free by the padding): CSS leaders would cost WeasyPrint seconds of drawing.
FRONT_CSS = (
    "nav.toc a::after { content: none; }"
    "nav.toc a { padding-right: 3em; }"
    "nav.toc .te { display: inline-block; width: 0; height: 1em; }"
)
_FIRST_TAG = re.compile(r"\s*<([a-zA-Z][a-zA-Z0-9]*)")
_IMAGE_ID = re.compile(r'<img id="img-([0-9a-f]+)-(\d+)"')


def pageref_css(site: Site) -> str:
    """The boxes after internal links that assemble.py draws page numbers into (html/pagerefs.py): as
    wide as the page numbers are likely to be in the stamping font, one em high so that the stamp knows
    the font size. The digits are estimated from the sources (about 2,500 Markdown characters a page,
    plus the front matter and each chapter's last page), so that the sample's refs leave no room for a
    third digit; a number that turns out wider is squeezed into its box."""
    pages = 3 + len(site.pages) + sum(len(page.body) for page in site.pages) // 2500
    widest = int("8" * len(str(pages)))
    widths = "".join(
        f".pageref.{name} {{ width: {stamp_font().width(ref_text(style, widest), 1):.2f}em; }}"
        for style, name in KINDS.items()
    )
    return ".pageref { display: inline-block; height: 1em; }" + widths


def placeholder(heading: Heading) -> str:
    return "aix:" + quote(heading.doc_id, safe="")


def _digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update((part.encode("utf-8") if isinstance(part, str) else part) + b"\0")
    return digest.hexdigest()[:32]


@dataclass
class Chapter:
    """A page of the site (or the front matter) cut into pieces, with what every render of it shares."""

    label: str  # for progress and messages: "docs/2_threats_through_use.md", "contents"
    source: Source  # where warnings from rendering it point
    head: str  # the HTML up to <body>
    opening: str  # the chapter's section tag and title (the front matter: cover and contents)
    resume: str  # the section tag a render from inside the chapter opens with
    closing: str
    pieces: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # each piece's identity: its HTML and the files it shows
    lines: list[int] = field(default_factory=list)  # each piece's first line in the source
    rasters: dict[str, Raster] = field(default_factory=dict)  # images assemble.py draws into the pages
    context: str = ""  # the identity of everything around the pieces

    def html(self, start: int, end: int) -> str:
        """The document that renders pieces [start, end)."""
        body = []
        for n, piece in enumerate(self.pieces[start:end]):
            body.append(_mark(piece, n))
        opening = self.opening if start == 0 else RESUME + self.resume
        return self.head + opening + "".join(body) + self.closing + "</body></html>\n"

    def key(self, start: int, end: int) -> str:
        """The cache key of a render: everything its HTML is made of."""
        return _digest(self.context, str(start == 0), *self.ids[start:end])


def _mark(piece: str, n: int) -> str:
    """The piece with its first element marked as piece n of the render, and its images' ids made unique."""
    piece = _IMAGE_ID.sub(lambda m: f'<img id="img-{m[1]}-{n}.{m[2]}"', piece)
    first = _FIRST_TAG.match(piece)
    if first is None:
        return piece
    return piece[: first.end()] + f' data-aix-b="{n}"' + piece[first.end() :]


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def chapter_css(header: str) -> str:
    """Per chapter: the running header is its title; the footer is stamped when merging."""
    return (
        f"@page {{ @top-right {{ content: {css_string(header)}; }} @bottom-center {{ content: none; }} }}"
        "h1, h2, h3, h4, h5, h6 { bookmark-level: none; }" + RESUME_CSS
    )


def _stylesheets() -> list[tuple[str, str]]:
    return [((STYLES / name).as_uri(), "all") for name in STYLESHEETS]


def _styles_identity() -> str:
    return _digest(
        CACHE_VERSION, version("weasyprint"), *((STYLES / name).read_bytes() for name in STYLESHEETS)
    )


def _files(files: list[Path]) -> list[bytes]:
    return [str(f).encode("utf-8") + b"\0" + f.read_bytes() for f in sorted(set(files))]


def plan_chapters(
    site: Site, info: DocInfo, linker: Linker, warn, page_refs: bool = False
) -> Iterator[Chapter]:
    """The front matter first, then every page in document order, each as soon as its HTML is written. An
    index's links get boxes for their page numbers, and with `page_refs` every internal link does."""
    images = StampedImages()
    writer = HtmlWriter(site, linker, images, warn, PageRefs(body=page_refs, slots=True))
    sheets = _stylesheets()
    refs_css = pageref_css(site)
    styles = _styles_identity()
    front = cover_html(info) + toc_html(toc_headings(site), placeholder, slots=True)
    head = head_html(info.title, sheets, chapter_css("Contents") + FRONT_CSS)
    first = site.pages[0].headings[0].source if site.pages else Source("", 0)
    yield Chapter("contents", first, head, front, "", "", context=_digest(styles, head, front))
    for page in site.pages:
        head = head_html(page.title, sheets, chapter_css(page.title) + refs_css)
        tag = writer.chapter_tag(page)
        chapter = Chapter(
            page.path,
            Source(page.rel, page.body_line),
            head,
            tag + writer.title(page.headings[0]),
            writer.chapter_tag(page, " aix-resume"),
            "</section>\n",
        )
        images.start_part()
        for piece, block in writer.page_pieces(page):
            chapter.pieces.append(piece)
            chapter.ids.append(_digest(piece, *_files(images.used)))
            chapter.lines.append(block.line)
            chapter.rasters |= images.rasters
            images.start_part()
        chapter.context = _digest(styles, head, chapter.opening, chapter.resume)
        yield chapter

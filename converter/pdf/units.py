"""The document cut into parts that render apart: the front matter, then each page, long pages in pieces.

A part always starts on a new page, so parts render independently (in parallel, and from a cache when
their HTML is unchanged). A page is cut before a section heading (levels 2-4) once the text since the
last cut is long; every cut is decided by the sources alone, so an edit re-renders only its own part.
Internal links are written as ``aix:<id>`` placeholders: WeasyPrint drops links to anchors outside the
part it renders, so assemble.py turns them into jumps after the parts are joined.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

from .. import STYLES
from ..html.document import cover_html, head_html, toc_headings, toc_html
from ..html.hrefs import Linker
from ..html.release import DocInfo
from ..html.writer import HtmlWriter
from ..model import Block, Heading, Page, Site, Source
from .raster import Raster, StampedImages

PART_CHARS = 16_000  # Markdown characters (about 5 pages) after which a section heading starts a part
CACHE_VERSION = "aix-pdf-2"  # 2: tagged parts (tags.py)
STYLESHEETS = ("aix.css", "print.css")


# assemble.py draws the contents' leaders and page numbers, from the end of each entry's text (.te) to the
# entry's right edge (kept free by the padding): CSS leaders would cost WeasyPrint seconds of drawing.
FRONT_CSS = (
    "nav.toc a::after { content: none; }"
    "nav.toc a { padding-right: 3em; }"
    "nav.toc .te { display: inline-block; width: 0; height: 1em; }"
)


def placeholder(heading: Heading) -> str:
    return "aix:" + quote(heading.doc_id, safe="")


@dataclass
class Unit:
    key: str
    label: str  # for progress and messages: "docs/2_threats_through_use.md (part 2)"
    html: str
    source: Source  # where warnings from rendering it point
    page: Page | None = None
    rasters: dict[str, Raster] = field(default_factory=dict)  # images assemble.py draws into the part


def split_blocks(page: Page) -> list[list[Block]]:
    parts: list[list[Block]] = [[]]
    size = 0
    for block in page.blocks:
        if block.kind == "heading" and parts[-1]:
            level = block.token["attrs"]["level"]
            limit = PART_CHARS // 2 if level == 2 else PART_CHARS
            if 2 <= level <= 4 and size >= limit:
                parts.append([])
                size = 0
        parts[-1].append(block)
        size += len(block.text)
    return parts


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def part_css(header: str) -> str:
    """Per part: the running header is its chapter's title; the footer is stamped when merging."""
    return (
        f"@page {{ @top-right {{ content: {css_string(header)}; }} @bottom-center {{ content: none; }} }}"
        "h1, h2, h3, h4, h5, h6 { bookmark-level: none; }"
    )


def _stylesheets() -> list[tuple[str, str]]:
    return [((STYLES / name).as_uri(), "all") for name in STYLESHEETS]


def _key(html: str, images: list[Path]) -> str:
    digest = hashlib.sha256()
    for part in (CACHE_VERSION, version("weasyprint"), html):
        digest.update(part.encode("utf-8") + b"\0")
    for name in STYLESHEETS:
        digest.update((STYLES / name).read_bytes())
    for image in sorted(set(images)):
        digest.update(str(image).encode("utf-8") + b"\0" + image.read_bytes())
    return digest.hexdigest()[:32]


def plan_units(site: Site, info: DocInfo, linker: Linker, warn) -> Iterator[Unit]:
    """The front matter first, then the parts of every page in document order, each as soon as its HTML
    is written (so that rendering an edited part can start before the rest is written)."""
    images = StampedImages()
    writer = HtmlWriter(site, linker, images, warn)
    sheets = _stylesheets()
    toc = toc_headings(site)
    front = (
        head_html(info.title, sheets, part_css("Contents") + FRONT_CSS)
        + cover_html(info)
        + toc_html(toc, placeholder, slots=True)
        + "</body></html>\n"
    )
    first = site.pages[0].headings[0].source if site.pages else Source("", 0)
    yield Unit(_key(front, []), "contents", front, first)
    for page in site.pages:
        blocks = split_blocks(page)
        for n, part in enumerate(blocks):
            images.start_part()
            body = writer.render_page(page, part, title=n == 0)
            html = head_html(page.title, sheets, part_css(page.title)) + body + "</body></html>\n"
            label = page.path + (f" (part {n + 1})" if len(blocks) > 1 else "")
            line = part[0].line if part else page.body_line
            key = _key(html, images.used)
            yield Unit(key, label, html, Source(page.rel, line), page, rasters=images.rasters)

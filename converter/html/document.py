"""`aix html`: the whole document as one HTML file, with a cover and a contents list, images beside it.

The cover and contents are shared with the PDF (pdf/), which renders them with its own page numbers.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from .. import STYLES
from ..buildlog import BuildLog
from ..errors import AixError
from ..fileio import output_path, why, write_atomic
from ..model import Heading, Image, Page, Site
from ..pipeline import build_model
from .hrefs import Linker
from .pagerefs import index_letter
from .release import DocInfo, document_info
from .writer import HtmlWriter, ImagePolicy, esc

TOC_DEPTH = 3  # without numbered sections: page titles and two levels below
DATA_IMAGES = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
NAVIGATION = ("cards", "card", "small-card")  # shortcodes that only lead to other pages


def toc_headings(site: Site) -> list[Heading]:
    """The headings the contents list shows: down to `contents_levels` (aix.yaml; by default the level
    that numbered sections reach), outside shortcodes, without index letters and landing pages."""
    levels = site.aix.get("contents_levels") or numbered_levels(site)
    landing = {page.path for page in site.pages if is_landing(page)}
    return [
        h
        for h in site.headings
        if h.scope == 0 and h.level <= levels and not index_letter(h) and h.page not in landing
    ]


def numbered_levels(site: Site) -> int:
    """The deepest level with a section number of its parent's ("2.1", "2.1.3"); a lone "1." there is a
    step, not a section."""
    dotted = [h.level for h in site.headings if h.scope == 0 and h.number and "." in h.number]
    return max(dotted, default=TOC_DEPTH)


def is_landing(page: Page) -> bool:
    """A page with a title and nothing of its own: no sections, only blank lines and cards to other pages."""
    return len(page.headings) == 1 and all(
        b.kind == "blank_line" or (b.kind == "shortcode" and b.token.get("name") in NAVIGATION)
        for b in page.blocks
    )


def cover_html(info: DocInfo) -> str:
    subtitle = f'<p class="subtitle">{esc(info.subtitle)}</p>' if info.subtitle else ""
    return (
        f'<header class="cover"><h1>{esc(info.title)}</h1>{subtitle}'
        f'<p class="meta">{esc(info.author)}<br>{info.date:%-d %B %Y}<br>Sources: {esc(info.version)}</p></header>\n'
    )


def toc_html(headings: list[Heading], href: Callable[[Heading], str], slots: bool = False) -> str:
    """The contents list. With `slots` (the PDF), each entry is an anchor and its text ends in an empty
    box: the PDF draws the dot leader from that box to the entry's right edge and stamps the page number
    there, once it knows the pages."""
    out = ['<nav class="toc"><h2 class="toc-title">Contents</h2>\n<ol>\n']
    for h in headings:
        level = min(h.level, 6)
        text = f'<span class="t">{esc(h.text)}</span>'
        anchor = ""
        if slots:
            text += f'<span class="te" id="te-{esc(h.doc_id)}"></span>'
            anchor = f' id="toc-{esc(h.doc_id)}"'
        out.append(f'<li class="toc-{level}"><a{anchor} href="{esc(href(h))}">{text}</a></li>\n')
    out.append("</ol></nav>\n")
    return "".join(out)


def head_html(title: str, stylesheets: list[tuple[str, str]], extra_css: str = "") -> str:
    links = "".join(f'<link rel="stylesheet" href="{esc(h)}" media="{m}">' for h, m in stylesheets)
    style = f"<style>{extra_css}</style>" if extra_css else ""
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f"{links}{style}</head>\n<body>\n"
    )


class CopiedImages(ImagePolicy):
    """Images for the one-file HTML: each local file copied once beside index.html, under its site path."""

    def __init__(self, site: Site, out: Path):
        self.site = site
        self.out = out
        self.copied: dict[Path, str] = {}

    def src(self, image: Image) -> str | None:
        if image.file is None:
            src = image.src.strip()
            return src if src.startswith(DATA_IMAGES) else None
        if image.file not in self.copied:
            static = (self.site.root / "static").resolve()
            if image.file.is_relative_to(static):
                rel = image.file.relative_to(static).as_posix()
            else:
                rel = "content/" + image.file.relative_to((self.site.root / "content").resolve()).as_posix()
            self.copied[image.file] = rel
        return self.copied[image.file]

    def copy(self) -> None:
        for file, rel in self.copied.items():
            target = output_path(self.out / rel, "-o", self.site.root)  # a symlink in DIR may lead inside
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)


def write_html(root: str | Path, out: str | Path, log: BuildLog) -> Path:
    """Build DIR/index.html with images and styles beside it; returns the file written."""
    out = output_path(out, "-o", root, folder=True)
    output_path(out / "styles", "-o", root, folder=True)
    output_path(out / "index.html", "-o", root)
    log.progress("html: reading the sources")
    site = build_model(root, log.add)
    info = document_info(site)
    images = CopiedImages(site, out)
    linker = Linker(site, log.warn)
    writer = HtmlWriter(site, linker, images, log.warn)
    parts = [
        head_html(
            info.title,
            [("styles/aix.css", "all"), ("styles/screen.css", "screen"), ("styles/print.css", "print")],
        ),
        cover_html(info),
        toc_html(toc_headings(site), lambda h: "#" + h.doc_id),
        "<main>\n",
    ]
    for n, page in enumerate(site.pages, 1):
        log.progress(f"html: page {n}/{len(site.pages)} {page.path}")
        parts.append(writer.render_page(page))
    parts.append("</main>\n</body></html>\n")
    log.gate()
    index = out / "index.html"
    try:
        out.mkdir(parents=True, exist_ok=True)
        images.copy()
        (out / "styles").mkdir(exist_ok=True)
        for name in ("aix.css", "screen.css", "print.css"):
            shutil.copyfile(STYLES / name, out / "styles" / name)
        write_atomic(index, "".join(parts))
    except OSError as e:
        raise AixError(f"cannot write {e.filename or out}: {why(e)}") from None
    stats = linker.stats
    log.finish(
        [
            f"aix html: wrote {index} ({len(site.pages)} pages, {len(images.copied)} images)",
            f"  links: {stats.internal} inside the document, {stats.external} outside, "
            f"{len(stats.unresolved)} unresolved; {len(log.warnings)} warning(s)",
        ]
    )
    return index

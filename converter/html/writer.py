"""HTML out: one method per token type (``block_<type>``, ``inline_<type>``), over the model's pages.

A page renders as a ``<section class="chapter">`` that starts with its title as ``<h1>``. Headings carry
the document-wide id (transforms/unique_ids.py) and the Hugo id (``data-hugo-id``). Every link goes through the Linker
(hrefs.py) and every image through an ImagePolicy, so the one-file HTML and the PDF differ only there. The
writer reads the model only: links and images, those of raw HTML too, are the ones the reader collected.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

from ..hugo.markdown import plain_text
from ..model import Block, Heading, Image, Link, Page, Site
from ..transforms.images import image_problem
from .hrefs import Linker, Warn
from .pagerefs import PageRefs
from .sanitize import Sanitizer
from .shortcodes import Shortcodes
from .text import esc, text_of

__all__ = ["HtmlWriter", "ImagePolicy", "esc"]

Token = dict[str, Any]


class ImagePolicy:
    """Where a writer's images come from; the one-file HTML copies them, the PDF stamps them."""

    def src(self, image: Image) -> str | None:
        """The src to write for an image, or None when it cannot be shown."""
        raise NotImplementedError

    def element(self, image: Image, alt: str, attrs: str = "") -> str | None:
        """The element for a Markdown or shortcode image (raw HTML keeps its own tag and takes `src`)."""
        src = self.src(image)
        return None if src is None else f'<img src="{esc(src)}" alt="{esc(alt)}"{attrs}>'


class HtmlWriter:
    """Renders the pages of a site; one instance per output document."""

    def __init__(
        self, site: Site, linker: Linker, images: ImagePolicy, warn: Warn, page_refs: PageRefs | None = None
    ):
        self.site = site
        self.page_refs = page_refs
        self.linker = linker
        self.images = images
        self.warn = warn
        self.page: Page
        self.raw: Sanitizer
        self.raw_token: Token = {}  # the raw HTML being cleaned
        self.shortcodes = Shortcodes(self)

    # pages
    def render_page(self, page: Page, blocks: list | None = None, title: bool = True) -> str:
        """A page as a chapter; `blocks` renders a part of it (a handout shows sections of pages)."""
        self.page = page
        self.raw = Sanitizer(self._raw_url)
        out = [self.chapter_tag(page)]
        if title:
            out.append(self.title(page.headings[0]))
        out.append(self.render([b.token for b in (page.blocks if blocks is None else blocks)]))
        out.append(self.raw.finish())
        out.append("</section>\n")
        return "".join(out)

    def chapter_tag(self, page: Page, extra_class: str = "") -> str:
        return f'<section class="chapter{extra_class}" data-page="{esc(page.path)}">'

    def page_pieces(self, page: Page) -> Iterator[tuple[str, Block]]:
        """The page's body (without its title) cut wherever its raw HTML is balanced, each piece with its
        first block: a piece is whole top-level elements, so the PDF can lay out from any piece on."""
        self.page = page
        self.raw = Sanitizer(self._raw_url)
        pending: list[str] = []
        first: Block | None = None
        for block in page.blocks:
            pending.append(self.render([block.token]))
            first = first or block
            if not self.raw.open and not self.raw.suppressing:
                yield "".join(pending), first
                pending, first = [], None
        if first is not None:
            yield "".join(pending) + self.raw.finish(), first

    def title(self, heading: Heading) -> str:
        return f'<h1 class="title" id="{esc(heading.doc_id)}">{esc(heading.text)}</h1>\n'

    def render(self, tokens: list[Token]) -> str:
        out = []
        for tok in tokens:
            if self.raw.suppressing and tok["type"] not in ("inline_html", "block_html"):
                continue
            method = self._method(tok)
            out.append(method(tok) if method else self.render(tok.get("children") or []))
        return "".join(out)

    def _method(self, tok: Token):
        kind = tok["type"]
        if kind == "shortcode":
            return self.inline_shortcode if tok.get("inline") else self.block_shortcode
        return getattr(self, "block_" + kind, None) or getattr(self, "inline_" + kind, None)

    # blocks
    def block_heading(self, tok: Token) -> str:
        h = self.page.headings[tok["_heading"]]
        level = min(h.level, 6)
        return (
            f'<h{level} id="{esc(h.doc_id)}" data-hugo-id="{esc(h.id)}">'
            f"{self.render(tok.get('children') or [])}</h{level}>\n"
        )

    def block_paragraph(self, tok: Token) -> str:
        if tok.get("_loose"):
            return f"{self.render(tok['children'])}\n"  # Hugo's page has it in no <p> (markdown._mark_loose)
        return f"<p>{self.render(tok['children'])}</p>\n"

    def block_block_text(self, tok: Token) -> str:
        return self.render(tok["children"])

    def block_list(self, tok: Token) -> str:
        attrs = tok["attrs"]
        if attrs.get("ordered"):
            start = attrs.get("start")
            tag, open_ = "ol", "<ol>" if start in (None, 1) else f'<ol start="{int(start)}">'
        else:
            tag, open_ = "ul", "<ul>"
        return f"{open_}\n{self.render(tok['children'])}</{tag}>\n"

    def block_list_item(self, tok: Token) -> str:
        children = tok["children"]
        task = _task(children)
        if task is not None:
            box, children = task
            return f'<li class="task"><span class="box">{box}</span> {self.render(children)}</li>\n'
        return f"<li>{self.render(children)}</li>\n"

    block_task_list_item = block_list_item

    def block_block_quote(self, tok: Token) -> str:
        return f"<blockquote>\n{self.render(tok['children'])}</blockquote>\n"

    def block_block_code(self, tok: Token) -> str:
        info = (tok.get("attrs") or {}).get("info") or ""
        lang = info.split()[0] if info.strip() else ""
        cls = f' class="language-{esc(lang)}"' if lang else ""
        return f"<pre><code{cls}>{html.escape(tok['raw'], quote=False)}</code></pre>\n"

    def block_block_html(self, tok: Token) -> str:
        self.raw_token = tok
        return self.raw.clean(tok["raw"])

    def block_thematic_break(self, tok: Token) -> str:
        return "<hr>\n"

    def block_blank_line(self, tok: Token) -> str:
        return ""

    def block_table(self, tok: Token) -> str:
        head = next((c for c in tok["children"] if c["type"] == "table_head"), None)
        cols = len(head["children"]) if head else 0
        wide = " wide" if cols >= 4 else ""
        return f'<table class="cols-{cols}{wide}">\n{self.render(tok["children"])}</table>\n'

    def block_table_head(self, tok: Token) -> str:
        return f"<thead><tr>{self.render(tok['children'])}</tr></thead>\n"

    def block_table_body(self, tok: Token) -> str:
        return f"<tbody>\n{self.render(tok['children'])}</tbody>\n"

    def block_table_row(self, tok: Token) -> str:
        return f"<tr>{self.render(tok['children'])}</tr>\n"

    def block_table_cell(self, tok: Token) -> str:
        attrs = tok.get("attrs") or {}
        tag = "th" if attrs.get("head") else "td"
        align = f' class="{attrs["align"]}"' if attrs.get("align") else ""
        return f"<{tag}{align}>{self.render(tok['children'])}</{tag}>"

    def block_shortcode(self, tok: Token) -> str:
        return self.shortcodes.render(tok)

    # inline
    def inline_text(self, tok: Token) -> str:
        return text_of(tok.get("typo", tok["raw"]))  # as goldmark's Typographer prints it, when it is on

    def inline_emphasis(self, tok: Token) -> str:
        return f"<em>{self.render(tok['children'])}</em>"

    def inline_strong(self, tok: Token) -> str:
        return f"<strong>{self.render(tok['children'])}</strong>"

    def inline_strikethrough(self, tok: Token) -> str:
        return f"<del>{self.render(tok['children'])}</del>"

    def inline_codespan(self, tok: Token) -> str:
        return f"<code>{html.escape(tok['raw'], quote=False)}</code>"

    def inline_linebreak(self, tok: Token) -> str:
        return "<br>\n"

    def inline_softbreak(self, tok: Token) -> str:
        return "\n"

    def inline_inline_html(self, tok: Token) -> str:
        self.raw_token = tok
        return self.raw.clean(tok["raw"])

    def inline_shortcode(self, tok: Token) -> str:
        return self.shortcodes.render(tok)

    def inline_link(self, tok: Token) -> str:
        link = self.page.links[tok["_link"]]
        found = self.linker.follow(link)
        inner = self.render(tok.get("children") or [])
        if found.href is None:
            return inner  # an unsafe URL: the text stays, the link goes
        title = tok["attrs"].get("title")
        title_attr = f' title="{esc(title)}"' if title else ""
        ref = ""
        if self.page_refs is not None and found.heading is not None:
            ref = self.page_refs.after(self.page, link, tok["_link"], found.heading)
        return f'<a href="{esc(found.href)}"{title_attr}>{inner}</a>{ref}'

    def inline_image(self, tok: Token) -> str:
        """An image; with a title, the image and the title as its caption, as hextra's image hook shows it
        (a <figure>; spans here, since the image stands inside a paragraph)."""
        image = self.page.images[tok["_image"]]
        element = self.img(image, plain_text(tok.get("children"), typographer=True))
        title = (tok.get("attrs") or {}).get("title")
        if not title:
            return element
        return f'<span class="figure">{element}<span class="figcaption">{esc(title)}</span></span>'

    # links and images, shared with shortcodes and raw HTML
    def href(self, link: Link) -> str | None:
        return self.linker.href(link)

    def img(self, image: Image, alt: str, attrs: str = "") -> str:
        element = self.images.element(image, alt, attrs)
        if element is None:
            problem = image_problem(self.site, self.page, image)
            self.warn(image.source, "missing-image", problem)
            return f'<span class="missing-image">[image not available: {esc(image.src)}]</span>'
        return element

    def _raw_url(self, tag: str, attr: str, value: str, n: int) -> str | None:
        """The URL to write for the n-th link or image of the raw HTML being cleaned: the model's node of
        that number (pages.py collected them in the order the sanitizer meets them). A URL the model does
        not hold (html.parser read the piece differently in the state a previous piece left) is dropped."""
        refs = self.raw_token.get("_refs") or {}
        if tag == "a" and attr == "href":
            numbers = refs.get("link") or []
            return self.href(self.page.links[numbers[n]]) if 0 <= n < len(numbers) else None
        if tag in ("img", "source") and attr == "src":
            numbers = refs.get("image") or []
            if not 0 <= n < len(numbers):
                return None
            image = self.page.images[numbers[n]]
            src = self.images.src(image)
            if src is None:
                self.warn(image.source, "missing-image", image_problem(self.site, self.page, image))
            return src
        return None  # other URLs (poster, background, cite, ...) are not followed


def _task(children: list[Token]) -> tuple[str, list[Token]] | None:
    """GitHub's task list item ('[x] done'), as goldmark's tasklist extension reads it: the box, and the
    item's blocks without the marker (copies; the model's tokens stay as they are)."""
    first = children[0] if children else None
    if not first or first["type"] not in ("block_text", "paragraph") or not first.get("children"):
        return None
    text = first["children"][0]
    if text["type"] != "text" or text["raw"][:4] not in ("[ ] ", "[x] ", "[X] "):
        return None
    box = "☐" if text["raw"][1] == " " else "☑"
    rest = {**text, "raw": text["raw"][4:]}
    if "typo" in text:
        rest["typo"] = text["typo"][4:]
    return box, [{**first, "children": [rest, *first["children"][1:]]}, *children[1:]]

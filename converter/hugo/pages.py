"""Transform: parse each page's body into blocks and collect its headings, links, images and shortcodes."""

from __future__ import annotations

import dataclasses
import html
import re
from urllib.parse import unquote

from ..html.sanitize import html_refs
from ..model import Block, Finding, Heading, Image, Link, LinkOrigin, Page, Shortcode, Site, Source, Token
from ..transforms.anchors import section_number
from . import parsecache, typographer
from .markdown import TooDeep, anchor_text, parse_markdown, plain_text, split_attributes

ATX = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
TITLE_KEY = re.compile(r"^title\s*[:=]", re.M)
URL_ARGS = ("link", "href", "url")
IMAGE_ARGS = ("src", "image", "img")
NODES = frozenset(("heading", "link", "image", "shortcode", "inline_html", "block_html"))


def parse_pages(site: Site) -> None:
    subs = typographer.substitutions(site.config)
    for page in site.pages:
        parse_page(page, subs)


def parse_page(page: Page, subs: dict[str, str] | None = typographer.SUBSTITUTIONS) -> None:
    """`subs`: the Typographer's substitutions (None: the site turns it off)."""
    cache = parsecache.current()
    try:
        if cache is None:
            tokens = parse_markdown(page.body, page.body_line, subs)
        else:
            tokens = cache.tokens(page.body, page.body_line, subs, parse_markdown)
    except TooDeep as e:
        e.where = f"{page.rel}:{e.line}"
        raise
    lines = page.body.splitlines(keepends=True)
    page.blocks = []
    for i, tok in enumerate(tokens):
        start = tok["_line"]
        end = tokens[i + 1]["_line"] - 1 if i + 1 < len(tokens) else page.body_line + len(lines) - 1
        end = max(end, start)
        text = "".join(lines[start - page.body_line : end - page.body_line + 1])
        page.blocks.append(Block(tok["type"], tok, start, end, text))
    page.headings, page.links, page.images, page.shortcodes, page.notes = [], [], [], [], []
    m = TITLE_KEY.search(page.front_matter_raw)
    title_line = page.front_matter_raw.count("\n", 0, m.start()) + 1 if m else 1
    page.headings.append(
        Heading(
            1,
            page.title,
            page.slug,
            Source(page.rel, title_line),
            section_number(page.title),
            page=page.path,
            is_title=True,
            markdown=page.title,
        )
    )
    walker = _Collector(page, subs is not None)
    for block in page.blocks:
        walker.locator = _Locator(block.text, block.line)
        walker.walk([block.token], scope=0)


def parse_part(page: Page, text: str, line: int, subs: dict[str, str] | None) -> Page:
    """Blocks of `page` that start at `line`, read as a page of their own: sync reads again a block of a
    snapshot that the page no longer holds, and its tokens get indices into this page's lists."""
    part = dataclasses.replace(page, raw=text, body=text, body_line=line)
    parse_page(part, subs)
    return part


class _Locator:
    """Finds the line of an inline element inside a block by searching its source text in order."""

    __slots__ = ("text", "first", "pos")

    def __init__(self, text: str, first: int):
        self.text, self.first, self.pos = text, first, 0

    def line(self, *needles: str) -> int:
        for needle in needles:
            if needle:
                at = self.text.find(needle, self.pos)
                if at >= 0:
                    self.pos = at + len(needle)
                    return self.first + self.text.count("\n", 0, at)
        return self.first + self.text.count("\n", 0, self.pos)

    def seek_line(self, line: int) -> None:
        """Move the search to the start of a known line (a nested block with its own line)."""
        offset = 0
        for _ in range(line - self.first):
            nl = self.text.find("\n", offset)
            if nl < 0:
                return
            offset = nl + 1
        self.pos = max(self.pos, offset)


class _Collector:
    def __init__(self, page: Page, typographer: bool):
        self.page = page
        self.typographer = typographer
        self.locator: _Locator
        self.scopes = 0

    def source(self, line: int) -> Source:
        return Source(self.page.rel, line)

    def walk(self, tokens: list[Token], scope: int) -> None:
        for tok in tokens:
            kind = tok["type"]
            if "_line" in tok:
                self.locator.seek_line(tok["_line"])
            if kind in NODES:  # writers find a token's model nodes by these indices into the page's lists
                tok["_heading"], tok["_link"], tok["_image"], tok["_shortcode"] = (
                    len(self.page.headings),
                    len(self.page.links),
                    len(self.page.images),
                    len(self.page.shortcodes),
                )
            if "_notes" in tok:
                self.notes(tok)
            if kind == "heading":
                self.heading(tok, scope)
            elif kind == "link":
                self.link(tok)
            elif kind == "image":
                self.image(tok["attrs"]["url"], plain_text(tok.get("children")), "markdown")
            elif kind == "shortcode":
                scope = self.shortcode(tok, scope)
                continue
            elif kind in ("inline_html", "block_html"):
                self.raw_html(tok)
            if "children" in tok and kind not in ("heading",):
                self.walk(tok["children"], scope)

    def notes(self, tok: Token) -> None:
        """What the reader noted about a paragraph or table (blocks.py), at the lines it names."""
        needle = tok.pop("_anchor", "")
        first = tok.get("_line") or self.locator.line(needle)
        for offset, code, message in tok.pop("_notes"):
            self.page.notes.append(Finding(self.page.rel, first + offset, "warning", code, message))

    def heading(self, tok: Token, scope: int) -> None:
        text = plain_text(tok.get("children"), typographer=self.typographer).strip()
        source_text = plain_text(tok.get("children")).strip()
        line = tok.get("_line") or self.locator.line("#", source_text[:20])
        markdown = source_text
        source_line = self.locator.text.splitlines()[line - self.locator.first] if tok.get("_line") else ""
        m = ATX.match(source_line)
        if m:
            markdown = split_attributes(m.group(1) or "")[0]
        explicit = tok["attrs"].get("id")
        heading = Heading(
            level=tok["attrs"]["level"],
            text=text,
            id=explicit or "",
            source=self.source(line),
            number=section_number(text),
            explicit_id=bool(explicit),
            markdown=markdown,
            page=self.page.path,
            anchor_text=anchor_text(tok.get("children"), self.typographer),
            scope=scope,
        )
        self.page.headings.append(heading)
        self.walk(tok.get("children") or [], scope)

    def link(self, tok: Token) -> None:
        url = tok["attrs"]["url"]
        text = plain_text(tok.get("children"))
        origin: LinkOrigin
        needles: tuple[str, ...]
        if "ref" in tok:
            origin, needles = "reference", (f"[{tok.get('label', '')}]", f"[{text}]")
        elif tok.get("_autolink"):
            origin, needles = "autolink", _url_forms(url)
        else:
            origin, needles = "markdown", tuple(f"({u}" for u in _url_forms(url)) + _url_forms(url)
        line = self.locator.line(*needles)
        written = _as_written(url, self.locator.text)
        self.page.links.append(Link(written, text, self.source(line), origin, page=self.page.path))

    def image(self, url: str, alt: str, origin: str) -> None:
        line = self.locator.line(*_url_forms(url))
        written = _as_written(url, self.locator.text)
        self.page.images.append(Image(written, alt, self.source(line), page=self.page.path))

    def shortcode(self, tok: Token, scope: int) -> int:
        line = tok.get("_line") or self.locator.line(tok["raw"])
        if tok.get("_line"):
            self.locator.line(tok["raw"])
        closing = bool(tok.get("closing"))
        self.page.shortcodes.append(
            Shortcode(
                name=tok["name"],
                args=tok["args"],
                raw=tok["raw"],
                source=self.source(line),
                paired=bool(tok.get("paired")) or closing,
                closed=not (tok.get("unclosed") or closing),
                inline=bool(tok.get("inline")),
                page=self.page.path,
            )
        )
        args = tok["args"] if isinstance(tok["args"], dict) else {}
        for key in URL_ARGS:
            if isinstance(args.get(key), str):
                title = args.get("title") or ""
                self.page.links.append(
                    Link(args[key], title, self.source(line), "shortcode", page=self.page.path)
                )
        for key in IMAGE_ARGS:
            if isinstance(args.get(key), str):
                self.page.images.append(
                    Image(args[key], args.get("alt", ""), self.source(line), page=self.page.path)
                )
        if tok.get("children"):
            inner_scope = scope
            if tok.get("paired") and tok.get("delim", "<") == "<":
                self.scopes += 1  # Hugo renders {{< >}} inner content apart (markdownify): ids of its own
                inner_scope = self.scopes
            self.walk(tok["children"], inner_scope)
        return scope

    def raw_html(self, tok: Token) -> None:
        """The links and images of a piece of raw HTML; the token keeps their indices, in html_refs order,
        so that the writer finds each URL the sanitizer meets by its number (sanitize.URL_REFERENCES)."""
        refs: dict[str, list[int]] = {"link": [], "image": []}
        for tag, _attr, value in html_refs(tok["raw"]):
            if tag == "a":
                line = self.locator.line(value)
                refs["link"].append(len(self.page.links))
                self.page.links.append(Link(value, "", self.source(line), "html", page=self.page.path))
            else:
                refs["image"].append(len(self.page.images))
                self.image(value, "", "html")
        tok["_refs"] = refs


def _url_forms(url: str) -> tuple[str, ...]:
    plain = unquote(url)
    return tuple(dict.fromkeys((url, plain, html.escape(plain, quote=False), plain.replace(" ", "%20"))))


def _as_written(url: str, text: str) -> str:
    for form in _url_forms(url):
        if form in text:
            return html.unescape(form) if "&amp;" in form else form
    return unquote(url)

"""Writer: the document model as a pandoc AST for the Word snapshot, one method per Markdown token type
(`block_<type>`, `inline_<type>`, the convention of every writer).

Each top-level block of a page becomes a *unit*: its exact source (with the blank lines after it) and a
hidden marker bookmark wrapped around the first paragraph it renders to; the page's title paragraph is the
unit that holds the front matter. `aix sync` finds the units again by their markers.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

from ..hugo.markdown import plain_text
from ..model import Image, Link, Page, Site
from ..pandoc import Node, type_and_content
from ..transforms.images import is_file
from ..transforms.links import site_path, split_url
from . import rawhtml
from . import styles as S
from .bookmarks import BookmarkNames, unit_marker

NO_ATTR: list[Any] = ["", [], []]
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".svg", ".emf", ".wmf"}
BR = re.compile(r"^<br\s*/?>$", re.I)
HTML_PAIR = re.compile(
    r"^<(a|b|strong|i|em|s|del|strike|sup|sub|code|kbd|samp|span|mark|u|small|abbr|cite|var)\b[^>]*>$", re.I
)
HTML_STYLE = {"b": "Strong", "strong": "Strong", "i": "Emph", "em": "Emph", "cite": "Emph", "var": "Emph",
              "s": "Strikeout", "del": "Strikeout", "strike": "Strikeout", "sup": "Superscript",
              "sub": "Subscript"}  # fmt: skip
LINK_ARGS = ("link", "href", "url")


def Str(text: str) -> Node:
    return {"t": "Str", "c": text}


def Span(name: str, inlines: list[Node], style: str | None = None) -> Node:
    attrs = [["custom-style", style]] if style else []
    return {"t": "Span", "c": [[name, [], attrs], inlines]}


def Div(style: str, blocks: list[Node]) -> Node:
    return {"t": "Div", "c": [["", [], [["custom-style", style]]], blocks]}


def Para(inlines: list[Node]) -> Node:
    return {"t": "Para", "c": inlines}


def Raw(xml: str) -> Node:
    return {"t": "RawBlock", "c": ["openxml", xml]}


LINEBREAK: Node = {"t": "LineBreak"}
SOFTBREAK: Node = {"t": "SoftBreak"}


def lines(text: str, brk: Node = LINEBREAK) -> list[Node]:
    """Verbatim lines as one paragraph's inlines, joined by line breaks (or soft breaks)."""
    out: list[Node] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append(brk)
        if line:
            out.append(Str(line))
    return out


@dataclass(slots=True)
class Unit:
    """A top-level block (or a page's front matter) as the snapshot stores it."""

    uid: int
    page: str
    line: int
    text: str  # the exact source; a page's units joined give its file back, byte for byte
    head: bool = False  # the page title paragraph: front matter and the blank lines before the first block
    blocks: list[Node] = field(default_factory=list)  # what the writer made of it


class AstWriter:
    def __init__(self, site: Site, names: BookmarkNames, warn: Callable[[str], None]):
        self.site, self.names, self.warn = site, names, warn
        self.static = (site.root / "static").resolve()
        self.units: list[Unit] = []
        self.images: list[tuple[Node, Path]] = []  # each Image node with the file under static/ it shows
        self.page: Page = site.pages[0] if site.pages else None  # type: ignore[assignment]
        self.quote = 0
        self.tabs: tuple[list[str], int] = ([], 0)  # the tab names of the tabs shortcode being written, next

    # -- pages and units ------------------------------------------------------------------------------------

    def pages(self) -> list[Node]:
        out: list[Node] = []
        for page in self.site.pages:
            out += self.render_page(page)
        return out

    def _unit(self, page: Page, line: int, text: str, head: bool = False) -> Unit:
        unit = Unit(len(self.units), page.path, line, text, head)
        self.units.append(unit)
        return unit

    def render_page(self, page: Page) -> list[Node]:
        self.page = page
        blocks, i = page.blocks, 0
        lead = ""
        while i < len(blocks) and blocks[i].kind == "blank_line":
            lead += blocks[i].text
            i += 1
        bom = "\ufeff" if page.raw.startswith("\ufeff") else ""
        head = self._unit(page, 1, bom + page.front_matter_raw + lead, head=True)
        title = [Span(self.names.heading(page.headings[0]), [Str(page.title or page.path)])]
        out: list[Node] = [{"t": "Header", "c": [1, NO_ATTR, [Span(unit_marker(head.uid), title)]]}]
        head.blocks = out[:]
        while i < len(blocks):
            block, text = blocks[i], blocks[i].text
            i += 1
            while i < len(blocks) and blocks[i].kind == "blank_line":
                text += blocks[i].text
                i += 1
            unit = self._unit(page, block.line, text)
            rendered = self.block(block.token)
            if not mark_first(rendered, unit_marker(unit.uid)):
                rendered.append(Para([Span(unit_marker(unit.uid), [])]))
            unit.blocks = rendered
            out += rendered
        return out

    # -- blocks ---------------------------------------------------------------------------------------------

    def blocks(self, tokens: list[Node]) -> list[Node]:
        out: list[Node] = []
        for tok in tokens:
            out += self.block(tok)
        return out

    def block(self, tok: Node) -> list[Node]:
        method = getattr(self, "block_" + tok["type"], None)
        if method is None:
            return [Div(S.HUGO_SOURCE, [Para(lines(plain_text(tok.get("children"))))])]
        return method(tok)

    def block_blank_line(self, tok: Node) -> list[Node]:
        return []

    def block_paragraph(self, tok: Node) -> list[Node]:
        return [Para(self.inlines(tok.get("children") or []))]

    def block_block_text(self, tok: Node) -> list[Node]:
        return [{"t": "Plain", "c": self.inlines(tok.get("children") or [])}]

    def block_heading(self, tok: Node) -> list[Node]:
        inlines = self.inlines(tok.get("children") or [])
        name = self.names.bookmark(self.page.headings[tok["_heading"]])
        if name is not None:
            inlines = [Span(name, inlines)]
        return [{"t": "Header", "c": [tok["attrs"]["level"], NO_ATTR, inlines]}]

    def block_thematic_break(self, tok: Node) -> list[Node]:
        return [Div(S.THEMATIC_BREAK, [Para([Str(S.RULE_TEXT)])])]

    def block_block_code(self, tok: Node) -> list[Node]:
        return [Div(S.CODE, [Para(lines(tok["raw"].removesuffix("\n")))])]

    def block_block_html(self, tok: Node) -> list[Node]:
        """Raw HTML as a reader of the website sees it (tables, lists, links, emphasis: rawhtml.py); as its
        source when it shows nothing (a comment), so that the block keeps a paragraph in Word."""
        raw = tok["raw"].rstrip("\n")
        blocks, _ = self.raw_html(tok, raw)
        return blocks or [Div(S.HUGO_SOURCE, [Para(self.html_lines(tok, raw))])]

    def raw_html(self, tok: Node, raw: str) -> tuple[list[Node], rawhtml.Layout]:
        """The blocks of a raw HTML token, written from `raw` (its source: sync keeps CRLF), and where each
        paragraph and cell came from in it. Its links and images are the model's, by their numbers in the
        piece (pages.py stored their indices on the token)."""
        links, images = self.raw_refs(tok)

        def link(inlines: list[Node], n: int) -> Node:
            return self.link(inlines, links[n])

        def image(n: int, alt: str) -> list[Node]:
            return self.image(images[n], [{"type": "text", "raw": alt}])

        return rawhtml.Renderer(raw, link, image).render(rawhtml.parse(raw))

    def raw_refs(self, tok: Node) -> tuple[list[Link], list[Image]]:
        """The model's links and images of a raw HTML token, in the order html_refs meets them."""
        refs = tok.get("_refs") or {}
        links = [self.page.links[i] for i in refs.get("link", [])]
        return links, [self.page.images[i] for i in refs.get("image", [])]

    def html_lines(self, tok: Node, raw: str) -> list[Node]:
        """Raw HTML as its source lines, each <a href> element in it (as html.parser reads it, comments
        left out) a working hyperlink."""
        links, _ = self.raw_refs(tok)
        out: list[Node] = []
        pos = 0
        for node in _anchors(rawhtml.parse(raw)):
            out += lines(raw[pos : node.start])
            out.append(self.link(lines(raw[node.start : node.end]), links[node.refs["href"]]))
            pos = node.end
        return out + lines(raw[pos:])

    def shortcode_lines(self, tok: Node) -> list[Node]:
        """A shortcode tag as its source, a hyperlink when it has a link argument (cards, buttons): the
        first one's Link, which pages.py made of it."""
        args = tok.get("args")
        args = args if isinstance(args, dict) else {}
        shown = lines(tok["raw"])
        if not any(isinstance(args.get(k), str) for k in LINK_ARGS):
            return shown
        return [self.link(shown, self.page.links[tok["_link"]])]

    def block_block_quote(self, tok: Node) -> list[Node]:
        self.quote += 1
        try:
            inner = self.blocks(tok.get("children") or [])
            return [Div(S.quote_style(self.quote), inner)]
        finally:
            self.quote -= 1

    def block_list(self, tok: Node) -> list[Node]:
        items = [self.blocks(item.get("children") or []) for item in tok.get("children") or []]
        items = [item or [{"t": "Plain", "c": []}] for item in items]
        attrs = tok.get("attrs") or {}
        if not attrs.get("ordered"):
            return [{"t": "BulletList", "c": items}]
        delim = "OneParen" if tok.get("bullet") == ")" else "Period"
        style = [int(attrs.get("start", 1)), {"t": "Decimal"}, {"t": delim}]
        return [{"t": "OrderedList", "c": [style, items]}]

    def block_table(self, tok: Node) -> list[Node]:
        head: list[Node] = []
        rows: list[list[Node]] = []
        for part in tok.get("children") or []:
            if part["type"] == "table_head":
                head = part.get("children") or []
            elif part["type"] == "table_body":
                rows = [row.get("children") or [] for row in part.get("children") or []]
        width = max([len(head)] + [len(r) for r in rows])
        align = {"left": "AlignLeft", "right": "AlignRight", "center": "AlignCenter"}
        colspecs = []
        for i in range(width):
            a = (head[i].get("attrs") or {}).get("align") if i < len(head) else None
            colspecs.append([{"t": align.get(a or "", "AlignDefault")}, {"t": "ColWidthDefault"}])

        def row(cells: list[Node]) -> list[Any]:
            out = [
                [
                    NO_ATTR,
                    {"t": "AlignDefault"},
                    1,
                    1,
                    [{"t": "Plain", "c": self.inlines(c.get("children") or [])}],
                ]
                for c in cells
            ]
            out += [[NO_ATTR, {"t": "AlignDefault"}, 1, 1, []] for _ in range(width - len(cells))]
            return [NO_ATTR, out]

        thead = [NO_ATTR, [row(head)]]
        tbodies = [[NO_ATTR, 0, [], [row(r) for r in rows]]]
        table = [NO_ATTR, [None, []], colspecs, thead, tbodies, [NO_ATTR, []]]
        return [{"t": "Table", "c": table}]

    def block_shortcode(self, tok: Node) -> list[Node]:
        label = self.shortcode_label(tok)
        if label is not None:  # shown as its content under a label, as a reader of the website sees it
            tabs, self.tabs = self.tabs, _tab_names(tok) if tok.get("name") == "tabs" else self.tabs
            try:
                content = self.blocks(tok.get("children") or [])
            finally:
                self.tabs = tabs
            return ([Div(S.SHORTCODE_LABEL, [Para([Str(label)])])] if label else []) + content
        out = [Div(S.HUGO_SHORTCODE, [Para(self.shortcode_lines(tok))])]
        if tok.get("children"):
            out += self.blocks(tok["children"])
        if tok.get("close_raw"):
            out.append(Div(S.HUGO_SHORTCODE, [Para(lines(tok["close_raw"]))]))
        return out

    def shortcode_label(self, tok: Node) -> str | None:
        """The label a paired callout, details, tabs or tab shortcode is shown under ("" for none); None for
        the shortcodes shown as their source. The source is what the snapshot stores and gives back."""
        name, args = tok.get("name"), tok.get("args")
        named = args if isinstance(args, dict) else {}
        positional = [a for a in args if isinstance(a, str)] if isinstance(args, list) else []
        if not tok.get("close_raw"):
            return None
        if name == "callout":
            kind = str(named.get("type", "")).lower()
            title = CALLOUT_LABELS.get(kind, "Note")
            return f"{named['emoji']} {title}" if named.get("emoji") else title
        if name == "details":
            return str(named.get("title") or (positional or ["Details"])[0])
        if name == "tabs":
            return ""
        if name == "tab":
            names, index = self.tabs
            self.tabs = (names, index + 1)
            tab = named.get("name") or (names[index] if index < len(names) else "")
            return f"Tab: {tab}" if tab else "Tab"
        return None

    # -- inlines --------------------------------------------------------------------------------------------

    def inlines(self, tokens: list[Node]) -> list[Node]:
        out: list[Node] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            i += 1
            pair = self.html_pair(tokens, i - 1) if tok["type"] == "inline_html" else None
            if pair is not None:  # <b>text</b>, <a href="...">text</a>: formatted as a reader sees it
                shown, i = pair
                out += shown
                continue
            method = getattr(self, "inline_" + tok["type"], None)
            if method is None:
                text = plain_text([tok])
                if text:
                    out.append(Str(text))
            else:
                out += method(tok)
        return out

    def html_pair(self, tokens: list[Node], k: int) -> tuple[list[Node], int] | None:
        """Inline HTML that formats the tokens up to its closing tag (goldmark gives the tags apart): the
        formatted tokens, and the index after the closing tag; None when it is no such pair."""
        m = HTML_PAIR.match(tokens[k]["raw"])
        if m is None:
            return None
        tag, depth = m.group(1).lower(), 0
        for j in range(k + 1, len(tokens)):
            raw = tokens[j]["raw"] if tokens[j]["type"] == "inline_html" else ""
            opened = HTML_PAIR.match(raw)
            if opened and opened.group(1).lower() == tag:
                depth += 1
            elif re.fullmatch(rf"</{tag}\s*>", raw, re.I):
                if depth == 0:
                    break
                depth -= 1
        else:
            return None
        inner = self.inlines(tokens[k + 1 : j])
        if tag == "a":
            links, _ = self.raw_refs(tokens[k])
            shown = [self.link(inner, links[0])] if links and inner else inner
        elif tag in ("code", "kbd", "samp"):
            shown = [{"t": "Code", "c": [NO_ATTR, plain_text(tokens[k + 1 : j])]}]
        elif tag in HTML_STYLE:
            shown = [{"t": HTML_STYLE[tag], "c": inner}] if inner else []
        else:
            shown = inner
        return shown, j + 1

    def inline_text(self, tok: Node) -> list[Node]:
        text = html.unescape(tok["raw"])
        return [Str(text)] if text else []

    def inline_emphasis(self, tok: Node) -> list[Node]:
        return [{"t": "Emph", "c": self.inlines(tok["children"])}]

    def inline_strong(self, tok: Node) -> list[Node]:
        return [{"t": "Strong", "c": self.inlines(tok["children"])}]

    def inline_strikethrough(self, tok: Node) -> list[Node]:
        return [{"t": "Strikeout", "c": self.inlines(tok["children"])}]

    def inline_codespan(self, tok: Node) -> list[Node]:
        return [{"t": "Code", "c": [NO_ATTR, tok["raw"]]}]

    def inline_linebreak(self, tok: Node) -> list[Node]:
        return [LINEBREAK]

    def inline_softbreak(self, tok: Node) -> list[Node]:
        return [SOFTBREAK]

    def inline_inline_html(self, tok: Node) -> list[Node]:
        raw = tok["raw"]
        if BR.match(raw):
            return [LINEBREAK]
        return [Span("", lines(raw, SOFTBREAK), S.HUGO_SOURCE_CHAR)]

    def inline_shortcode(self, tok: Node) -> list[Node]:
        out = [Span("", self.shortcode_lines(tok), S.HUGO_SHORTCODE_CHAR)]
        if tok.get("children"):
            out += self.inlines(tok["children"])
        if tok.get("close_raw"):
            out.append(Span("", [Str(tok["close_raw"])], S.HUGO_SHORTCODE_CHAR))
        return out

    def link(self, inlines: list[Node], link: Link) -> Node:
        """A link around `inlines`; a plain span when its URL may be no link."""
        target = self.href(link)
        if target is None:
            return Span("", inlines)
        return {"t": "Link", "c": [NO_ATTR, inlines, [target, ""]]}

    def inline_link(self, tok: Node) -> list[Node]:
        attrs = tok["attrs"]
        inlines = self.inlines(tok.get("children") or [])
        target = self.href(self.page.links[tok["_link"]], attrs["url"])
        if target is None:
            return inlines
        return [{"t": "Link", "c": [NO_ATTR, inlines, [target, attrs.get("title") or ""]]}]

    def inline_image(self, tok: Node) -> list[Node]:
        title = (tok.get("attrs") or {}).get("title") or ""
        return self.image(self.page.images[tok["_image"]], tok.get("children") or [], title)

    def image(self, image: Image, alt_tokens: list[Node], title: str = "") -> list[Node]:
        """An image embedded from static/, or its Markdown source (with a warning) when it cannot be."""
        file, why = self.image_file(image.src)
        if file is None:
            self.warn(f"{image.source}: warning: image {image.src} is not embedded: {why}")
            return [Span("", [Str(f"![{plain_text(alt_tokens)}]({image.src})")], S.HUGO_SOURCE_CHAR)]
        node = {"t": "Image", "c": [["", [], []], self.inlines(alt_tokens), [str(file), title]]}
        self.images.append((node, file))
        return [node]

    # -- links and images -----------------------------------------------------------------------------------

    def href(self, link: Link, url: str | None = None) -> str | None:
        """The hyperlink target of a link the links transform classified: a bookmark, a web address, or
        None when the URL may be no link (urlpolicy). `url`: a web address as the Markdown reader escaped it
        (`]` as `%5D`, as goldmark writes it); the URL as written otherwise."""
        url = link.url if url is None else url
        if link.kind == "unsafe":
            return None
        if link.target is not None:
            name = self.names.target(link.target.page, link.target.anchor)
            if name:
                return "#" + name
        if link.kind == "mail" or link.kind == "external":
            return url
        if link.site_path:
            return self.site.base_url + link.site_path.lstrip("/")
        if split_url(url) is None:
            return url  # not a valid URL: aix check reports it
        return urljoin(self.site.base_url + self.page.url.lstrip("/"), url)

    def image_file(self, src: str) -> tuple[Path | None, str]:
        """The file under static/ an image names, or why it is refused (never read outside static/)."""
        src = src.strip()
        parts = split_url(src)
        if parts is None:
            return None, "it is not a valid URL"
        if src.startswith("data:"):
            return None, "inline data is not embedded"
        if parts.scheme or src.startswith("//"):
            local = (
                site_path(self.site, src)
                if parts.scheme in ("http", "https") or src.startswith("//")
                else None
            )
            if local is None:
                return (
                    None,
                    "only images under the site's static/ are embedded (remote and file: URLs are not)",
                )
            path = local
        else:
            path = src
        plain = unquote(path.split("#", 1)[0].split("?", 1)[0])
        if ".." in plain.split("/") or "\\" in plain or "\x00" in plain:
            return None, "a path with '..' is refused"
        url_path = plain if plain.startswith("/") else posixpath.join(self.page.url, plain)
        file = self.static / url_path.lstrip("/")
        try:
            real = file.resolve()
        except OSError:
            return None, "unreadable path"
        if not real.is_relative_to(self.static):
            return None, "it lies outside the site's static/ folder"
        if not is_file(real):
            return None, f"no such file under static/ ({url_path})"
        if real.suffix.lower() not in IMAGE_TYPES:
            return None, f"not an image type Word shows ({real.suffix or 'no extension'})"
        return real, ""


CALLOUT_LABELS = {"info": "Info", "warning": "Warning", "error": "Error", "important": "Important"}


def _anchors(node: rawhtml.Node) -> Iterator[rawhtml.Node]:
    """The outermost <a href> elements under a parsed piece of raw HTML, in source order."""
    for child in node.children:
        if child.tag == "a" and "href" in child.refs:
            yield child
        else:
            yield from _anchors(child)


def _tab_names(tok: Node) -> tuple[list[str], int]:
    args = tok.get("args")
    items = args.get("items", "") if isinstance(args, dict) else ""
    return ([name.strip() for name in str(items).split(",")] if items else [], 0)


def _containers(blocks: list[Node]) -> Iterator[tuple[Node, list[Node]]]:
    """Every paragraph-like node in reading order, with its inline list."""
    for block in blocks:
        t, c = type_and_content(block)
        if t in ("Para", "Plain"):
            yield block, c
        elif t == "Header":
            yield block, c[2]
        elif t == "Div":
            yield from _containers(c[1])
        elif t == "BlockQuote":
            yield from _containers(c)
        elif t == "BulletList":
            for item in c:
                yield from _containers(item)
        elif t == "OrderedList":
            for item in c[1]:
                yield from _containers(item)
        elif t == "Table":
            for row in c[3][1] + [r for body in c[4] for r in body[3]]:
                for cell in row[1]:
                    yield from _containers(cell[4])


def mark_first(blocks: list[Node], name: str) -> bool:
    """Wrap the marker bookmark around the inlines of the first paragraph that shows something (a bookmark
    in an empty paragraph does not survive a LibreOffice save)."""
    first = None
    for node, inlines in _containers(blocks):
        if first is None:
            first = (node, inlines)
        if inlines:
            first = (node, inlines)
            break
    if first is None:
        return False
    node, inlines = first
    wrapped = [Span(name, list(inlines))]
    if node["t"] == "Header":
        node["c"][2] = wrapped
    else:
        node["c"] = wrapped
    return True

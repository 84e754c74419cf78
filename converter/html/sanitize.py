"""Raw HTML from the sources through allowlists: elements, attributes per element, CSS (safecss) and URLs
(urlpolicy). Anything not on a list is dropped: an element's tag (its content stays, unless it is one
that runs code or embeds a document), an attribute, a CSS declaration.

Fed piece by piece (goldmark splits inline HTML into separate tags), so it keeps state across pieces: the
elements it is dropping with their content, and the elements it has opened, which it closes at the end of
a page so that a stray ``</section>`` or an unclosed ``<div>`` cannot reach the chapters around it. That
is also why it is not nh3 (ammonia): nh3 cleans a whole fragment at once and closes what a piece leaves
open, so ``<div style=...>`` and its ``</div>``, handed over apart, could not be cleaned as one element.
Built on the standard library's ``html.parser``; what it writes is serialized from the parsed tags, never
copied, and nothing is matched with regular expressions.

SVG is kept as static drawing only (shapes, paths, text), its attributes read as CSS values: no
``<a>``, ``<use>``, ``<image>``, ``<foreignObject>``, no animation (``animate``, ``set``, ...), no href.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from html.parser import HTMLParser

from ..urlpolicy import refused_scheme
from .safecss import clean_style, safe_attribute_value

# Dropped with everything inside them: they run code, embed another document, or hold no text.
DROP_WITH_CONTENT = frozenset(
    (
        "script", "style", "iframe", "object", "embed", "applet", "frame", "frameset", "noscript",
        "noembed", "noframes", "template",
    )
)  # fmt: skip
# Attributes every allowed HTML element may have. `property` is RDFa (the licence paragraph uses it).
HTML_GLOBAL = frozenset(("class", "title", "lang", "dir", "style", "align", "property"))
_CELL = frozenset(("colspan", "rowspan", "valign", "width", "height"))
# The elements a page's raw HTML may use, each with the attributes it may have beyond HTML_GLOBAL. Not
# here: section (a chapter is one), forms, media, frames, head elements, headings' and the document's
# ids (id and name are dropped everywhere so that no raw anchor can capture an internal link).
HTML_ELEMENTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        (
            "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "dd", "dfn", "div",
            "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
            "kbd", "mark", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong",
            "sub", "summary", "sup", "tbody", "tfoot", "thead", "tr", "u", "ul", "var", "wbr",
        ),
        frozenset(),
    ),
    "a": frozenset(("href", "rel")),
    "img": frozenset(("src", "alt", "width", "height")),
    "table": frozenset(("border", "cellpadding", "cellspacing", "width", "summary")),
    "td": _CELL,
    "th": _CELL | {"scope", "abbr"},
    "col": frozenset(("span", "width")),
    "colgroup": frozenset(("span", "width")),
    "ol": frozenset(("start", "type", "reversed")),
    "li": frozenset(("value",)),
    "details": frozenset(("open",)),
    "time": frozenset(("datetime",)),
    "del": frozenset(("datetime",)),
    "ins": frozenset(("datetime",)),
    "svg": frozenset(),  # its attributes are SVG's
}  # fmt: skip
VOID = frozenset(("br", "col", "hr", "img", "wbr"))
# Static SVG: shapes, paths and text, with presentation attributes (html.parser gives names in lower case;
# an HTML parser puts viewBox and the like back in their case).
SVG_ELEMENTS = frozenset(
    ("svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
     "title", "desc")
)  # fmt: skip
SVG_ATTRIBUTES = frozenset(
    (
        "class", "style", "viewbox", "preserveaspectratio", "version", "width", "height", "x", "y", "x1",
        "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy", "d", "points", "transform", "fill",
        "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
        "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity",
        "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline",
    )
)  # fmt: skip
BOOLEAN = frozenset(("open", "reversed"))
URL_ATTRIBUTES = frozenset(("href", "src"))
# The URLs of raw HTML that the model holds (a Link for each href, an Image for each src), numbered per piece
# and kind in the order html.parser meets them: the reader collects them, the writer finds them by number.
URL_REFERENCES = {("a", "href"): "link", ("img", "src"): "image", ("source", "src"): "image"}

# (tag, attribute, value, n) -> new value, or None to drop the attribute; n numbers the references of the
# piece being cleaned that have the same kind (URL_REFERENCES), from 0; -1 for other URL attributes
Rewrite = Callable[[str, str, str, int], str | None]


def allowed_element(space: str, tag: str) -> bool:
    """Whether an element may pass; `space` is "svg" inside an <svg>, else "html"."""
    return tag in SVG_ELEMENTS if space == "svg" else tag in HTML_ELEMENTS


def allowed_attribute(space: str, tag: str, name: str) -> bool:
    if name == "xmlns" or name.startswith("xmlns:"):
        return True  # a namespace name: never fetched, checked as a URL all the same
    if space == "svg" or tag == "svg":
        return name in SVG_ATTRIBUTES
    return name in HTML_GLOBAL or name in HTML_ELEMENTS.get(tag, ())


class HTMLReader(HTMLParser):
    """html.parser that reads a malformed declaration (`<![div`, `<![ x`) as a browser does, as a bogus
    comment, where the standard library raises AssertionError (before Python 3.13)."""

    def parse_html_declaration(self, i: int) -> int:
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            return self.parse_bogus_comment(i)


def url_references(tag: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str, str]]:
    """The (attribute, value, kind) of each URL reference of a start tag, repeated attributes included."""
    out = []
    for name, value in attrs:
        kind = URL_REFERENCES.get((tag, name))
        if kind is not None and value is not None:
            out.append((name, value, kind))
    return out


class _References(HTMLReader):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.refs.extend((tag, name, value) for name, value, _ in url_references(tag, attrs))

    handle_startendtag = handle_starttag


def html_refs(raw: str) -> list[tuple[str, str, str]]:
    """The (tag, attribute, value) of every URL reference in a piece of raw HTML, in order."""
    low = raw.lower()
    if "<" not in raw or ("href" not in low and "src" not in low):
        return []
    parser = _References()
    parser.feed(raw)
    parser.close()
    return parser.refs


class Sanitizer(HTMLReader):
    """Streams sanitized HTML out of raw pieces; one instance per page."""

    def __init__(self, rewrite: Rewrite):
        super().__init__(convert_charrefs=False)
        self.rewrite = rewrite
        self.out: list[str] = []
        self.dropping: list[str] = []  # open elements being dropped with their content
        self.open: list[str] = []  # open elements passed through
        self.counts = {"link": 0, "image": 0}  # the URL references met in the piece being cleaned

    @property
    def suppressing(self) -> bool:
        """True inside a dropped element: Markdown text there is dropped too."""
        return bool(self.dropping)

    def clean(self, raw: str) -> str:
        self.out = []
        self.counts = {"link": 0, "image": 0}
        self.feed(raw)
        self.close()  # flush text held back in case more of a tag follows; the parser stays usable
        return "".join(self.out)

    def finish(self) -> str:
        """Close what the page's raw HTML left open."""
        self.dropping = []
        closing = "".join(f"</{tag}>" for tag in reversed(self.open))
        self.open = []
        return closing

    # html.parser callbacks
    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        numbers: dict[str, int] = {}  # each reference's number, counted as html_refs counts, dropped or not
        for name, _value, kind in url_references(tag, attrs):
            numbers.setdefault(name, self.counts[kind])
            self.counts[kind] += 1
        if self.dropping:
            if tag == self.dropping[-1] and not closed:
                self.dropping.append(tag)
            return
        if tag in DROP_WITH_CONTENT:
            if not closed:
                self.dropping.append(tag)
            return
        space = "svg" if "svg" in self.open else "html"
        if not allowed_element(space, tag):
            return  # the tag goes, its content stays
        kept, seen = [tag], set()
        for name, value in attrs:
            if name not in seen:  # an HTML parser keeps the first of repeated attributes
                seen.add(name)
                attribute = self._attribute(space, tag, name, value, numbers.get(name, -1))
                if attribute:
                    kept.append(attribute)
        if space == "svg" and closed:
            self.out.append(f"<{' '.join(kept)}/>")  # in SVG, '/>' closes the element
            return
        self.out.append(f"<{' '.join(kept)}>")
        if tag not in VOID:
            self.open.append(tag)  # an HTML parser ignores '/>' on <div/>: it stays open until closed

    def _attribute(self, space: str, tag: str, name: str, value: str | None, n: int) -> str | None:
        """The attribute as it may be written, or None to drop it."""
        if not allowed_attribute(space, tag, name):
            return None
        if value is None:
            return name if name in BOOLEAN else None
        if name == "xmlns" or name.startswith("xmlns:"):
            if refused_scheme(value) is not None:
                return None
        elif name == "style":
            value = clean_style(value)
        elif name in URL_ATTRIBUTES:
            value = self.rewrite(tag, name, value, n)  # resolved from the model; the policy decides once more
            if value is None or refused_scheme(value) is not None:
                return None
        elif (space == "svg" or tag == "svg") and name != "class" and not safe_attribute_value(value):
            return None
        return f'{name}="{html.escape(value, quote=True)}"' if value or name != "style" else None

    def handle_endtag(self, tag):
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag not in self.open:
            return  # a closing tag for something this page's HTML did not open
        while self.open:
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(data.replace("<", "&lt;").replace(">", "&gt;"))

    def handle_entityref(self, name):
        if not self.dropping:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.dropping:
            self.out.append(f"&#{name};")

    def handle_comment(self, data):
        pass

    def handle_decl(self, decl):
        pass

    def handle_pi(self, data):
        pass

    def unknown_decl(self, data):
        pass

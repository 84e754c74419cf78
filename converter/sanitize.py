"""Raw HTML from the sources, passed through minus what may run code, load frames or break out of a page.

Fed piece by piece (goldmark splits inline HTML into separate tags), so it keeps state across pieces: the
elements it is dropping with their content, and the elements it has opened, which it closes at the end of
a page so that a stray ``</section>`` or an unclosed ``<div>`` cannot reach the chapters around it.
Built on the standard library's ``html.parser``; nothing is matched with regular expressions.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from html.parser import HTMLParser

# Dropped with everything inside them.
DROP_WITH_CONTENT = frozenset(
    ("script", "style", "iframe", "object", "embed", "applet", "frame", "frameset", "noscript", "template")
)
# Dropped, their content kept (they would change the document around them, or fetch things).
DROP_TAG = frozenset(("html", "head", "body", "base", "link", "meta", "title", "section", "form", "param"))
VOID = frozenset(
    ("area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param")
)
URL_ATTRS = frozenset(("href", "src", "action", "formaction", "poster", "background", "cite", "xlink:href"))
DROP_ATTRS = frozenset(("id", "srcset", "name", "target", "ping", "formaction", "action"))
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")

# (tag, attribute, value) -> new value, or None to drop the attribute
Rewrite = Callable[[str, str, str], str | None]


def _unsafe_url(value: str) -> bool:
    compact = "".join(ch for ch in value if ch > " " and ch != "\x7f").lower()
    return compact.startswith(BAD_SCHEMES)


class HTMLReader(HTMLParser):
    """html.parser that reads a malformed declaration (`<![div`, `<![ x`) as a browser does, as a bogus
    comment, where the standard library raises AssertionError (before Python 3.13)."""

    def parse_html_declaration(self, i: int) -> int:
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            return self.parse_bogus_comment(i)


class Sanitizer(HTMLReader):
    """Streams sanitized HTML out of raw pieces; one instance per page."""

    def __init__(self, rewrite: Rewrite):
        super().__init__(convert_charrefs=False)
        self.rewrite = rewrite
        self.out: list[str] = []
        self.dropping: list[str] = []  # open elements being dropped with their content
        self.open: list[str] = []  # open elements passed through

    @property
    def suppressing(self) -> bool:
        """True inside a dropped element: Markdown text there is dropped too."""
        return bool(self.dropping)

    def clean(self, raw: str) -> str:
        self.out = []
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
        if self.dropping:
            if tag == self.dropping[-1] and not closed:
                self.dropping.append(tag)
            return
        if tag in DROP_WITH_CONTENT:
            if not closed and tag not in VOID:
                self.dropping.append(tag)
            return
        if tag in DROP_TAG:
            return
        kept = []
        for name, value in attrs:
            if name.startswith("on") or name in DROP_ATTRS:
                continue
            if value is None:
                kept.append(name)
                continue
            if name in URL_ATTRS:
                if _unsafe_url(value):
                    continue
                value = self.rewrite(tag, name, value)
                if value is None:
                    continue
            elif name == "style" and ("url(" in value.lower() or "expression(" in value.lower()):
                continue
            kept.append(f'{name}="{html.escape(value, quote=True)}"')
        self.out.append(f"<{' '.join([tag, *kept])}>")
        if tag not in VOID and not closed:
            self.open.append(tag)

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

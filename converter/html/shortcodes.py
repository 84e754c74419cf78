"""HTML for the Hugo shortcodes the AI Exchange uses (its own and the hextra theme's), for print and screen.

Each renders what a reader of the website sees, without the website's scripts: tabs become titled blocks,
cards become linked boxes. An unknown shortcode keeps its inner content and is reported with file:line.
Renderers see the writer through `Host` only, and keep their own state (the tabs being rendered).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from ..hugo.pages import IMAGE_ARGS, URL_ARGS
from ..model import Image, Link, Page, Source, Token
from .text import esc

CSS_LENGTH = re.compile(r"^\d+(\.\d+)?(px|em|rem|%|pt|cm|mm|in)?$")
CALLOUT_TYPES = ("default", "info", "warning", "error", "important")
ICONS = {
    "link": "🔗",
    "document-text": "📄",
    "document": "📄",
    "chat": "💬",
    "star": "★",
    "speakerphone": "📢",
    "information-circle": "ℹ",
    "exclamation": "❗",
    "exclamation-circle": "❗",
    "check": "✓",
    "check-circle": "✅",
    "x": "✗",
    "x-circle": "❌",
    "light-bulb": "💡",
    "book-open": "📖",
    "mail": "✉",
    "globe-alt": "🌐",
}


class Host(Protocol):
    """What a shortcode renderer needs from the writer that hosts it."""

    page: Page

    def render(self, tokens: list[Token]) -> str:
        """The HTML of tokens inside the shortcode (blocks or inlines)."""
        ...

    def href(self, link: Link) -> str | None:
        """The href for a model link; None when the link must be text only."""
        ...

    def img(self, image: Image, alt: str, attrs: str = "") -> str:
        """The element for a model image, or a visible placeholder."""
        ...

    def warn(self, where: Source, code: str, message: str) -> None: ...


def _args(tok: Token) -> dict[str, str]:
    args = tok.get("args")
    return args if isinstance(args, dict) else {}


def _positional(tok: Token) -> list[str]:
    args = tok.get("args")
    return args if isinstance(args, list) else []


class Shortcodes:
    """Renders shortcode tokens for one writer; one method per shortcode, named in NAMES."""

    def __init__(self, host: Host):
        self.host = host
        self.tab_names: list[str] = []  # the titles of the tabs being rendered
        self.tab_index = 0

    def render(self, tok: Token) -> str:
        if tok.get("closing"):
            return ""  # a stray closing tag: aix check reports it
        method = NAMES.get(tok["name"])
        if method is not None:
            return method(self, tok)
        host = self.host
        source = host.page.shortcodes[tok["_shortcode"]].source
        host.warn(
            source, "unknown-shortcode", f"shortcode {tok['name']} is not known to aix; its content is kept"
        )
        inner = self._inner(tok)
        if tok.get("inline"):
            return inner
        return (
            f'<div class="shortcode-{esc(tok["name"].replace("/", "-"))}">\n{inner}</div>\n' if inner else ""
        )

    def _inner(self, tok: Token) -> str:
        return self.host.render(tok.get("children") or [])

    def _markdownified(self, tok: Token) -> str:
        """The inner content as hextra's `.InnerDeindent | markdownify` gives it: Hugo's markdownify drops
        the <p> around a result that is one paragraph (TrimShortHTML)."""
        blocks = [t for t in tok.get("children") or [] if t["type"] != "blank_line"]
        if len(blocks) == 1 and blocks[0]["type"] == "paragraph":
            return self.host.render(blocks[0]["children"]) + "\n"
        return self._inner(tok)

    def _link_href(self, tok: Token) -> str | None:
        """The href of the shortcode's link argument, from the Link pages.py made of it."""
        args = _args(tok)
        n = sum(isinstance(args.get(k), str) for k in URL_ARGS)
        return self.host.href(self.host.page.links[tok["_link"]]) if n else None

    def _image(self, tok: Token, alt: str, attrs: str = "") -> str:
        args = _args(tok)
        if not any(isinstance(args.get(k), str) for k in IMAGE_ARGS):
            return ""
        return self.host.img(self.host.page.images[tok["_image"]], alt, attrs)

    def callout(self, tok: Token) -> str:
        args = _args(tok)
        kind = args.get("type", "default")
        kind = kind if kind in CALLOUT_TYPES else "default"
        emoji = f'<span class="callout-emoji">{esc(args["emoji"])}</span>' if args.get("emoji") else ""
        inner = self._markdownified(tok)
        return f'<div class="callout callout-{kind}">{emoji}<div class="callout-body">{inner}</div></div>\n'

    def cards(self, tok: Token) -> str:
        return f'<div class="cards">\n{self._inner(tok)}</div>\n'

    def card(self, tok: Token) -> str:
        args = _args(tok)
        title = args.get("title", "")
        icon = ICONS.get(args.get("icon", ""), "")
        body = self._image(tok, title)
        body += f'<span class="card-title">{esc(icon + " " if icon else "")}{esc(title)}</span>'
        if args.get("subtitle"):
            body += f'<span class="card-subtitle">{esc(args["subtitle"])}</span>'
        href = self._link_href(tok)
        if href is None:
            return f'<div class="card">{body}</div>\n'
        return f'<a class="card" href="{esc(href)}">{body}</a>\n'

    def image_centered(self, tok: Token) -> str:
        return f'<div class="image-centered">{self._image(tok, _args(tok).get("alt", ""))}</div>\n'

    def image_left(self, tok: Token) -> str:
        size = _args(tok).get("size", "")
        style = f' style="width: {esc(size)}"' if CSS_LENGTH.match(size) else ""
        return f'<div class="image-left">{self._image(tok, _args(tok).get("alt", ""), style)}</div>\n'

    def figure(self, tok: Token) -> str:
        args = _args(tok)
        caption = f"<figcaption>{esc(args['caption'])}</figcaption>" if args.get("caption") else ""
        img = self._image(tok, args.get("alt", ""))
        href = self._link_href(tok)
        if href is not None:
            img = f'<a href="{esc(href)}">{img}</a>'
        return f"<figure>{img}{caption}</figure>\n"

    def spacer(self, tok: Token) -> str:
        height = _args(tok).get("height", "")
        px = int(height) if height.isdigit() else 10
        return f'<div class="spacer" style="height: {min(px, 200)}px"></div>\n'

    def tabs(self, tok: Token) -> str:
        items = _args(tok).get("items", "")
        self.tab_names = [name.strip() for name in items.split(",")] if items else []
        self.tab_index = 0
        return f'<div class="tabs">\n{self._inner(tok)}</div>\n'

    def tab(self, tok: Token) -> str:
        args = _args(tok)
        names, index = self.tab_names, self.tab_index
        name = args.get("name") or (names[index] if index < len(names) else "")
        self.tab_index = index + 1
        title = f'<p class="tab-title">{esc(name)}</p>' if name else ""
        return f'<div class="tab">{title}\n{self._markdownified(tok)}</div>\n'

    def details(self, tok: Token) -> str:
        title = _args(tok).get("title") or (_positional(tok) or ["Details"])[0]
        return f"<details open><summary>{esc(title)}</summary>\n{self._markdownified(tok)}</details>\n"

    def icon(self, tok: Token) -> str:
        name = _args(tok).get("name") or (_positional(tok) or [""])[0]
        return f'<span class="icon" title="{esc(name)}">{esc(ICONS.get(name, ""))}</span>'

    def steps(self, tok: Token) -> str:
        return f'<div class="steps">\n{self._inner(tok)}</div>\n'

    def youtube(self, tok: Token) -> str:
        video = _args(tok).get("id") or (_positional(tok) or [""])[0]
        url = f"https://www.youtube.com/watch?v={video}"
        return f'<p class="video"><a href="{esc(url)}">▶ {esc(url)}</a></p>\n'

    def badge(self, tok: Token) -> str:
        content = _args(tok).get("content") or (_positional(tok) or [""])[0]
        return f'<span class="badge">{esc(content)}</span>'


NAMES: dict[str, Callable[[Shortcodes, Token], str]] = {
    "callout": Shortcodes.callout,
    "cards": Shortcodes.cards,
    "card": Shortcodes.card,
    "small-card": Shortcodes.card,
    "sponsor-card": Shortcodes.card,
    "image-centered": Shortcodes.image_centered,
    "image-left": Shortcodes.image_left,
    "figure": Shortcodes.figure,
    "spacer": Shortcodes.spacer,
    "tabs": Shortcodes.tabs,
    "tab": Shortcodes.tab,
    "html-tab": Shortcodes.tab,
    "details": Shortcodes.details,
    "icon": Shortcodes.icon,
    "steps": Shortcodes.steps,
    "youtube": Shortcodes.youtube,
    "badge": Shortcodes.badge,
}

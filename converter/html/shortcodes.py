"""HTML for the Hugo shortcodes the AI Exchange uses (its own and the hextra theme's), for print and screen.

Each renders what a reader of the website sees, without the website's scripts: tabs become titled blocks,
cards become linked boxes. An unknown shortcode keeps its inner content and is reported with file:line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..hugo.pages import IMAGE_ARGS, URL_ARGS

if TYPE_CHECKING:
    from .writer import HtmlWriter

Token = dict[str, Any]
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


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def _args(tok: Token) -> dict[str, str]:
    args = tok.get("args")
    return args if isinstance(args, dict) else {}


def _positional(tok: Token) -> list[str]:
    args = tok.get("args")
    return args if isinstance(args, list) else []


def _inner(w: HtmlWriter, tok: Token) -> str:
    return w.render(tok.get("children") or [])


def _link_href(w: HtmlWriter, tok: Token) -> str | None:
    """The href of the shortcode's link argument, from the Link pages.py made of it."""
    args = _args(tok)
    n = sum(isinstance(args.get(k), str) for k in URL_ARGS)
    return w.href(w.page.links[tok["_link"]]) if n else None


def _image(w: HtmlWriter, tok: Token, alt: str, attrs: str = "") -> str:
    args = _args(tok)
    if not any(isinstance(args.get(k), str) for k in IMAGE_ARGS):
        return ""
    return w.img(w.page.images[tok["_image"]], alt, attrs)


def callout(w: HtmlWriter, tok: Token) -> str:
    args = _args(tok)
    kind = args.get("type", "default")
    kind = kind if kind in CALLOUT_TYPES else "default"
    emoji = f'<span class="callout-emoji">{esc(args["emoji"])}</span>' if args.get("emoji") else ""
    return (
        f'<div class="callout callout-{kind}">{emoji}<div class="callout-body">{_inner(w, tok)}</div></div>\n'
    )


def cards(w: HtmlWriter, tok: Token) -> str:
    return f'<div class="cards">\n{_inner(w, tok)}</div>\n'


def card(w: HtmlWriter, tok: Token) -> str:
    args = _args(tok)
    title = args.get("title", "")
    icon = ICONS.get(args.get("icon", ""), "")
    body = _image(w, tok, title)
    body += f'<span class="card-title">{esc(icon + " " if icon else "")}{esc(title)}</span>'
    if args.get("subtitle"):
        body += f'<span class="card-subtitle">{esc(args["subtitle"])}</span>'
    href = _link_href(w, tok)
    if href is None:
        return f'<div class="card">{body}</div>\n'
    return f'<a class="card" href="{esc(href)}">{body}</a>\n'


def image_centered(w: HtmlWriter, tok: Token) -> str:
    return f'<div class="image-centered">{_image(w, tok, _args(tok).get("alt", ""))}</div>\n'


def image_left(w: HtmlWriter, tok: Token) -> str:
    size = _args(tok).get("size", "")
    style = f' style="width: {esc(size)}"' if CSS_LENGTH.match(size) else ""
    return f'<div class="image-left">{_image(w, tok, _args(tok).get("alt", ""), style)}</div>\n'


def figure(w: HtmlWriter, tok: Token) -> str:
    args = _args(tok)
    caption = f"<figcaption>{esc(args['caption'])}</figcaption>" if args.get("caption") else ""
    img = _image(w, tok, args.get("alt", ""))
    href = _link_href(w, tok)
    if href is not None:
        img = f'<a href="{esc(href)}">{img}</a>'
    return f"<figure>{img}{caption}</figure>\n"


def spacer(w: HtmlWriter, tok: Token) -> str:
    height = _args(tok).get("height", "")
    px = int(height) if height.isdigit() else 10
    return f'<div class="spacer" style="height: {min(px, 200)}px"></div>\n'


def tabs(w: HtmlWriter, tok: Token) -> str:
    items = _args(tok).get("items", "")
    w.tab_names = [name.strip() for name in items.split(",")] if items else []
    w.tab_index = 0
    return f'<div class="tabs">\n{_inner(w, tok)}</div>\n'


def tab(w: HtmlWriter, tok: Token) -> str:
    args = _args(tok)
    names, index = w.tab_names, w.tab_index
    name = args.get("name") or (names[index] if index < len(names) else "")
    w.tab_index = index + 1
    title = f'<p class="tab-title">{esc(name)}</p>' if name else ""
    return f'<div class="tab">{title}\n{_inner(w, tok)}</div>\n'


def details(w: HtmlWriter, tok: Token) -> str:
    title = _args(tok).get("title") or (_positional(tok) or ["Details"])[0]
    return f"<details open><summary>{esc(title)}</summary>\n{_inner(w, tok)}</details>\n"


def icon(w: HtmlWriter, tok: Token) -> str:
    name = _args(tok).get("name") or (_positional(tok) or [""])[0]
    return f'<span class="icon" title="{esc(name)}">{esc(ICONS.get(name, ""))}</span>'


def steps(w: HtmlWriter, tok: Token) -> str:
    return f'<div class="steps">\n{_inner(w, tok)}</div>\n'


def youtube(w: HtmlWriter, tok: Token) -> str:
    video = _args(tok).get("id") or (_positional(tok) or [""])[0]
    url = f"https://www.youtube.com/watch?v={video}"
    return f'<p class="video"><a href="{esc(url)}">▶ {esc(url)}</a></p>\n'


def badge(w: HtmlWriter, tok: Token) -> str:
    content = _args(tok).get("content") or (_positional(tok) or [""])[0]
    return f'<span class="badge">{esc(content)}</span>'


SHORTCODES: dict[str, Callable[[HtmlWriter, Token], str]] = {
    "callout": callout,
    "cards": cards,
    "card": card,
    "small-card": card,
    "sponsor-card": card,
    "image-centered": image_centered,
    "image-left": image_left,
    "figure": figure,
    "spacer": spacer,
    "tabs": tabs,
    "tab": tab,
    "html-tab": tab,
    "details": details,
    "icon": icon,
    "steps": steps,
    "youtube": youtube,
    "badge": badge,
}


def render_shortcode(w: HtmlWriter, tok: Token) -> str:
    render = SHORTCODES.get(tok["name"])
    if render is not None:
        return render(w, tok)
    source = w.page.shortcodes[tok["_shortcode"]].source
    w.warn(source, "unknown-shortcode", f"shortcode {tok['name']} is not known to aix; its content is kept")
    inner = _inner(w, tok)
    if tok.get("inline"):
        return inner
    return f'<div class="shortcode-{esc(tok["name"].replace("/", "-"))}">\n{inner}</div>\n' if inner else ""

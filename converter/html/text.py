"""Text into HTML: the one escaping function every HTML writer uses."""

from __future__ import annotations

import html

from ..hugo.markdown import unescape


def esc(text: str) -> str:
    """Text as HTML text or an attribute value."""
    return html.escape(text, quote=True)


def text_of(raw: str) -> str:
    """Markdown text as mistune keeps it (entities as written) to escaped HTML text."""
    return html.escape(unescape(raw), quote=False)

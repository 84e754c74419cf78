"""The one URL policy for links: which URLs may become a link in any output (HTML, PDF, handout, DOCX).

A link may use http, https, mailto or tel, or have no scheme at all (a site path, a ``#fragment``, a
relative path). Every other scheme is refused: ``javascript:`` and ``vbscript:`` run code, ``data:`` and
``file:`` show or open what the page chose, ``ftp:`` and the rest are nothing a reader of the document
needs. The links transform asks here once per link (``links.resolve``) and the sanitizer once per raw
URL attribute, so no writer decides on its own.

A URL is read the ways its consumers may read it, and refused when any reading has a scheme outside the
list: as written; with HTML entities decoded (``&#106;avascript:``); percent-decoded (Word and some PDF
readers decode a link before following it); each with what the URL standard ignores removed (tabs and
newlines anywhere, controls and spaces at either end) and, stricter than it, every other control and
invisible format character anywhere.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

ALLOWED_SCHEMES = frozenset(("http", "https", "mailto", "tel"))
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
ROUNDS = 4  # entities and percent-escapes nested this deep are still decoded


def refused_scheme(url: str) -> str | None:
    """The scheme (lower case) for which `url` may not be a link, or None when it may."""
    for reading in _readings(url):
        m = SCHEME.match(reading)
        if m and m.group(1).lower() not in ALLOWED_SCHEMES:
            return m.group(1).lower()
    return None


def _readings(url: str) -> list[str]:
    readings: list[str] = []
    pending = [url]
    while pending and len(readings) < 4 * ROUNDS:
        text = _compact(pending.pop())
        if text in readings:
            continue
        readings.append(text)
        pending += [html.unescape(text), unquote(text)]
    return readings


def _compact(text: str) -> str:
    """What a URL parser sees of the start of a URL: no controls or format characters, no outer spaces."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf")).strip()


def shown(url: str, limit: int = 60) -> str:
    """A URL as a message shows it: one line, and a long data: URL cut short."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in url.strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"

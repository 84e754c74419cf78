"""Word bookmark names for Hugo heading ids: valid, unique across the document, and stable between exports.

Word wants a letter first, then letters, digits and '_', at most 40 characters; Hugo ids are lower-case,
hyphenated, often longer, may start with a digit or hold any Unicode letter, and repeat across pages
('examples' on many pages). A name is the id folded to ASCII with '-' as '_' (cut to 31 characters, 'h' in
front when it does not start with a letter), '_', and 8 hex digits of a hash of page and id: it depends on
nothing but the heading itself, so an export next month gives the same name. The snapshot stores the
mapping (name -> page, id), so `aix sync` reads the original ids back.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from lxml import etree

from ..model import Heading, Page, Site
from ..ooxml.namespaces import W

MAX = 40
UNIT_PREFIX = "_aixu"  # the round-trip marker of a top-level block: hidden in Word ('_' first)
AST_PREFIX = "aixu"  # pandoc only keeps names that start with a letter: the export adds the '_' afterwards
NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")
AST_MARKER = re.compile(r"aixu[0-9]+")


def fold(hugo_id: str) -> str:
    ascii_id = unicodedata.normalize("NFKD", hugo_id).encode("ascii", "ignore").decode("ascii")
    stem = NOT_NAME.sub("", ascii_id.replace("-", "_"))
    if not stem[:1].isalpha():
        stem = "h" + stem
    return stem


def bookmark_name(page_path: str, hugo_id: str, scope: int = 0, digits: int = 8) -> str:
    key = f"{page_path}#{hugo_id}" + (f"#{scope}" if scope else "")
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()[:digits]
    return f"{fold(hugo_id)[: MAX - digits - 1]}_{digest}"


def unit_marker(uid: int) -> str:
    """The marker's name in the pandoc AST; `hide_markers` turns it into the hidden '_aixu<n>'."""
    return f"{AST_PREFIX}{uid}"


def hide_markers(document: etree._Element) -> int:
    """Rename the markers pandoc wrote (`aixu<n>`) to the hidden `_aixu<n>`; how many there were."""
    found = 0
    for start in document.iter(W + "bookmarkStart"):
        name = start.get(W + "name") or ""
        if AST_MARKER.fullmatch(name):
            start.set(W + "name", "_" + name)
            found += 1
    return found


class BookmarkNames:
    """The bookmark of every heading of a site (page titles included), and of every link target."""

    def __init__(self, site: Site):
        self.site = site
        self.by_heading: dict[int, str] = {}
        self.mapping: dict[str, tuple[str, str]] = {}  # name -> (page path, Hugo id)
        for page in site.pages:
            for heading in page.headings:
                self._add(page, heading)

    def _add(self, page: Page, heading: Heading) -> None:
        digits = 8
        name = bookmark_name(page.path, heading.id, heading.scope)
        while name in self.mapping:  # a hash collision: vanishingly rare, resolved the same way each time
            digits += 2
            name = bookmark_name(page.path, heading.id, heading.scope, digits)
        self.by_heading[id(heading)] = name
        self.mapping[name] = (page.path, heading.id)

    def heading(self, heading: Heading) -> str:
        return self.by_heading[id(heading)]

    def bookmark(self, heading: Heading) -> str | None:
        """The bookmark of a heading; None for one the document does not hold (a block sync reads again
        from the snapshot, no longer in the site)."""
        return self.by_heading.get(id(heading))

    def target(self, page_path: str, anchor: str | None) -> str | None:
        """The bookmark an internal link lands on: the heading, or the page's title when the anchor is
        missing (`aix check` reports those)."""
        page = self.site.find_page(page_path)
        if page is None:
            return None
        heading = page.ids.get(anchor) if anchor else None
        return self.heading(heading or page.headings[0])

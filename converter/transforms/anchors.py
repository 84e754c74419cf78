"""Heading anchors exactly as Hugo's goldmark gives them (autoHeadingIDType 'github')."""

from __future__ import annotations

import re
import unicodedata


def sanitize(text: str) -> str:
    """Hugo's github-style anchor of a heading's text: letters, digits and '_' kept and lower-cased,
    each space, tab or '-' becomes '-', everything else dropped. Runs are not collapsed."""
    out = []
    for ch in text.strip():
        if ch in " \t-":
            out.append("-")
        elif ch == "_" or _is_letter_or_digit(ch):
            out.append(ch.lower()[0])  # Go's unicode.ToLower maps one rune to one rune
    return "".join(out)


def _is_letter_or_digit(ch: str) -> bool:
    """Go's unicode.IsLetter (categories L*) or unicode.IsDigit (Nd)."""
    if ch.isascii():
        return ch.isalnum()
    category = unicodedata.category(ch)
    return category[0] == "L" or category == "Nd"


class IdFactory:
    """One page's ids, made unique the way goldmark does: '-1', '-2', ... after the first."""

    __slots__ = ("used",)

    def __init__(self) -> None:
        self.used: set[str] = set()

    def generate(self, text: str) -> str:
        base = sanitize(text) or "heading"
        candidate = base
        n = 0
        while candidate in self.used:
            n += 1
            candidate = f"{base}-{n}"
        self.used.add(candidate)
        return candidate

    def put(self, explicit: str) -> None:
        self.used.add(explicit)


NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+|\d{1,3}(?=\.))\.?(?=\s|$)")


def section_number(text: str) -> str | None:
    """'2.1.3' from '2.1.3 Title' or '2.1.3. Title', '1' from '1. Title'; None when there is none."""
    m = NUMBER.match(text.strip())
    return m.group(1) if m else None


def assign_ids(site) -> None:
    """Transform: give every heading the id Hugo gives it, in document order, one id set per page."""
    for page in site.pages:
        factories: dict[int, IdFactory] = {}
        page.ids = {}
        for heading in page.headings:
            if heading.is_title:
                continue
            ids = factories.setdefault(heading.scope, IdFactory())
            if heading.explicit_id:
                ids.put(heading.id)
            else:
                heading.id = ids.generate(heading.anchor_text or heading.text)
            page.ids.setdefault(heading.id, heading)

"""Page numbers after internal links, for paper: "Prompt injection, 57" on an index, "Evasion (p. 57)" in text.

A handout is one WeasyPrint document, so CSS ``target-counter`` writes the number (styles/handout.css).
The release PDF is rendered in parts that cannot know each other's pages: there the link is followed by
an empty box of fixed width whose id names the target, and pdf/assemble.py draws the number into the box
the renderer measured, once the parts are joined.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Heading, Link, Page
from .text import esc

SLOT = "pr-"  # the id prefix of a reserved box: pr-<style>-<link number>-<target id>
KINDS = {"i": "index", "p": "page"}  # style letter in the id, class in the HTML


def index_letter(heading: Heading) -> bool:
    """A heading of an alphabetical index ("A", "B", ...): a place to look things up, not a section."""
    text = heading.text.strip()
    return not heading.is_title and len(text) == 1 and text.isalpha()


def is_index(page: Page) -> bool:
    """A page whose sections are index letters, such as the AI Security Index."""
    sections = [h for h in page.headings if h.scope == 0 and not h.is_title]
    return bool(sections) and all(index_letter(h) for h in sections)


def ref_text(style: str, number: int) -> str:
    return f", {number}" if style == "i" else f" (p. {number})"


def slot_target(name: str) -> tuple[str, str] | None:
    """(style, target id) of a reserved box's anchor name; None for any other anchor."""
    if not name.startswith(SLOT):
        return None
    _, style, _n, target = name.split("-", 3)
    return style, target


@dataclass(frozen=True, slots=True)
class PageRefs:
    """Which internal links show their target's page: an index's always, the others when `body` is set."""

    body: bool = False
    slots: bool = False  # the release PDF: boxes for assemble.py; else target-counter does it
    inside: Callable[[Heading], bool] = lambda heading: True  # the target is in this PDF

    def after(self, page: Page, link: Link, n: int, target: Heading) -> str:
        """What follows the page's n-th link, which jumps to `target`: a word joiner (the number stays on
        the link's line) and the number's box. An entry under an index letter gets ", 57", any other link
        " (p. 57)"; nothing for a link inside the section it leads to, such as a section's own permalink
        line, since the reader is already there."""
        section = own_section(page, link)
        if section is target or not self.inside(target):
            return ""
        if section is not None and index_letter(section):
            style = "i"
        elif self.body or is_index(page):
            style = "p"
        else:
            return ""
        if self.slots:
            box = f'id="{SLOT}{style}-{n}-{esc(target.doc_id)}"'
        else:
            box = f'data-href="#{esc(target.doc_id)}"'
        return f'\u2060<span class="pageref {KINDS[style]}" {box}></span>'


def own_section(page: Page, link: Link) -> Heading | None:
    """The heading a link stands under: the last one above it on its page."""
    above = [h for h in page.headings if h.source.line <= link.source.line]
    return above[-1] if above else None

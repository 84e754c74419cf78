"""Selecting parts of the document by what people call them: a section number, a heading id, a /go/
permalink, a page; and the controls a threat section links to."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..errors import InputError
from ..model import Block, Heading, Page, Site, Target
from ..transforms import redirects

CONTROL_CATEGORY = re.compile(r"^\s*>\s*Category:.*\bcontrol\b", re.I | re.M)


@dataclass(slots=True)
class Section:
    """A heading and everything under it, up to the next heading of the same or a higher level."""

    page: Page
    heading: Heading
    blocks: list[Block]
    selector: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.page.path, self.heading.id)

    @property
    def headings(self) -> list[Heading]:
        if self.heading.is_title:
            return self.page.headings
        lines = {b.line for b in self.blocks}
        return [h for h in self.page.headings if not h.is_title and h.source.line in lines]


@dataclass(slots=True)
class Selection:
    sections: list[Section]
    notes: list[str]  # what a reader of the command should know: ambiguous selectors, added controls


def select(site: Site, selectors: list[str], with_controls: bool = False) -> Selection:
    notes: list[str] = []
    sections: list[Section] = []
    seen: set[tuple[str, str]] = set()
    for selector in selectors:
        section = _one(site, selector.strip(), notes)
        if section.key not in seen:
            seen.add(section.key)
            sections.append(section)
    if with_controls:
        for section in list(sections):
            for control in linked_controls(site, section):
                if control.key not in seen and not _inside(control, sections):
                    seen.add(control.key)
                    sections.append(control)
                    notes.append(
                        f"added control {control.heading.text} ({control.heading.source}), "
                        f"linked from {section.heading.text}"
                    )
    return Selection(sections, notes)


def _inside(section: Section, others: list[Section]) -> bool:
    return any(
        o.page is section.page and o is not section and section.blocks and section.blocks[0] in o.blocks
        for o in others
    )


def section_of(page: Page, heading: Heading, selector: str = "") -> Section:
    if heading.is_title:
        return Section(page, heading, list(page.blocks), selector)
    end = None
    for other in page.headings:
        if other.is_title or other.scope or other.source.line <= heading.source.line:
            continue
        if other.level <= heading.level:
            end = other.source.line
            break
    blocks = [b for b in page.blocks if b.line >= heading.source.line and (end is None or b.line < end)]
    return Section(page, heading, blocks, selector)


def _one(site: Site, selector: str, notes: list[str]) -> Section:
    matches = _matches(site, selector)
    if not matches:
        raise InputError(
            f"selector '{selector}' matches nothing{_suggest(site, selector)}",
            hint="give a section number (2.1), a heading id (#prompt-injection), go:<name> "
            "or a page (docs/2_threats_through_use.md)",
        )
    page, heading = matches[0]
    if len(matches) > 1:
        others = ", ".join(
            f"{p.path.removeprefix('docs/').removesuffix('.md')}#{h.id}" for p, h in matches[1:4]
        )
        notes.append(
            f"'{selector}' matches {len(matches)} headings; took {heading.text} ({heading.source}); "
            f"to take another, give page#id, e.g. {others}"
        )
    return section_of(page, heading, selector)


def _matches(site: Site, selector: str) -> list[tuple[Page, Heading]]:
    if selector.lower().startswith("go:"):
        rule = redirects.match(site, f"/go/{selector[3:].strip('/')}/")
        if rule is None or rule.target is None:
            return []
        return _at_target(site, rule.target)
    path = selector.removeprefix("content/")
    if path.endswith(".md"):
        page = site.find_page(path) or site.find_page(f"docs/{path}")
        return [(page, page.headings[0])] if page else []
    if "#" in selector and not selector.startswith("#"):
        page_part, anchor = selector.split("#", 1)
        page_part = page_part.removeprefix("content/").removesuffix(".md").strip("/")
        for page in site.pages:
            stem = page.path.removesuffix(".md")
            if page_part in (stem, stem.removeprefix("docs/"), page.url.strip("/")):
                return _at_target(site, Target(page.path, anchor))
        return []
    if re.fullmatch(r"\d+(\.\d+)*\.?", selector):
        number = selector.rstrip(".")
        return [(p, h) for p in site.pages for h in p.headings if h.number == number and h.scope == 0]
    anchor = selector.lstrip("#")
    return [(p, p.ids[anchor]) for p in site.pages if anchor in p.ids]


def _at_target(site: Site, target: Target) -> list[tuple[Page, Heading]]:
    page = site.find_page(target.page)
    if page is None:
        return []
    if target.anchor is None:
        return [(page, page.headings[0])]
    heading = page.ids.get(target.anchor)
    return [(page, heading)] if heading else []


def _suggest(site: Site, selector: str) -> str:
    names = [h.id for h in site.headings if not h.is_title]
    names += [h.number for h in site.headings if h.number]
    names += [
        "go:" + r.source.strip("/").split("/")[-1] for r in site.redirects if r.source.startswith("/go/")
    ]
    names += [p.path for p in site.pages]
    close = difflib.get_close_matches(selector.lstrip("#"), names, n=3, cutoff=0.5)
    return f"; closest: {', '.join(close)}" if close else ""


def is_control(section: Section) -> bool:
    """Control sections are headed like '#### #MONITOR USE' or say 'Category: ... control'."""
    if section.heading.text.lstrip().startswith("#"):
        return True
    head = "".join(b.text for b in section.blocks[:4])
    return bool(CONTROL_CATEGORY.search(head))


def linked_controls(site: Site, section: Section) -> list[Section]:
    """The control sections that links inside a section lead to, in the order they are linked."""
    lines = {line for b in section.blocks for line in range(b.line, b.end_line + 1)}
    found: list[Section] = []
    keys: set[tuple[str, str]] = set()
    for link in section.page.links:
        if link.source.line not in lines or link.target is None or link.target.anchor is None:
            continue
        page = site.find_page(link.target.page)
        heading = page.ids.get(link.target.anchor) if page is not None else None
        if page is None or heading is None or (page.path, heading.id) == section.key:
            continue
        candidate = section_of(page, heading)
        if candidate.key not in keys and is_control(candidate):
            keys.add(candidate.key)
            found.append(candidate)
    return found

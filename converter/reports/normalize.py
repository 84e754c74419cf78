"""`aix normalize`: mechanical house-style fixes, as edits of single source lines.

Rules: a fix never changes an anchor that exists (a heading whose id would change gets {#old-id}), and
never changes where a working link points: only links that are broken today are rewritten, and only to
a target that exists. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..model import Link, Page, Site, Target
from ..transforms import links
from ..transforms.anchors import sanitize
from ..transforms.links import site_path, target_exists

GITHUB_DOC = re.compile(
    r"github\.com/OWASP/www-project-ai-security-and-privacy-guide/blob/[^/]+/owaspaiexchange\.md$", re.I
)


@dataclass(slots=True)
class Edit:
    page: Page
    line: int  # file line
    old: str  # exact text on that line
    new: str
    why: str

    def __str__(self) -> str:
        return f"{self.page.rel}:{self.line}: {self.why}"


def plan(site: Site) -> list[Edit]:
    edits: list[Edit] = []
    permalinks = links.permalinks(site)
    for page in site.pages:
        for link in page.links:
            new, why = _fixed_url(site, link, permalinks)
            if new is not None:
                edit = _link_edit(page, link, new, why)
                if edit:
                    edits.append(edit)
        edits += _number_style(page)
    return edits


def _fixed_url(site: Site, link: Link, permalinks: dict[Target, str]) -> tuple[str | None, str]:
    if link.origin == "reference":
        return None, ""
    url = link.url
    working = link.target is not None and target_exists(site, link.target)
    if working or (link.via is not None and (link.via.external or link.via.site_path)):
        return None, ""
    near = links.near_permalink(site, link)
    if near is not None:
        fixed = url.replace(near.written, near.path, 1)
        if near.missing_slash:
            return fixed, f"link {url} lacks its leading '/': {fixed}"
        return fixed, f"link {url}: the redirect table holds {near.path} (Firebase matches case-sensitively)"
    anchor = None
    path = site_path(site, url)
    if link.kind == "docs" and link.target is None and path and "#" in path:
        anchor = path.split("#", 1)[1]
        why = f"link {url} points at an old page URL"
    elif link.kind == "external" and GITHUB_DOC.search(urlsplit(url)._replace(fragment="").geturl()):
        anchor = urlsplit(url).fragment
        why = f"link {url} points at the old single-file document on GitHub"
    if anchor:
        target = _section_by_anchor(site, anchor)
        if target is not None:
            fixed = permalinks.get(target) or f"{site.page(target.page).url}#{target.anchor}"
            return fixed, f"{why}; the section is {fixed}"
    return None, ""


def _section_by_anchor(site: Site, anchor: str) -> Target | None:
    """The one heading in the document with this id (None when there is none or more than one)."""
    found = [Target(p.path, anchor) for p in site.pages if anchor in p.ids]
    return found[0] if len(found) == 1 else None


def _link_edit(page: Page, link: Link, new: str, why: str) -> Edit | None:
    line_text = _line(page, link.source.line)
    forms = {
        "markdown": [f"]({link.url}", f"]( {link.url}", f"<{link.url}>"],
        "html": [f'href="{link.url}"', f"href='{link.url}'"],
        "shortcode": [f'"{link.url}"'],
        "autolink": [link.url],
    }[link.origin]
    for form in forms:
        if form in line_text:
            return Edit(page, link.source.line, form, form.replace(link.url, new), why)
    return None


def _number_style(page: Page) -> list[Edit]:
    """Within a page, multi-part section numbers end the same way: all '2.1 Title' or all '2.1. Title'."""
    numbered = [(h, h.number) for h in page.headings if not h.is_title and h.number and "." in h.number]
    styles = Counter(h.text.startswith(number + ".") for h, number in numbered)
    if len(styles) < 2:
        return []
    with_dot = styles[True] > styles[False]
    edits = []
    for h, number in numbered:
        has_dot = h.text.startswith(number + ".")
        if has_dot == with_dot:
            continue
        line_text = _line(page, h.source.line)
        old, new = (f" {number} ", f" {number}. ") if with_dot else (f" {number}. ", f" {number} ")
        if old not in line_text:
            continue
        new_line = line_text.replace(old, new, 1)
        new_text = h.text.replace(number + ("" if with_dot else "."), number + ("." if with_dot else ""), 1)
        if not h.explicit_id and sanitize(new_text) != sanitize(h.text):
            new_line = new_line.rstrip("\r\n") + f" {{#{h.id}}}" + line_text[len(line_text.rstrip("\r\n")) :]
        edits.append(
            Edit(
                page,
                h.source.line,
                line_text,
                new_line,
                f"section {number}: number written as the rest of the page writes it "
                f"({'with' if with_dot else 'without'} a final dot)",
            )
        )
    return edits


def _line(page: Page, line: int) -> str:
    lines = page.raw.splitlines(keepends=True)
    return lines[line - 1] if 0 < line <= len(lines) else ""


def apply(edits: list[Edit]) -> list[tuple[Page, str]]:
    """Every page that changes, with its new text."""
    by_page: dict[str, tuple[Page, list[str]]] = {}
    for edit in edits:
        page, lines = by_page.setdefault(edit.page.rel, (edit.page, edit.page.raw.splitlines(keepends=True)))
        current = lines[edit.line - 1]
        if edit.old in current:
            lines[edit.line - 1] = current.replace(edit.old, edit.new, 1)
    changed = [(page, "".join(lines)) for page, lines in by_page.values()]
    return [(page, text) for page, text in changed if text != page.raw]


def unified_diff(page: Page, new_text: str) -> str:
    return "".join(
        difflib.unified_diff(
            page.raw.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"a/{page.rel}",
            tofile=f"b/{page.rel}",
        )
    )

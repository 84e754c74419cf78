"""Transform: an id for every heading that is unique in the whole document, for the one-file HTML and PDF.

Hugo's ids are unique per page only (and per shortcode scope). The scheme, deterministic and documented in
the README: a heading keeps its Hugo id when no other heading of the document has it; otherwise it gets
``<page stem>--<hugo id>`` (plus ``--<scope>`` inside a shortcode). Page titles keep ``page.slug``. Any
collision left after that (an explicit ``{#id}`` given twice on a page) takes ``-2``, ``-3``, ... in
document order. The Hugo id stays on the heading (``Heading.id``) and in the HTML (``data-hugo-id``).
"""

from __future__ import annotations

from collections import Counter

from ..model import Heading, Site, Target


def assign_doc_ids(site: Site) -> None:
    headings = site.headings
    counts = Counter(h.id for h in headings if not h.is_title)
    used: set[str] = {h.id for h in headings if h.is_title}
    for h in headings:
        if h.is_title:
            h.doc_id = h.id
            continue
        if counts[h.id] == 1 and h.id not in used:
            candidate = h.id
        else:
            stem = h.page.removesuffix(".md").rsplit("/", 1)[-1].lstrip("_")
            candidate = f"{stem}--{h.id}" + (f"--{h.scope}" if h.scope else "")
        base, n = candidate, 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        h.doc_id = candidate


def heading_for(site: Site, target: Target | None) -> Heading | None:
    """The heading an internal link lands on: its anchor's heading, or the page title without an anchor."""
    if target is None:
        return None
    page = site.find_page(target.page)
    if page is None:
        return None
    if target.anchor is None:
        return page.headings[0]
    return page.ids.get(target.anchor)

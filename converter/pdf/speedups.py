"""A fix for a library the renderer uses, applied in each worker before it renders.

pydyf's ``PDF.page_references`` builds the list of every page's reference anew on each call, and
WeasyPrint's tagging (``pdf_tags``) calls it once for each structure element it writes: time quadratic
in a chapter's length, 7% of writing a 67-page chapter of aix-2026. The list only grows (pages are
appended, never replaced), so it is kept and rebuilt when a page was added. Nothing else changes: the
tests check that a document writes to the same bytes with and without this.
"""

from __future__ import annotations


def apply() -> None:
    """Install the fix once; leave pydyf alone if its attribute is not the property this expects."""
    import pydyf

    current = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(current, property) or getattr(current.fget, "_aix", False):
        return
    build = current.fget

    def page_references(self):
        count = len(self.pages["Kids"])
        cached = self.__dict__.get("_aix_page_references")
        if cached is None or cached[0] != count:
            cached = self.__dict__["_aix_page_references"] = (count, build(self))
        return cached[1]

    page_references._aix = True  # type: ignore[attr-defined]
    page_references.unpatched = build  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)  # type: ignore[method-assign]

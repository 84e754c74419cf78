"""A fix for a library the renderer uses, applied in each worker before it renders.

pydyf's ``PDF.page_references`` builds the list of every page's reference anew on each call, and
WeasyPrint's tagging (``pdf_tags``) calls it once for each structure element it writes: time quadratic
in a chapter's length (writing a 67-page chapter of aix-2026 took 1.5-1.8 s, 1.0-1.3 s with this). The
list only grows (pages are appended, never replaced), so it is kept and rebuilt when a page was added.
Nothing else changes: a test checks that a document writes to the same bytes with and without this.
"""

from __future__ import annotations


def apply() -> None:
    """Install the fix once; leave pydyf alone if its attribute is not the property this expects."""
    import pydyf

    current = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(current, property) or hasattr(current.fget, "unpatched"):
        return
    build = current.fget

    def page_references(self):
        count = len(self.pages["Kids"])
        cached = self.__dict__.get("_aix_page_references")
        if cached is None or cached[0] != count:
            cached = self.__dict__["_aix_page_references"] = (count, build(self))
        return cached[1]

    page_references.unpatched = build  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)  # type: ignore[method-assign]

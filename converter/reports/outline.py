"""`aix outline`: the heading tree as rows (page, level, number, text, id, line)."""

from __future__ import annotations

from ..model import Site


def outline_rows(site: Site) -> list[dict]:
    return [
        {
            "page": h.page,
            "level": h.level,
            "number": h.number,
            "text": h.text,
            "id": h.id,
            "line": h.source.line,
            "title": h.is_title,
        }
        for page in site.pages
        for h in page.headings
    ]

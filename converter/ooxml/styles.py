"""Word's styles (styles.xml): names, inheritance through w:basedOn, outline levels, numbering, run properties.

Both directions read styles here: `aix import` for headings and lists, `aix sync` for what a paragraph or
run shows. Word and LibreOffice rename style ids on a save but keep names, so callers match by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from .elements import int_val, is_on, val
from .namespaces import W


@dataclass(slots=True)
class Style:
    id: str
    name: str  # lower case, e.g. "heading 1"; the id when the style has no name
    type: str  # paragraph, character, table or numbering
    based_on: str | None
    outline: int | None  # w:outlineLvl, 0-based; 9 means body text
    num_id: str | None
    ilvl: int | None
    rpr: etree._Element | None  # the style's run properties (w:rPr)


class Styles:
    """Styles by id, with inheritance through w:basedOn."""

    def __init__(self, root: etree._Element | None):
        self.by_id: dict[str, Style] = {}
        self.default: str | None = None  # the default paragraph style
        for el in root.iterfind(W + "style") if root is not None else ():
            sid = el.get(W + "styleId", "")
            kind = el.get(W + "type") or "paragraph"
            ppr = el.find(W + "pPr")
            num = ppr.find(W + "numPr") if ppr is not None else None
            self.by_id[sid] = Style(
                id=sid,
                name=(val(el.find(W + "name"), sid) or sid).lower(),
                type=kind,
                based_on=val(el.find(W + "basedOn")),
                outline=int_val(ppr.find(W + "outlineLvl")) if ppr is not None else None,
                num_id=val(num.find(W + "numId")) if num is not None else None,
                ilvl=int_val(num.find(W + "ilvl")) if num is not None else None,
                rpr=el.find(W + "rPr"),
            )
            if kind == "paragraph" and is_on(el.get(W + "default")):
                self.default = sid

    def chain(self, sid: str | None) -> Iterator[Style]:
        """The style and the styles it is based on, nearest first."""
        seen: set[str] = set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            yield self.by_id[sid]
            sid = self.by_id[sid].based_on

    def name(self, sid: str | None) -> str:
        style = self.by_id.get(sid or "")
        return style.name if style else (sid or "").lower()

    def outline(self, sid: str | None) -> int | None:
        return next((s.outline for s in self.chain(sid) if s.outline is not None), None)

    def numbering(self, sid: str | None) -> tuple[str, int | None] | None:
        """(numId, ilvl) a paragraph style gives its paragraphs, inherited; ilvl None when not given."""
        style = next((s for s in self.chain(sid) if s.num_id is not None), None)
        return (style.num_id, style.ilvl) if style else None  # type: ignore[return-value]

    def id_named(self, name: str) -> str | None:
        """The id of the paragraph style with this name (any case)."""
        return next(
            (s.id for s in self.by_id.values() if s.type == "paragraph" and s.name == name.lower()), None
        )

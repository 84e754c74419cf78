"""Word's paragraph styles and list numbering, read from styles.xml and numbering.xml.

Pandoc numbers ordered lists but drops the numbers Word puts before headings, and nothing in Python
computes them, so this is a small hand-written model of the numbering part (ECMA-376 part 1, 17.9):
``w:num`` instances point at ``w:abstractNum`` definitions whose levels give ``w:start``, ``w:numFmt``,
``w:lvlText`` ("%1.%2."), ``w:lvlRestart`` and ``w:isLgl``; a ``w:lvlOverride`` may replace a level or
restart it (``w:startOverride``). As Word does, the instances of one abstract definition share their
counters, so a list continues across instances unless an instance restarts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def val(el: etree._Element | None, default: str | None = None) -> str | None:
    """The w:val attribute of an element, or the default when the element or the attribute is absent."""
    if el is None:
        return default
    return el.get(W + "val", default)


def int_val(el: etree._Element | None, default: int | None = None) -> int | None:
    return int_attr(el, W + "val", default)


def int_attr(el: etree._Element | None, name: str, default: int | None = None) -> int | None:
    """An integer attribute; the default when it is absent or not a number (a hostile file's "abc")."""
    try:
        return int(el.get(name))  # type: ignore[arg-type,union-attr]
    except (AttributeError, TypeError, ValueError):
        return default


@dataclass(slots=True)
class Style:
    id: str
    name: str  # lower case, e.g. "heading 1"
    based_on: str | None
    outline: int | None  # w:outlineLvl, 0-based; 9 means body text
    num_id: str | None
    ilvl: int | None


class Styles:
    """Paragraph styles by id, with inheritance through w:basedOn."""

    def __init__(self, root: etree._Element | None):
        self.by_id: dict[str, Style] = {}
        self.default: str | None = None
        for el in root.iterfind(W + "style") if root is not None else ():
            if el.get(W + "type") not in (None, "paragraph"):
                continue
            sid = el.get(W + "styleId", "")
            ppr = el.find(W + "pPr")
            num = ppr.find(W + "numPr") if ppr is not None else None
            self.by_id[sid] = Style(
                id=sid,
                name=(val(el.find(W + "name"), sid) or sid).lower(),
                based_on=val(el.find(W + "basedOn")),
                outline=int_val(ppr.find(W + "outlineLvl")) if ppr is not None else None,
                num_id=val(num.find(W + "numId")) if num is not None else None,
                ilvl=int_val(num.find(W + "ilvl")) if num is not None else None,
            )
            if el.get(W + "default") in ("1", "true", "on"):
                self.default = sid

    def chain(self, sid: str | None):
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
        style = next((s for s in self.chain(sid) if s.num_id is not None), None)
        return (style.num_id, style.ilvl) if style else None  # type: ignore[return-value]

    def id_named(self, name: str) -> str | None:
        return next((s.id for s in self.by_id.values() if s.name == name.lower()), None)


@dataclass(slots=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # w:lvlRestart: None restarts after any higher level, 0 never
    legal: bool = False  # w:isLgl: show the numbers of all levels as decimals
    style: str | None = None  # w:pStyle: the paragraph style tied to this level
    suffix: str = "tab"  # w:suff: tab, space or nothing


def _level(el: etree._Element) -> Level:
    lgl = el.find(W + "isLgl")
    return Level(
        start=int_val(el.find(W + "start"), 1) or 0,
        fmt=val(el.find(W + "numFmt"), "decimal") or "decimal",
        text=val(el.find(W + "lvlText"), "") or "",
        restart=int_val(el.find(W + "lvlRestart")),
        legal=lgl is not None and val(lgl, "1") not in ("0", "false", "off"),
        style=val(el.find(W + "pStyle")),
        suffix=val(el.find(W + "suff"), "tab") or "tab",
    )


@dataclass(slots=True, frozen=True)
class Label:
    """What Word shows before a numbered paragraph, and the counter of the paragraph's own level."""

    text: str  # "2.1.", "a)", "•", "" for a level without a visible label
    level: Level
    ilvl: int
    value: int

    @property
    def kind(self) -> str:
        """ "bullet", "number", or "none" when nothing visible is shown (an indented continuation)."""
        if not self.text.strip() or self.level.fmt == "none":
            return "none"
        return "bullet" if self.level.fmt == "bullet" else "number"


@dataclass(slots=True)
class _Counters:
    values: list[int | None] = field(default_factory=lambda: [None] * 9)


class Numbering:
    """Counts numbered paragraphs in document order and gives each the label Word shows."""

    def __init__(self, root: etree._Element | None, styles: Styles):
        self.styles = styles
        self.abstract: dict[str, dict[int, Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNumId -> numbering style id (w:numStyleLink)
        self.nums: dict[str, str] = {}  # numId -> abstractNumId
        self.overrides: dict[str, dict[int, tuple[int | None, Level | None]]] = {}
        self._counters: dict[str, _Counters] = {}
        self._restarted: set[tuple[str, int]] = set()
        for el in root.iterfind(W + "abstractNum") if root is not None else ():
            aid = el.get(W + "abstractNumId", "")
            self.abstract[aid] = {int_attr(lv, W + "ilvl", 0): _level(lv) for lv in el.iterfind(W + "lvl")}
            link = val(el.find(W + "numStyleLink"))
            if link:
                self.style_link[aid] = link
        for el in root.iterfind(W + "num") if root is not None else ():
            nid = el.get(W + "numId", "")
            self.nums[nid] = val(el.find(W + "abstractNumId"), "") or ""
            for ov in el.iterfind(W + "lvlOverride"):
                # LibreOffice writes a level's override twice, the second one empty: merge them
                lvl = ov.find(W + "lvl")
                ilvl = int_attr(ov, W + "ilvl", 0)
                start, level = self.overrides.setdefault(nid, {}).get(ilvl, (None, None))
                start = int_val(ov.find(W + "startOverride"), start)
                self.overrides[nid][ilvl] = (start, _level(lvl) if lvl is not None else level)

    def _abstract_id(self, num_id: str) -> str | None:
        aid = self.nums.get(num_id)
        for _ in range(4):  # a numbering style points at another instance; follow a few links
            if aid is None or aid not in self.style_link:
                break
            linked = self.styles.numbering(self.style_link[aid])
            aid = self.nums.get(linked[0]) if linked else None
        return aid if aid in self.abstract else None

    def level(self, num_id: str, ilvl: int) -> Level | None:
        aid = self._abstract_id(num_id)
        if aid is None:
            return None
        override = self.overrides.get(num_id, {}).get(ilvl)
        if override and override[1] is not None:
            return override[1]
        return self.abstract[aid].get(ilvl)

    def paragraph(self, direct: tuple[str | None, int | None] | None, style: str | None):
        """(numId, ilvl) of a paragraph from its direct w:numPr and its style; None when unnumbered."""
        num_id, ilvl = direct if direct else (None, None)
        from_style = self.styles.numbering(style)
        if num_id is None and from_style:
            num_id = from_style[0]
            if ilvl is None:
                ilvl = from_style[1]
        if not num_id or num_id == "0" or self._abstract_id(num_id) is None:
            return None
        if ilvl is None:  # a style tied to a level through w:pStyle
            levels = self.abstract[self._abstract_id(num_id) or ""]
            ilvl = next((i for i, lv in levels.items() if lv.style and lv.style == style), 0)
        return num_id, max(0, min(int(ilvl), 8))

    def next_label(self, num_id: str, ilvl: int) -> Label | None:
        """Count one paragraph of the list and return the text Word shows before it, with its level."""
        aid = self._abstract_id(num_id)
        level = self.level(num_id, ilvl)
        if aid is None or level is None:
            return None
        counters = self._counters.setdefault(aid, _Counters()).values
        override = self.overrides.get(num_id, {}).get(ilvl)
        if override and override[0] is not None and (num_id, ilvl) not in self._restarted:
            self._restarted.add((num_id, ilvl))
            counters[ilvl] = override[0]
        elif counters[ilvl] is None:
            counters[ilvl] = level.start
        else:
            counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            lv = self.level(num_id, deeper)
            restart = lv.restart if lv is not None else None
            if restart is None or (restart != 0 and ilvl < restart):
                counters[deeper] = None
        return Label(self._format(num_id, level, counters), level, ilvl, counters[ilvl] or 0)

    def _format(self, num_id: str, level: Level, counters: list[int | None]) -> str:
        if level.fmt == "bullet":
            return level.text
        if level.fmt == "none":
            return ""
        out = level.text
        for i in range(9):
            token = f"%{i + 1}"
            if token in out:
                lv = self.level(num_id, i) or Level()
                value = counters[i] if counters[i] is not None else lv.start
                fmt = "decimal" if level.legal else lv.fmt
                out = out.replace(token, format_number(value, fmt))
        return out


ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc")]
ROMAN += [(50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def format_number(n: int, fmt: str) -> str:
    """A counter in one of Word's number formats; formats Markdown cannot show fall back to decimals."""
    if fmt in ("lowerLetter", "upperLetter") and 0 < n <= 32767:  # Word's largest start; a file's 10**11
        # would repeat a letter 10**11 / 26 times
        letter = "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        out, rest = "", n
        for value, digits in ROMAN:
            while rest >= value:
                out, rest = out + digits, rest - value
        return out if fmt == "lowerRoman" else out.upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)

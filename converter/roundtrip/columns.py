"""Column widths of the snapshot's tables, from their content.

Pandoc gives every column of a table the same width, so a "Nr." column took a third of the page while the
text beside it ran into very tall rows. Here each column gets at least the width of its longest word (so no
word breaks in the middle while the page has room), and the rest of the text width in proportion to how much
text its cells hold on average: rows are lowest when every column needs about as many lines as the others.

Widths are measured with Helvetica's metrics (Arial and Liberation Sans, the snapshot's font, are
metric-compatible with it), from a table rather than an installed font, so the same sources give the same
file on every machine.
"""

from __future__ import annotations

import re

from lxml import etree

from ..ooxml.elements import int_attr, int_val, on, val
from ..ooxml.namespaces import W

# Helvetica's advance widths (its AFM file), 1/1000 em, for the printable ASCII characters 32..126
_ASCII = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 "
    "667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 "
    "222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
WIDTHS = {chr(32 + i): int(w) for i, w in enumerate(_ASCII.split())}
SIZE = 10.5  # pt: the body text of styles/reference.docx
SMALLER = (9.5, 9.0, 8.5, 8.0, 7.5)  # pt: a table whose longest words do not fit side by side is set smaller
BOLD = 1.1  # Helvetica-Bold is about this much wider (1.088 for "Community")
CELL_MARGINS = 2 * 80  # twips: the Table style's left and right cell margins
SLACK = 90  # twips: rounding, and a little air
MIN_COLUMN = 600  # twips (about 1 cm): no column narrower
MAX_SHARE = 0.6  # of the table: a long URL may not take more for its own width
BREAKS = re.compile(r"(?<=-)|\s+")  # where LibreOffice breaks a line: spaces, after a hyphen (not "/")


def text_width(text: str, bold: bool = False, size: float = SIZE) -> float:
    """The width of a text in twips."""
    ems = sum(WIDTHS.get(ch, 1000 if ord(ch) >= 0x2E80 else 600) for ch in text) / 1000
    return ems * size * 20 * (BOLD if bold else 1.0)


def longest_word(text: str, bold: bool = False, size: float = SIZE) -> float:
    return max((text_width(word, bold, size) for word in BREAKS.split(text) if word), default=0.0)


def minimums(rows: list[list[tuple[str, int, bool]]], columns: int, total: int, size: float) -> list[float]:
    """Per column: its longest word with the cell margins, at least MIN_COLUMN, at most MAX_SHARE."""
    need = [0.0] * columns
    for row in rows:
        col = 0
        for text, span, bold in row:
            if span == 1 and col < columns:
                need[col] = max(need[col], longest_word(text, bold, size))
            col += span
    return [min(max(MIN_COLUMN, n + CELL_MARGINS + SLACK), total * MAX_SHARE) for n in need]


def text_size(rows: list[list[tuple[str, int, bool]]], columns: int, total: int) -> float:
    """The body size when the longest words fit side by side, else the largest smaller size at which
    they do (the smallest, when none does)."""
    for size in (SIZE, *SMALLER):
        if sum(minimums(rows, columns, total, size)) <= total:
            return size
    return SMALLER[-1]


def widths(
    rows: list[list[tuple[str, int, bool]]], columns: int, total: int, size: float = SIZE
) -> list[int]:
    """Twips per grid column: `rows` of cells (text, grid span, bold), set at `size`."""
    amount = [0.0] * columns  # all text, for the average
    cells = [0] * columns
    for row in rows:
        col = 0
        for text, span, bold in row:
            if span == 1 and col < columns:
                amount[col] += text_width(text, bold, size)
                cells[col] += 1
            col += span
    mins = minimums(rows, columns, total, size)
    if sum(mins) >= total:  # more long words than room: each keeps its share of the page
        return _round([m * total / sum(mins) for m in mins], total)
    weight = [max(amount[i] / cells[i] if cells[i] else 0.0, mins[i], 1.0) for i in range(columns)]
    fixed: dict[int, float] = {}
    while True:  # water-filling: columns whose share would be below their minimum get the minimum
        free = [i for i in range(columns) if i not in fixed]
        room = total - sum(fixed.values())
        share = {i: room * weight[i] / sum(weight[j] for j in free) for i in free}
        short = [i for i in free if share[i] < mins[i]]
        if not short:
            break
        for i in short:
            fixed[i] = mins[i]
    return _round([fixed.get(i, share.get(i, 0.0)) for i in range(columns)], total)


def _round(values: list[float], total: int) -> list[int]:
    out = [int(v) for v in values]
    out[-1] += total - sum(out)
    return out


def size_tables(document: etree._Element, text_width_twips: int) -> int:
    """Set the grid and cell widths of every top-level table of the body; how many tables were sized."""
    sized = 0
    for tbl in document.iter(W + "tbl"):
        if any(a.tag == W + "tbl" for a in tbl.iterancestors()):
            continue  # a table in a cell keeps pandoc's widths (100% of its cell)
        grid = tbl.find(W + "tblGrid")
        cols = grid.findall(W + "gridCol") if grid is not None else []
        if not cols:
            continue
        rows = [r for r in tbl.iterchildren(W + "tr")]
        cells = [
            [(tc, int_val(tc.find(f"{W}tcPr/{W}gridSpan"), 1) or 1) for tc in r.iterchildren(W + "tc")]
            for r in rows
        ]
        header = bool(rows) and rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        content = [
            [(_text(tc), span, (header and n == 0) or _bold(tc)) for tc, span in row]
            for n, row in enumerate(cells)
        ]
        size = text_size(content, len(cols), text_width_twips)
        sizes = widths(content, len(cols), text_width_twips, size)
        if size != SIZE:
            for rpr in _run_properties(tbl):
                _set_size(rpr, size)
        for col, size in zip(cols, sizes, strict=True):
            col.set(W + "w", str(size))
        for row in cells:
            at = 0
            for tc, span in row:
                _cell_width(tc, sum(sizes[at : at + span]))
                at += span
        _fixed_layout(tbl)
        sized += 1
    return sized


def _text(tc: etree._Element) -> str:
    return " ".join("".join(t.text or "" for t in p.iter(W + "t")) for p in tc.iter(W + "p"))


# the elements that follow w:sz in w:rPr (ECMA-376 part 1, CT_RPr, a sequence)
AFTER_SZ = {W + t for t in ("szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl",
                            "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")}  # fmt: skip


def _run_properties(tbl: etree._Element) -> list[etree._Element]:
    """The w:rPr of every run in the table, made where a run has none."""
    out = []
    for run in tbl.iter(W + "r"):
        rpr = run.find(W + "rPr")
        if rpr is None:
            rpr = etree.Element(W + "rPr")
            run.insert(0, rpr)
        out.append(rpr)
    return out


def _set_size(rpr: etree._Element, size: float) -> None:
    for tag in ("szCs", "sz"):
        old = rpr.find(W + tag)
        if old is not None:
            rpr.remove(old)
    half_points = str(round(size * 2))
    follower = next((el for el in rpr if el.tag in AFTER_SZ), None)
    for tag in ("sz", "szCs"):
        el = etree.Element(W + tag)
        el.set(W + "val", half_points)
        if follower is not None:
            follower.addprevious(el)
        else:
            rpr.append(el)


def _bold(tc: etree._Element) -> bool:
    """Whether any run of the cell is bold (measured bold as a whole: a little wide is no harm)."""
    for rpr in tc.iter(W + "rPr"):
        if on(rpr.find(W + "b")) or (
            rpr.find(W + "rStyle") is not None and "strong" in (val(rpr.find(W + "rStyle")) or "").lower()
        ):
            return True
    return False


def _cell_width(tc: etree._Element, twips: int) -> None:
    tcpr = tc.find(W + "tcPr")
    if tcpr is None:
        tcpr = etree.Element(W + "tcPr")
        tc.insert(0, tcpr)
    width = tcpr.find(W + "tcW")
    if width is None:
        width = etree.Element(W + "tcW")
        cnf = tcpr.find(W + "cnfStyle")  # w:tcW comes first in w:tcPr, after w:cnfStyle
        tcpr.insert(0 if cnf is None else 1, width)
    width.set(W + "w", str(twips))
    width.set(W + "type", "dxa")


def _fixed_layout(tbl: etree._Element) -> None:
    """Word keeps the widths as given (its automatic layout would fit them to the text again)."""
    tblpr = tbl.find(W + "tblPr")
    if tblpr is None or tblpr.find(W + "tblLayout") is not None:
        return
    layout = etree.Element(W + "tblLayout")
    layout.set(W + "type", "fixed")
    follower = next(
        (el for el in tblpr if el.tag in (W + "tblCellMar", W + "tblLook", W + "tblCaption")), None
    )
    if follower is not None:
        follower.addprevious(layout)
    else:
        tblpr.append(layout)


def text_area(document: etree._Element) -> int | None:
    """The width between the margins of the body's last section, in twips; None when it does not say."""
    sect = document.find(f"{W}body/{W}sectPr")
    size = sect.find(W + "pgSz") if sect is not None else None
    margins = sect.find(W + "pgMar") if sect is not None else None
    page = int_attr(size, W + "w")
    left, right = int_attr(margins, W + "left"), int_attr(margins, W + "right")
    if page is None or left is None or right is None or page - left - right <= 0:
        return None
    return page - left - right

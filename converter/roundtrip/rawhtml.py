"""Raw HTML blocks in the snapshot: shown as a reader of the website sees them, edits written back into the
HTML, cell for cell.

A raw HTML block (the AI Security Matrix, the periodic table of controls) is parsed into a tree that keeps
where each element's content lies in the source, then written as pandoc blocks: tables (row and column
spans kept) with their text, links and emphasis, lists, paragraphs, line breaks. Beside the blocks it
records, in the same order, the *slot* each paragraph and table cell came from: the stretch of source that
holds its content. `aix sync` compares what Word shows with what the snapshot showed, slot by slot, and
writes an edited slot's new content into that stretch (merged token by token, so the untouched parts of a
cell keep their spelling); where the structure changed (rows or columns added, cells merged, paragraphs
added) it writes nothing and says why.

The tree is built on the standard library's tokenizer (html.parser, as the sanitizer does), which reports
where each tag starts; the few tree rules raw HTML in Markdown needs are HTML's own: a cell ends at the next
cell, row or the table's end, a row at the next row, an item at the next item, a paragraph at a block.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..html.sanitize import HTMLReader, url_references
from . import styles as S
from .ir import IR, OBJECT, Piece, link_groups
from .merge3 import merge3

Block = dict[str, Any]
NO_ATTR: list[Any] = ["", [], []]
VOID = frozenset(("br", "col", "hr", "img", "wbr", "input", "meta", "link", "source", "area", "base"))
CELLS = frozenset(("td", "th"))
SECTIONS = frozenset(("thead", "tbody", "tfoot"))
BLOCKS = frozenset(
    ("p", "div", "table", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
     "blockquote", "hr", "details", "summary", "figure", "figcaption", "section", "article", "aside",
     "header", "footer", "nav", "center", "main", "address", "form", "fieldset")
)  # fmt: skip
INLINE_STYLE = {
    "b": "Strong", "strong": "Strong", "i": "Emph", "em": "Emph", "cite": "Emph", "var": "Emph", "dfn": "Emph",
    "s": "Strikeout", "del": "Strikeout", "strike": "Strikeout", "sup": "Superscript", "sub": "Subscript",
}  # fmt: skip
CODE = frozenset(("code", "kbd", "samp", "tt"))
HIDDEN = frozenset(("script", "style", "template", "noscript", "head", "title"))
MAX_DEPTH = 64  # deeper elements are read as if closed at once (their content goes to the element above)


@dataclass(eq=False, slots=True)
class Node:
    tag: str  # "#text", "#comment", or the element's name
    start: int  # where it starts in the source
    inner: int  # where its content starts (after the start tag)
    inner_end: int = -1  # where its content ends (its end tag, or where it was closed by another)
    end: int = -1  # where it ends: after its end tag, or where its content ends
    attrs: dict[str, str] = field(default_factory=dict)
    text: str = ""  # the decoded text of a text node
    children: list[Node] = field(default_factory=list)
    # a URL attribute's number among the piece's links or images, as html_refs counts them (the first of a
    # repeated attribute, the one a browser follows): where to look in the token's "_refs" (hugo/pages.py)
    refs: dict[str, int] = field(default_factory=dict)


class _TreeBuilder(HTMLReader):
    def __init__(self, raw: str):
        super().__init__(convert_charrefs=True)
        self.raw = raw
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(raw) if ch == "\n"]
        self.root = Node("#root", 0, 0)
        self.stack = [self.root]
        self.text: Node | None = None  # the text node whose end is the next event
        self.counts = {"link": 0, "image": 0}  # the URL references met so far, as html_refs counts them

    def at(self) -> int:
        line, column = self.getpos()
        at = self.line_starts[line - 1] + column
        if self.text is not None:
            self.text.inner_end = self.text.end = at
            self.text = None
        return at

    def _close(self, until: int, at: int, end: int | None = None) -> None:
        """Close the open elements down to stack index `until`; the last one closed (the one an end tag
        named) ends at `end`, after its end tag."""
        while len(self.stack) > until:
            node = self.stack.pop()
            node.inner_end = at
            node.end = end if end is not None and len(self.stack) == until else at

    def _open_index(self, tags: frozenset[str] | set[str], barrier: frozenset[str] | set[str]) -> int | None:
        """The stack index of the nearest open element in `tags`, unless a `barrier` element comes first."""
        for i in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[i].tag
            if tag in tags:
                return i
            if tag in barrier:
                return None
        return None

    def _implied_ends(self, tag: str, at: int) -> None:
        """HTML's optional end tags: what starting `tag` closes."""
        if tag in CELLS:
            found = self._open_index(CELLS, {"tr", "table"})
        elif tag == "tr":
            found = self._open_index({"tr"}, {"table", *SECTIONS})
            if found is None:
                found = self._open_index(CELLS, {"table"})
        elif tag in SECTIONS:
            found = self._open_index({"tr", *CELLS, *SECTIONS}, {"table"})
        elif tag == "li":
            found = self._open_index({"li"}, {"ul", "ol", *CELLS, "table"})
        elif tag in ("dt", "dd"):
            found = self._open_index({"dt", "dd"}, {"dl", *CELLS, "table"})
        else:
            found = None
        if found is not None:
            self._close(found, at)
        if tag in BLOCKS:  # a block closes an open paragraph
            found = self._open_index({"p"}, {*CELLS, "table", "li", "div", "blockquote"})
            if found is not None:
                self._close(found, at)

    def _refs(self, tag: str, attrs: list[tuple[str, str | None]]) -> dict[str, int]:
        refs: dict[str, int] = {}
        for name, _value, kind in url_references(tag, attrs):
            refs.setdefault(name, self.counts[kind])
            self.counts[kind] += 1
        return refs

    def handle_starttag(self, tag, attrs):
        at = self.at()
        end = at + len(self.get_starttag_text() or "")
        refs = self._refs(tag, attrs)
        self._implied_ends(tag, at)
        if len(self.stack) > MAX_DEPTH:
            return  # read as if the tag were not there: its content joins the element above
        node = Node(tag, at, end, attrs={k: v or "" for k, v in attrs}, refs=refs)
        self.stack[-1].children.append(node)
        if tag in VOID:
            node.inner_end = node.end = end
        else:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        at = self.at()
        end = at + len(self.get_starttag_text() or "")
        refs = self._refs(tag, attrs)
        self._implied_ends(tag, at)
        self.stack[-1].children.append(
            Node(tag, at, end, end, end, {k: v or "" for k, v in attrs}, refs=refs)
        )

    def handle_endtag(self, tag):
        at = self.at()
        barrier = {"table"} if tag in (*CELLS, "tr", *SECTIONS) else {*CELLS, "table", "li"}
        found = self._open_index({tag}, barrier - {tag})
        if found is not None:  # an end tag for nothing open is ignored, as a browser does
            close = self.raw.find(">", at)
            self._close(found, at, close + 1 if close >= 0 else len(self.raw))

    def handle_data(self, data):
        at = self.at()
        node = Node("#text", at, at, text=data)
        self.stack[-1].children.append(node)
        self.text = node

    def handle_comment(self, data):
        at = self.at()
        end = self.raw.find("-->", at)
        end = end + 3 if end >= 0 else len(self.raw)
        self.stack[-1].children.append(Node("#comment", at, end, end, end))

    def finish(self) -> Node:
        self.close()
        if self.text is not None:
            self.text.inner_end = self.text.end = len(self.raw)
            self.text = None
        self._close(1, len(self.raw))
        self.root.inner_end = self.root.end = len(self.raw)
        return self.root


def parse(raw: str) -> Node:
    builder = _TreeBuilder(raw)
    builder.feed(raw)
    return builder.finish()


# -- slots: where each paragraph and cell Word shows came from --------------------------------------------------


@dataclass(slots=True)
class Slot:
    """The source stretch whose content one paragraph (or one table cell) shows; None for a cell that has
    no source (a merged cell's continuation, or one added to fill a short row)."""

    start: int
    end: int


@dataclass(slots=True)
class TableSlots:
    rows: list[list[Slot | None]]  # as Word's rows hold their cells (continuations included)


Layout = list[Slot | TableSlots | None]  # None: a paragraph with no source stretch of its own


# -- the writer side: HTML to pandoc blocks ----------------------------------------------------------------------


class Renderer:
    """Pandoc blocks for a raw HTML block, and their slots. `link(inlines, n)` and `image(n, alt)` are the
    snapshot writer's: the n-th link or image of the piece is the model's (Node.refs), so links and images
    follow the same rules as Markdown's."""

    def __init__(
        self, raw: str, link: Callable[[list[Block], int], Block], image: Callable[[int, str], list]
    ):
        self.raw = raw
        self.link = link
        self.image = image

    def render(self, root: Node) -> tuple[list[Block], Layout]:
        blocks: list[Block] = []
        layout: Layout = []
        self._blocks(root, blocks, layout)
        return blocks, layout

    def _blocks(self, node: Node, out: list[Block], layout: Layout, plain: bool = False) -> None:
        run: list[Node] = []

        def flush() -> None:
            inlines = _trim(self._inlines(run))
            if _visible(inlines):
                out.append({"t": "Plain" if plain else "Para", "c": inlines})
                layout.append(self._slot(run))
            run.clear()

        for child in node.children:
            tag = child.tag
            if tag in HIDDEN or tag == "#comment":
                continue
            if tag not in BLOCKS:
                run.append(child)
                continue
            flush()
            if tag == "table":
                self._table(child, out, layout)
            elif tag in ("ul", "ol"):
                self._list(child, out, layout)
            elif tag == "hr":
                out.append({"t": "Div", "c": [["", [], [["custom-style", S.THEMATIC_BREAK]]],
                                              [{"t": "Para", "c": [{"t": "Str", "c": S.RULE_TEXT}]}]]})  # fmt: skip
                layout.append(None)  # a rule: nothing to write into
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6", "summary", "dt"):
                inlines = _trim(self._inlines(child.children))
                if _visible(inlines):
                    out.append({"t": "Para", "c": [{"t": "Strong", "c": inlines}]})
                    layout.append(self._slot(child.children, child))
            elif tag == "pre":
                text = "".join(_texts(child)).strip("\n")
                if text.strip():
                    lines = [
                        {"t": "Str", "c": line} if line else {"t": "LineBreak"} for line in text.split("\n")
                    ]
                    inlines = [
                        x
                        for i, line in enumerate(lines)
                        for x in ([{"t": "LineBreak"}] if i else []) + [line]
                    ]
                    out.append(
                        {
                            "t": "Div",
                            "c": [["", [], [["custom-style", S.CODE]]], [{"t": "Para", "c": inlines}]],
                        }
                    )
                    layout.append(Slot(child.inner, child.inner_end))
            else:
                self._blocks(child, out, layout, plain)
        flush()

    def _slot(self, nodes: list[Node], parent: Node | None = None) -> Slot:
        if parent is not None:
            return _stripped(self.raw, parent.inner, parent.inner_end)
        return _stripped(self.raw, nodes[0].start, nodes[-1].end)

    def _list(self, node: Node, out: list[Block], layout: Layout) -> None:
        items = []
        for li in node.children:
            if li.tag != "li":
                continue
            blocks: list[Block] = []
            self._blocks(li, blocks, layout, plain=True)
            items.append(blocks or [{"t": "Plain", "c": []}])
        if not items:
            return
        if node.tag == "ul":
            out.append({"t": "BulletList", "c": items})
        else:
            start = node.attrs.get("start", "1")
            number = int(start) if start.strip().isdigit() else 1
            out.append({"t": "OrderedList", "c": [[number, {"t": "Decimal"}, {"t": "Period"}], items]})

    def _table(self, node: Node, out: list[Block], layout: Layout) -> None:
        head_rows: list[Node] = []
        body_rows: list[Node] = []
        stray: list[Node] = []  # content outside any cell: a browser shows it before the table
        for child in node.children:
            if child.tag == "tr":
                body_rows.append(child)
                stray += [c for c in child.children if c.tag not in CELLS]
            elif child.tag in SECTIONS:
                for row in child.children:
                    if row.tag == "tr":
                        (head_rows if child.tag == "thead" else body_rows).append(row)
                        stray += [c for c in row.children if c.tag not in CELLS]
                    else:
                        stray.append(row)
            else:
                stray.append(child)
        stray = [c for c in stray if c.tag not in ("#comment", "colgroup", "col") and
                 (c.tag != "#text" or c.text.strip())]  # fmt: skip
        if stray:  # shown, but its paragraphs have no single stretch of source to be written into
            stray_layout: Layout = []
            self._blocks(Node("#root", stray[0].start, stray[0].start, children=stray), out, stray_layout)
            layout += [None] * len(stray_layout)
        if not head_rows and body_rows and all(c.tag == "th" for c in _cells(body_rows[0])):
            head_rows, body_rows = body_rows[:1], body_rows[1:]
        width, grid = _grid(head_rows + body_rows)
        if not width:
            return
        shown: list[list[Any]] = []
        slots: list[list[Slot | None]] = []
        for places in grid:
            cells_out: list[Any] = []
            row_slots: list[Slot | None] = []
            for place in places:
                row_slots.append(None)
                if place[0] == "cont":  # pandoc writes it, from the cell spanning down into the row
                    continue
                if place[0] == "pad":
                    cells_out.append([NO_ATTR, {"t": "AlignDefault"}, 1, 1, []])
                    continue
                _, cell, rowspan, colspan = place
                blocks: list[Block] = []
                self._blocks(cell, blocks, [], plain=True)
                cells_out.append([NO_ATTR, {"t": "AlignDefault"}, rowspan, colspan, blocks])
                row_slots[-1] = _stripped(self.raw, cell.inner, cell.inner_end)
            shown.append([NO_ATTR, cells_out])
            slots.append(row_slots)
        colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in range(width)]
        head, body = shown[: len(head_rows)], shown[len(head_rows) :]
        table = [NO_ATTR, [None, []], colspecs, [NO_ATTR, head], [[NO_ATTR, 0, [], body]], [NO_ATTR, []]]
        out.append({"t": "Table", "c": table})
        layout.append(TableSlots(slots))

    def _inlines(self, nodes: list[Node]) -> list[Block]:
        out: list[Block] = []
        for node in nodes:
            tag = node.tag
            if tag == "#text":
                text = " ".join(node.text.split())
                if node.text[:1].isspace():
                    text = " " + text
                if node.text[-1:].isspace() and text.strip():
                    text += " "
                if text:
                    out.append({"t": "Str", "c": text})
            elif tag == "br":
                out.append({"t": "LineBreak"})
            elif tag == "img":
                alt = node.attrs.get("alt", "")
                if "src" in node.refs:
                    out += self.image(node.refs["src"], alt)
                elif alt:
                    out.append({"t": "Str", "c": alt})  # no image to show: its alt text, as a browser does
            elif tag in HIDDEN or tag == "#comment":
                continue
            elif tag in INLINE_STYLE:
                inner = self._inlines(node.children)
                if inner:
                    out.append({"t": INLINE_STYLE[tag], "c": inner})
            elif tag in CODE:
                text = " ".join("".join(_texts(node)).split())
                if text:
                    out.append({"t": "Code", "c": [NO_ATTR, text]})
            elif tag == "a" and node.attrs.get("href"):
                inner = self._inlines(node.children)
                if inner:
                    out.append(self.link(inner, node.refs["href"]))
            else:
                out += self._inlines(node.children)
        return _collapse(out)


def _cells(tr: Node) -> list[Node]:
    return [c for c in tr.children if c.tag in CELLS]


def _grid(rows: list[Node]) -> tuple[int, list[list[tuple]]]:
    """The table's width in grid columns, and per row its cells in the order Word holds them:
    ("cell", node, rowspan, colspan); ("cont", colspan) where a cell from above spans into the row (pandoc
    writes a continuation there); ("pad",) to fill a gap or a short row."""
    spans: dict[int, list[int]] = {}  # column -> [rows left, colspan] of a cell spanning down
    placed: list[list[tuple[int, int, tuple]]] = []  # per row: (column, width, place)
    for tr in rows:
        places: list[tuple[int, int, tuple]] = []
        col, cells = 0, _cells(tr)
        k = 0
        while k < len(cells) or any(c >= col for c in spans):
            if col in spans:
                left, width = spans[col]
                places.append((col, width, ("cont", width)))
                if left <= 1:
                    del spans[col]
                else:
                    spans[col][0] = left - 1
                col += width
            elif k < len(cells):
                cell = cells[k]
                k += 1
                rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
                places.append((col, colspan, ("cell", cell, rowspan, colspan)))
                if rowspan > 1:
                    spans[col] = [rowspan, colspan]  # counted down from the next row on
                    spans[col][0] -= 1
                    if not spans[col][0]:
                        del spans[col]
                col += colspan
            else:  # a gap before a cell spanning down further right
                places.append((col, 1, ("pad",)))
                col += 1
        placed.append(places)
    width = max((c + w for places in placed for c, w, _ in places), default=0)
    grid = []
    for places in placed:
        used = max((c + w for c, w, _ in places), default=0)
        grid.append([p for _, _, p in places] + [("pad",)] * (width - used))
    return width, grid


def _span(cell: Node, name: str) -> int:
    value = cell.attrs.get(name, "1").strip()
    return max(1, min(int(value), 1000)) if value.isdigit() else 1


def _texts(node: Node) -> list[str]:
    if node.tag == "#text":
        return [node.text]
    if node.tag == "br":
        return ["\n"]
    return [t for child in node.children for t in _texts(child)]


def _stripped(raw: str, start: int, end: int) -> Slot:
    """The stretch without the whitespace at its ends (which stays as the source has it)."""
    end = max(start, end)
    while start < end and raw[start].isspace():
        start += 1
    while end > start and raw[end - 1].isspace():
        end -= 1
    return Slot(start, end)


def _collapse(inlines: list[Block]) -> list[Block]:
    """HTML's white space: one space where several meet."""
    out: list[Block] = []
    for node in inlines:
        if node["t"] == "Str" and out and out[-1]["t"] == "Str":
            joined = out[-1]["c"] + node["c"]
            while "  " in joined:
                joined = joined.replace("  ", " ")
            out[-1] = {"t": "Str", "c": joined}
        else:
            out.append(node)
    return out


def _trim(inlines: list[Block]) -> list[Block]:
    """No space at the ends of a paragraph, nor around its line breaks."""
    out = [dict(n) for n in inlines]
    for i, node in enumerate(out):
        if node["t"] != "Str":
            continue
        before = out[i - 1]["t"] if i else None
        after = out[i + 1]["t"] if i + 1 < len(out) else None
        text = node["c"]
        if before in (None, "LineBreak"):
            text = text.lstrip()
        if after in (None, "LineBreak"):
            text = text.rstrip()
        node["c"] = text
    return [n for n in out if not (n["t"] == "Str" and not n["c"])]


def _visible(inlines: list[Block]) -> bool:
    for node in inlines:
        t = node["t"]
        if t == "Str" and node["c"].strip() or t in ("Image", "Code"):
            return True
        if t in ("Link",) and _visible(node["c"][1]) or t in INLINE_STYLE.values() and _visible(node["c"]):
            return True
        if t == "Span" and _visible(node["c"][1]):
            return True
    return False


# -- the sync side: edits back into the HTML ---------------------------------------------------------------------


def inline_html(pieces: tuple[Piece, ...] | list[Piece], url: Callable[[str], str]) -> str:
    """A paragraph's pieces as inline HTML: text escaped, marks as tags, links as <a href>."""
    groups = link_groups(pieces)
    out = []
    for target, items in groups:
        body = ""
        for text, marks in items:
            if OBJECT in text or any(m.startswith("img:") for m in marks):
                continue  # a picture: the source keeps its <img> (merge3 leaves it where it was)
            part = html.escape(text, quote=False).replace("\n", "<br>")
            for mark, tag in (
                ("c", "code"),
                ("s", "s"),
                ("i", "i"),
                ("b", "b"),
                ("sup", "sup"),
                ("sub", "sub"),
            ):
                if mark in marks:
                    part = f"<{tag}>{part}</{tag}>"
            body += part
        out.append(body if target is None else f'<a href="{html.escape(url(target))}">{body}</a>')
    return "".join(out)


def _shape(ir: IR) -> tuple:
    if ir[0] == "tbl":
        return ("tbl", tuple(len(row) for row in ir[1]))
    return ("p",)


def write_back(
    source: str, layout: Layout, before: list[IR], after: list[IR], url: Callable[[str], str]
) -> tuple[str, list[str]]:
    """The HTML block with each edited paragraph or cell written into its own stretch of the source; with
    the reasons it could not take some edit (then it is given back unchanged)."""
    after = [e for e in after if e[0] == "tbl" or any(text.strip() for text, _ in e[3])]  # empty lines typed
    if [_shape(e) for e in before] != [_shape(e) for e in after] or len(before) != len(layout):
        what = "tables changed shape" if any(e[0] == "tbl" for e in after) else "paragraphs added or removed"
        return source, [f"the HTML block was changed in Word in a way its source cannot take ({what}: rows or "
                        "columns added or removed, cells merged or split)"]  # fmt: skip
    edits: list[tuple[Slot, str, str]] = []  # (slot, what it showed, what it shows)
    problems: list[str] = []
    for slot, old, new in zip(layout, before, after, strict=True):
        if old == new:
            continue
        if isinstance(slot, TableSlots):
            if len(slot.rows) != len(old[1]):
                return source, ["the HTML table's rows no longer match what the snapshot showed"]
            for r, (slots, old_row, new_row) in enumerate(zip(slot.rows, old[1], new[1], strict=True)):
                if len(slots) != len(old_row):
                    return source, ["the HTML table's cells no longer match what the snapshot showed"]
                for c, (cell_slot, old_cell, new_cell) in enumerate(
                    zip(slots, old_row, new_row, strict=True)
                ):
                    if old_cell == new_cell:
                        continue
                    if cell_slot is None or any(p[0] == "tbl" for p in (*old_cell, *new_cell)):
                        problems.append(f"text typed into a merged or added cell (row {r + 1}, cell {c + 1})")
                        continue
                    edits.append((cell_slot, _cell_html(old_cell, url), _cell_html(new_cell, url)))
        elif isinstance(slot, Slot):
            edits.append((slot, inline_html(old[3], url), inline_html(new[3], url)))
        else:
            problems.append(f"edited text that stands outside the table's cells ('{_plain(new)[:40]}')")
    if problems:
        return source, problems
    out = source
    for slot, base, edited in sorted(edits, key=lambda e: -e[0].start):
        content = out[slot.start : slot.end]
        merged = merge3(base, content, edited) if content else edited
        out = out[: slot.start] + merged + out[slot.end :]
    return out, []


def _plain(ir: IR) -> str:
    return "".join(text for text, _ in ir[3]) if ir[0] != "tbl" else ""


def _cell_html(paragraphs: tuple, url: Callable[[str], str]) -> str:
    return "<br><br>".join(inline_html(p[3], url) for p in paragraphs)

"""What a reader of the Word snapshot sees, as plain tuples: the currency of the round trip.

An element is a paragraph ``(kind, list kind, level, pieces)`` or a table ``("tbl", rows)`` whose cells are
tuples of paragraphs. ``kind`` comes from the paragraph style (``h2``, ``p``, ``compact``, ``q1`` for a
quote, ``code``, ``html``, ``sc`` for a shortcode tag, ``label`` for a shortcode's label, ``hr``); the list kind is ``bullet``, ``ordered``,
``cont`` (a further paragraph of an item) or None. Pieces are ``(text, marks)`` with sorted marks: ``b``,
``i``, ``s``, ``c`` (code), ``sup``, ``sub``, ``a:<target>`` and ``img:<alt>``. Line breaks are ``\\n``.

`reader` computes it from a .docx; `ast_ir` computes it from the pandoc AST aix hands to pandoc (the same
thing, without pandoc): `aix sync` uses the first to see what changed and the second as the merge base.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any
from urllib.parse import unquote

from ..pandoc import Node, type_and_content
from . import styles as S

OBJECT = "\ufffc"  # an image's place in the text
Piece = tuple[str, tuple[str, ...]]
IR = tuple


def fingerprint(irs: list[tuple] | tuple) -> str:
    """A short hash of what a segment shows; equal when nothing visible changed."""
    return hashlib.blake2b(repr(tuple(irs)).encode("utf-8"), digest_size=10).hexdigest()


def link_key(url: str) -> str:
    """A link target as LibreOffice leaves it: percent-escapes and a trailing slash do not count."""
    if url.startswith("#"):
        return url
    return unquote(url).rstrip("#").rstrip("/")


@functools.cache
def para_kind(style_key: str) -> str:
    if style_key.startswith("heading") and style_key[7:].isdigit():
        return "h" + style_key[7:]
    quote = S.key(S.QUOTE)
    if style_key.startswith(quote):
        rest = style_key[len(quote) :]
        if rest == "" or rest.isdigit():
            return "q" + (rest or "1")
    return {
        S.key(S.CODE): "code",
        S.key(S.HUGO_SOURCE): "html",
        S.key(S.HUGO_SHORTCODE): "sc",
        S.key(S.SHORTCODE_LABEL): "label",
        S.key(S.THEMATIC_BREAK): "hr",
        "compact": "compact",
    }.get(style_key, "p")


def merge_pieces(pieces: list[Piece]) -> tuple[Piece, ...]:
    out: list[Piece] = []
    for text, marks in pieces:
        if not text:
            continue
        if out and out[-1][1] == marks and OBJECT not in text and OBJECT not in out[-1][0]:
            out[-1] = (out[-1][0] + text, marks)
        else:
            out.append((text, marks))
    return tuple(out)


def link_groups(pieces: tuple[Piece, ...] | list[Piece]) -> list[tuple[str | None, list[Piece]]]:
    """The pieces in runs of one link target (None: no link), for writers that write a link around a run."""
    groups: list[tuple[str | None, list[Piece]]] = []
    for text, marks in pieces:
        target = next((m[2:] for m in marks if m.startswith("a:")), None)
        if groups and groups[-1][0] == target:
            groups[-1][1].append((text, marks))
        else:
            groups.append((target, [(text, marks)]))
    return groups


def plain(pieces: tuple[Piece, ...] | list[Piece]) -> str:
    return "".join(text for text, _ in pieces)


# -- the IR of a pandoc AST, as pandoc's docx writer and reader.py together would give it ----------------------


def ast_ir(blocks: list[Node]) -> list[IR]:
    out: list[IR] = []
    _blocks(blocks, out, None, None)
    return out


def _para_ir(kind: str, lst: tuple[str, int] | None, inlines: list[Node], header_row: bool = False) -> IR:
    pieces: list[Piece] = []
    _inlines(inlines, (), pieces)
    if kind[0] == "h" or header_row:
        pieces = [(t, tuple(m for m in marks if m != "b")) for t, marks in pieces]
    return (kind, lst[0] if lst else None, lst[1] if lst else 0, merge_pieces(pieces))


def _blocks(blocks: list[Node], out: list[IR], style: str | None, lst: tuple[str, int] | None) -> None:
    """`lst` is the numbering the next paragraph takes: (bullet|ordered|cont, level), or None."""
    for block in blocks:
        t, c = type_and_content(block)
        if t in ("Para", "Plain"):
            kind = para_kind(S.key(style)) if style else ("p" if t == "Para" else "compact")
            out.append(_para_ir(kind, lst, c))
        elif t == "Header":
            out.append(_para_ir(f"h{c[0]}", lst, c[2]))
        elif t == "Div":
            custom = dict(c[0][2]).get("custom-style")
            _blocks(c[1], out, custom or style, lst)
            if not c[1]:
                continue
        elif t == "BlockQuote":
            _blocks(c, out, S.QUOTE, lst)
        elif t in ("BulletList", "OrderedList"):
            items = c if t == "BulletList" else c[1]
            level = 0 if lst is None else lst[1] + 1
            kind = "bullet" if t == "BulletList" else "ordered"
            for item in items:
                _blocks(item, out, style, (kind, level))
        elif t == "Table":
            out.append(_table(c))
        elif t == "HorizontalRule":
            out.append(("hr", None, 0, ()))
        elif t == "RawBlock":
            continue
        if lst is not None and lst[0] in ("bullet", "ordered"):
            lst = ("cont", lst[1])  # only the item's first paragraph carries its bullet or number


def _table(c: list[Any]) -> IR:
    """Rows of cells as Word holds them: where a cell spans rows, pandoc writes an empty continuation cell
    in each row below it (w:vMerge), which a reader sees as an empty cell."""
    rows = []
    head_rows = c[3][1]
    body_rows = [r for body in c[4] for r in body[2] + body[3]]
    spans: dict[int, list[int]] = {}  # column -> [rows left, colspan]
    for n, row in enumerate(head_rows + body_rows):
        cells: list[tuple] = []
        col = 0
        given = list(row[1])
        while given or any(k >= col for k in spans):
            if col in spans:
                left, colspan = spans[col]
                cells.append(())
                if left <= 1:
                    del spans[col]
                else:
                    spans[col][0] = left - 1
                col += colspan
                continue
            if not given:
                break
            cell = given.pop(0)
            rowspan, colspan = max(1, cell[2]), max(1, cell[3])
            cells.append(_cell(cell, n == 0))
            if rowspan > 1:
                spans[col] = [rowspan - 1, colspan]
            col += colspan
        rows.append(tuple(cells))
    return ("tbl", tuple(rows))


def _cell(cell: list[Any], header_row: bool) -> tuple:
    paras: list[IR] = []
    for block in cell[4]:
        sub: list[IR] = []
        if block["t"] in ("Para", "Plain"):
            sub.append(_para_ir("compact", None, block["c"], header_row=header_row))
        else:
            _blocks([block], sub, None, None)
        paras += [p for p in sub if p[0] == "tbl" or plain(p[3]).strip()]
    return tuple(paras)


def _add(marks: tuple[str, ...], mark: str) -> tuple[str, ...]:
    return tuple(sorted({*marks, mark}))


def _inlines(inlines: list[Node], marks: tuple[str, ...], out: list[Piece]) -> None:
    for node in inlines:
        t = node["t"]
        if t == "Str":
            out.append((node["c"], marks))
        elif t in ("Space", "SoftBreak"):
            out.append((" ", marks))
        elif t == "LineBreak":
            out.append(("\n", marks))
        elif t in FORMATS:
            _inlines(node["c"], _add(marks, FORMATS[t]), out)
        elif t == "Code":
            out.append((node["c"][1], _add(marks, "c")))
        elif t == "Link":
            link = [m for m in marks if not m.startswith("a:")]
            _inlines(node["c"][1], _add(tuple(link), "a:" + link_key(node["c"][2][0])), out)
        elif t == "Span":
            _inlines(node["c"][1], marks, out)
        elif t == "Image":
            alt: list[Piece] = []
            _inlines(node["c"][1], (), alt)
            out.append((OBJECT, _add(marks, "img:" + plain(alt))))


FORMATS = {"Emph": "i", "Strong": "b", "Strikeout": "s", "Superscript": "sup", "Subscript": "sub"}

"""The writer of edited blocks (roundtrip/markdown.py): what it writes reads back as what Word showed."""

from __future__ import annotations

import json

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_markdown_writer import PARAGRAPH, _ast, _spans

from converter import pandoc
from converter.roundtrip.ir import merge_pieces
from converter.roundtrip.markdown import PROTECTED, Context, HouseStyle, markdown

MARKS = {
    "plain": (),
    "Strong": ("b",),
    "Emph": ("i",),
    "Code": ("c",),
    "Link": ("a:https://example.org/(a)",),
}


def _ir(paragraph: list[tuple[str, str]]) -> tuple:
    """The paragraph as the reader gives it from Word: (text, marks) pieces, a line break as "\\n"."""
    pieces = []
    for style, text in paragraph:
        if style == "LineBreak":
            pieces.append(("\n" + text, ()))
        else:
            pieces.append((text, MARKS[style]))
    return ("p", None, 0, merge_pieces(pieces))


def _typed(paragraph: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Text typed in Word that is not tag-like (a `<b>` typed in Word goes back as HTML, on purpose);
    code without spaces at its ends (Word shows them; Markdown code spans trim one)."""
    out = []
    for style, text in paragraph:
        assume(not PROTECTED.search(text))
        if style == "Code":
            text = text.strip() or "x"
        out.append((style, text))
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=4))
def it_writes_edited_text_that_reads_back_as_what_word_showed(paragraphs):
    paragraphs = [_typed(p) for p in paragraphs]
    written = markdown([_ir(p) for p in paragraphs], HouseStyle(), Context(lambda url: url))
    back = json.loads(pandoc.run(["--from=gfm-autolink_bare_uris-emoji", "--to=json"], written.encode()))
    read = [_spans(b["c"]) for b in back["blocks"] if b["t"] in ("Para", "Plain")]
    wanted = [_spans(_ast(p)["c"]) for p in paragraphs]
    assert [s for s in read if s] == [s for s in wanted if s], written


def it_writes_a_line_break_in_a_table_cell_as_br():
    """A hard break would end the table row: a cell's break is written <br>."""
    a, b = ("compact", None, 0, (("a", ()),)), ("compact", None, 0, (("b\nc", ()),))
    table = ("tbl", (((a,),), ((b,),)))  # rows of cells of paragraphs
    written = markdown([table], HouseStyle(), Context(lambda url: url))
    assert written == "| a |\n|---|\n| b<br>c |\n"

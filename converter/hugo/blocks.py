"""mistune's block parser, made to read blocks as Hugo's goldmark does where the two differ.

mistune 3.4 passes 648 of the 652 examples of the CommonMark spec (whitespace between tags aside); goldmark
passes them all. What Hugo content hits beyond the spec, each checked against Hugo's own output:

- a line of spaces is blank: mistune took a line of four or more spaces for indented code, which cannot
  interrupt a paragraph, so it glued the next paragraph to the one before;
- a block quote's lazy continuation is paragraph text only: mistune drew an ATX heading that follows a
  quote line inside the quote;
- GFM tables are goldmark's (extension/table.go): a paragraph transformed once it is complete. The table
  starts at the line above a delimiter row whose cell count equals that line's, so it may follow
  paragraph lines; every later line of the paragraph is a row, pipes or not; a row is cut at every `|`
  not right after a backslash, inside links and code too; cells beyond the header's are dropped, missing
  ones are empty; a `\\|` inside code shows as `|`.

Where Hugo's reading is one authors rarely mean (a row with more cells than its header, a `|` that cuts a
link, a line without `|` that becomes a row, a list item indented so far under paragraph text that it is
text), the token gets ``_notes``: (line offset, code, message), which ``aix check`` reports as warnings,
and ``_anchor``: its first line, by which the reader finds the line of a token inside a list or quote.

Every token keeps the offset where it starts (``_pos``), so that the model knows each block's lines.
"""

from __future__ import annotations

import re

from mistune import list_parser
from mistune.block_parser import BlockParser, _parse_block_quote_line
from mistune.core import BlockState
from mistune.util import expand_leading_tab, expand_tab

from ..model import Token


class PositionedState(BlockState):
    """Block state that remembers where each paragraph starts."""

    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        if last and last["type"] == "paragraph":
            last["text"] += text
        else:
            self.tokens.append({"type": "paragraph", "text": text, "_pos": self.cursor})


class PositionedBlockParser(BlockParser):
    """Block parser that stamps each token with the offset where its match began, with goldmark's rules
    for blank lines and for what a block quote's lazy continuation may be."""

    state_cls = PositionedState
    SPECIFICATION = {
        **BlockParser.SPECIFICATION,
        # mistune's, with a first line that holds more than spaces
        "indent_code": (
            r"^(?: {4}| *\t)[^\n]*[^\s][^\n]*(?:\n+|$)"
            r"((?:(?: {4}| *\t)[^\n]+(?:\n+|$))|\s)*"
        ),
    }

    def parse(self, state, rules=None):
        """Parse blocks, then turn paragraphs into tables as goldmark does when a paragraph closes (before a
        list item's looseness is decided)."""
        super().parse(state, rules)
        state.tokens = tables(state.tokens)

    def parse_method(self, m, state):
        n = len(state.tokens)
        end = super().parse_method(m, state)
        for tok in state.tokens[max(n - 2, 0) :]:  # mistune may insert a token just before the last one
            tok.setdefault("_pos", m.start())
        return end

    def _parse_indent_code_fast(self, state):
        if not state.get_text(state.find_line_end()).strip():
            return None  # a blank line, however many spaces it has: the blank_line rule takes it
        n, pos = len(state.tokens), state.cursor
        end = super()._parse_indent_code_fast(state)
        for tok in state.tokens[n:]:
            tok.setdefault("_pos", pos)
        return end

    def extract_block_quote(self, m: re.Match[str], state: BlockState) -> tuple[str, int | None, set[int]]:
        """mistune's, with an ATX heading among the lines that end a quote instead of continuing it
        lazily (CommonMark: only paragraph text continues lazily)."""
        text = _parse_block_quote_line(state.get_line(state.cursor))
        assert text is not None  # the block_quote rule matched this line
        lazy_line_starts: set[int] = set()
        require_marker = bool(self.compile_sc(["blank_line", "indent_code", "fenced_code"]).match(text))
        state.cursor += len(state.get_line(state.cursor))
        end_pos = None
        if require_marker:
            while state.cursor < state.cursor_max:
                quote = _parse_block_quote_line(state.get_line(state.cursor))
                if quote is None:
                    break
                text += quote
                state.cursor += len(state.get_line(state.cursor))
        else:
            prev_blank_line = False
            break_sc = self.compile_sc(
                ["blank_line", "thematic_break", "fenced_code", "atx_heading", "list", "block_html"]
            )
            while state.cursor < state.cursor_max:
                quote = _parse_block_quote_line(state.get_line(state.cursor))
                if quote is not None:
                    text += quote
                    state.cursor += len(state.get_line(state.cursor))
                    prev_blank_line = not quote.strip()
                    continue
                if prev_blank_line:
                    break  # CommonMark example 249: laziness needs a paragraph line before
                m4 = break_sc.match(state.src, state.cursor)
                if m4:
                    end_pos = self.parse_method(m4, state)
                    if end_pos:
                        break
                line = state.get_line(state.cursor)  # a lazy continuation line
                lazy_line_starts.add(len(text))
                text += expand_leading_tab(line, 3)
                state.cursor += len(line)
        return expand_tab(text), end_pos, lazy_line_starts


# goldmark's delimiter cells: `\s` in Go's regexp is [\t\n\f\r ]
DELIMITERS = (
    (re.compile(r"^[\t\n\f\r ]*:-+[\t\n\f\r ]*$"), "left"),
    (re.compile(r"^[\t\n\f\r ]*-+:[\t\n\f\r ]*$"), "right"),
    (re.compile(r"^[\t\n\f\r ]*:-+:[\t\n\f\r ]*$"), "center"),
    (re.compile(r"^[\t\n\f\r ]*-+[\t\n\f\r ]*$"), None),
)
SPACE = "\t\n\r "  # goldmark's util.IsSpace


LAZY_ITEM = re.compile(r"^(?: {4,}|\t)[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S")


def tables(tokens: list[Token]) -> list[Token]:
    """Turn the paragraphs of one block state that hold a GFM table into the paragraph before it (if any)
    and a table (the blocks inside lists, quotes and shortcodes are states of their own)."""
    out: list[Token] = []
    for tok in tokens:
        if tok["type"] in ("paragraph", "block_text") and "text" in tok:
            out.extend(_lazy_items(t) for t in _split_table(tok))
        else:
            out.append(tok)
    return out


def _lazy_items(tok: Token) -> Token:
    """Note the lines of a paragraph that look like list items but, indented four or more spaces under
    paragraph text, are text of the paragraph (indented code cannot interrupt a paragraph)."""
    if tok["type"] == "table":
        return tok
    lines = tok["text"].splitlines()
    lazy = [n for n, line in enumerate(lines) if n and LAZY_ITEM.match(line)]
    if lazy:
        more = f" and {len(lazy) - 1} more line(s) like it" if len(lazy) > 1 else ""
        message = (
            f"'{lines[lazy[0]].strip()[:40]}'{more}: indented four or more spaces under paragraph text, "
            "Hugo shows them as text of the paragraph, not as list items (indent less, or put a blank line before)"
        )
        tok.setdefault("_notes", []).append((lazy[0], "lazy-list", message))
        tok["_anchor"] = lines[0].strip()
    return tok


def _split_table(para: Token) -> list[Token]:
    lines = para["text"].splitlines(keepends=True)
    for i in range(1, len(lines)):
        aligns = _delimiter(lines[i])
        if aligns is None:
            continue
        notes: list[tuple[int, str, str]] = []
        header = _row(lines[i - 1], aligns, head=True, notes=notes, offset=0)
        if len(header) != len(aligns):
            return [para]  # goldmark stops looking at the first delimiter row whose header does not fit
        body = [
            {"type": "table_row", "children": _row(line, aligns, head=False, notes=notes, offset=n)}
            for n, line in enumerate(lines[i + 1 :], 2)
        ]
        table: Token = {
            "type": "table",
            "children": [
                {"type": "table_head", "children": header},
                {"type": "table_body", "children": body},
            ],
            "_anchor": lines[i - 1].strip(),
        }
        if notes:
            table["_notes"] = notes
        before = "".join(lines[: i - 1])
        if "_pos" in para:
            table["_pos"] = para["_pos"] + len(before)
        if not before:
            table["_whole"] = True  # made of a whole paragraph: a new node, without the blank lines before it
            return [table]
        return [{**para, "text": before}, table]
    return [para]


def _delimiter(line: str) -> list[str | None] | None:
    """parseDelimiter: the alignments of a delimiter row, or None when the line is not one."""
    if len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" ")) > 3:
        return None
    if any(c not in SPACE + "-|:" for c in line) or set(line) == {"-"}:
        return None
    cols = line.split("|")
    if not cols[0].strip(SPACE):
        cols = cols[1:]
    if cols and not cols[-1].strip(SPACE):
        cols = cols[:-1]
    aligns: list[str | None] = []
    for col in cols:
        align = next((a for pattern, a in DELIMITERS if pattern.match(col)), "none")
        if align == "none":
            return None
        aligns.append(align)
    return aligns


def _row(line: str, aligns: list[str | None], head: bool, notes: list, offset: int) -> list[Token]:
    """parseRow: a row's cells, cut at every `|` not right after a backslash. `notes` gets what the author
    probably did not mean, at `offset` lines from the header."""
    line = line.strip(SPACE)
    if "|" not in line:
        notes.append(
            (
                offset,
                "table-row",
                f"'{line[:40]}' has no '|' but is a row of the table above it (a blank line ends a table)",
            )
        )
    pos, limit = 0, len(line)
    if line.startswith("|"):
        pos = 1
    if line.endswith("|") and limit > 0:
        limit -= 1
    cells: list[Token] = []
    while pos < limit:
        if len(cells) >= len(aligns) and not head:
            dropped = line[pos:limit].strip(SPACE)
            notes.append(
                (
                    offset,
                    "table-cells",
                    f"the row has more cells than its header: Hugo drops '{dropped[:40]}'",
                )
            )
            return cells
        close = pos
        while close < limit and not (line[close] == "|" and (close == 0 or line[close - 1] != "\\")):
            close += 1
        text = line[pos:close].strip(SPACE)
        align = aligns[len(cells)] if len(cells) < len(aligns) else None
        cell: Token = {"type": "table_cell", "text": text, "attrs": {"align": align, "head": head}}
        if "`" in text and "\\|" in text:
            cell["_code_pipes"] = True  # goldmark's tableASTTransformer: `a\|b` shows as a|b
        if close < limit and (text.count("`") % 2 or text.count("[") > text.count("]")):
            notes.append(
                (
                    offset,
                    "table-pipe",
                    f"a '|' inside a link or code cuts the cell '{text[:40]}' "
                    "(Hugo cuts at every '|'; write '\\|')",
                )
            )
        cells.append(cell)
        pos = close + 1
    while len(cells) < len(aligns):
        cells.append({"type": "table_cell", "text": "", "attrs": {"align": aligns[len(cells)], "head": head}})
    return cells


def _is_loose_list(tokens) -> bool:
    """mistune's test of a list item's blocks for looseness, as goldmark decides it: a table made of a whole
    paragraph is a new node that does not remember the blank line before it, so that blank line does not make
    the list loose (goldmark's listParser.Close asks HasBlankPreviousLines)."""
    tokens = list(tokens)
    kept = [t for n, t in enumerate(tokens) if not _blank_before_table(tokens, n)]
    return _mistune_is_loose_list(kept)


def _blank_before_table(tokens: list[Token], n: int) -> bool:
    if tokens[n]["type"] != "blank_line":
        return False
    following = next((t for t in tokens[n + 1 :] if t["type"] != "blank_line"), None)
    return following is not None and following["type"] == "table" and following.get("_whole", False)


# mistune's list parser calls the module's _is_loose_list; only tokens of this parser hold tables with _whole
_mistune_is_loose_list = list_parser._is_loose_list
list_parser._is_loose_list = _is_loose_list

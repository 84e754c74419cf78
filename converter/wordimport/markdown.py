"""Writer: pandoc's JSON AST as Markdown in the house style of the AI Exchange sources.

Pandoc's own gfm writer cannot be told the house style: it writes ``-`` bullets, a blank line between
list items read from Word, escapes every ``*``, ``_``, ``<`` and ``[`` whether or not it could be read
as markup, and needs ``--wrap=none``. This writer follows the hand-kept Markdown instead: ATX headings,
``*`` bullets indented by two spaces per level, ``1.`` numbers, ``**bold**`` and ``*italic*``, two
trailing spaces for a line break, one line per paragraph, and a backslash only where CommonMark would
otherwise read a character as markup. One method per node type, chosen by the node's name.
"""

from __future__ import annotations

import re

from ..mdescape import BREAK, Inline, escape_lines
from ..pandoc import Node

HR = "-" * 38  # the thematic break the hand-kept Markdown uses

_EMAIL = re.compile(r"^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


class MarkdownWriter:
    def __init__(self) -> None:
        self.notes: list[str] = []
        self.in_table = False

    # ---- document and blocks -------------------------------------------------------------------

    def document(self, blocks: list[Node]) -> str:
        body = self.blocks(blocks)
        if self.notes:
            body += "\n\n" + "\n".join(f"[^{i}]: {text}" for i, text in enumerate(self.notes, 1))
        return body.strip("\n") + "\n"

    def blocks(self, blocks: list[Node], tight: bool = False) -> str:
        out: list[str] = []
        previous: Node = {"t": ""}
        for block in blocks:
            text = self.block(block)
            if not text:
                continue
            if out:
                out.append(self._separator(previous, block, tight))
            out.append(text)
            previous = block
        return "".join(out)

    @staticmethod
    def _separator(previous: Node, block: Node, tight: bool) -> str:
        """A blank line between blocks; inside a tight list item a nested list follows directly, except
        an ordered list not starting at 1 (it could not interrupt the paragraph). Two ordered lists in a
        row would read as one: an empty HTML comment keeps them apart."""
        if previous["t"] == block["t"] == "OrderedList":
            return "\n\n<!-- -->\n\n"
        if tight and block["t"] == "BulletList":
            return "\n"
        if tight and block["t"] == "OrderedList" and block["c"][0][0] == 1:
            return "\n"
        return "\n\n"

    def block(self, node: Node) -> str:
        method = getattr(self, "block_" + node["t"], None)
        return method(node.get("c")) if method else ""

    def block_Para(self, inlines: list[Node]) -> str:
        return self.lines(inlines)

    block_Plain = block_Para

    def block_Header(self, c) -> str:
        level, _attr, inlines = c
        text = self.lines(inlines, one_line=True)
        return "#" * level + (" " + text if text else "")

    def block_BulletList(self, items: list[list[Node]]) -> str:
        return "\n".join(self.item("* ", blocks) for blocks in items)

    def block_OrderedList(self, c) -> str:
        (start, _style, _delim), items = c
        return "\n".join(self.item(f"{start + i}. ", blocks, 4) for i, blocks in enumerate(items))

    def item(self, marker: str, blocks: list[Node], indent: int = 2) -> str:
        """A list item; what follows its first line is indented by the marker's width (at least
        `indent`: 4 under numbers, which every Markdown reader, Python-Markdown too, nests)."""
        text = self.blocks(blocks, tight=True)
        if not text:
            return marker.rstrip()
        pad = " " * max(len(marker), indent)
        lines = text.split("\n")
        return marker + lines[0] + "".join("\n" + (pad + line if line else "") for line in lines[1:])

    def block_BlockQuote(self, blocks: list[Node]) -> str:
        return "\n".join("> " + line if line else ">" for line in self.blocks(blocks).split("\n"))

    def block_CodeBlock(self, c) -> str:
        (_id, classes, _kv), code = c
        fence = "```"
        while fence in code:
            fence += "`"
        return f"{fence}{classes[0] if classes else ''}\n{code}\n{fence}"

    def block_RawBlock(self, c) -> str:
        fmt, text = c
        return text if fmt in ("markdown", "gfm", "commonmark", "html") else ""

    def block_HorizontalRule(self, _c) -> str:
        return HR

    def block_Div(self, c) -> str:
        return self.blocks(c[1])

    def block_Figure(self, c) -> str:
        _attr, (_short, caption), blocks = c
        return self.blocks(blocks + caption)

    def block_LineBlock(self, lines: list[list[Node]]) -> str:
        joined: list[Node] = []
        for i, line in enumerate(lines):
            joined += ([{"t": "LineBreak"}] if i else []) + line
        return self.lines(joined)

    def block_DefinitionList(self, items) -> str:
        out = []
        for term, definitions in items:
            out.append("**" + self.lines(term, one_line=True) + "**")
            out += [self.blocks(d) for d in definitions]
        return "\n\n".join(out)

    def block_Table(self, c) -> str:
        """A GFM pipe table: the first row is the header (an empty one when the table has none)."""
        _attr, _caption, colspecs, head, bodies, foot = c
        rows = [self._row(r) for r in head[1]]
        for body in bodies:
            rows += [self._row(r) for r in body[2] + body[3]]
        rows += [self._row(r) for r in foot[1]]
        width = max([len(colspecs)] + [len(r) for r in rows])
        if not rows:
            return ""
        rows = [r + [""] * (width - len(r)) for r in rows]
        if not head[1]:
            rows.insert(0, [""] * width)
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(["---"] * width) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)

    def _row(self, row) -> list[str]:
        cells = []
        self.in_table = True
        try:
            for cell in row[1]:
                _attr, _align, _rowspan, colspan, blocks = cell
                parts = [self.lines(self._inlines_of(b), one_line=True) for b in blocks]
                cells.append("<br>".join(p for p in parts if p))
                cells += [""] * (colspan - 1)
        finally:
            self.in_table = False
        return cells

    def _inlines_of(self, block: Node) -> list[Node]:
        if block["t"] in ("Para", "Plain", "Header"):
            return block["c"][-1] if block["t"] == "Header" else block["c"]
        text = self.block(block).replace("\n", " ")
        return [{"t": "RawInline", "c": ["markdown", text]}]

    # ---- inlines --------------------------------------------------------------------------------

    def lines(self, inlines: list[Node], one_line: bool = False) -> str:
        """Inline content as lines: no wrapping, edges trimmed, two trailing spaces per hard break."""
        # a heading or a table cell is one line that cannot start a block: no escapes at its start
        rendered = escape_lines(self.inlines(_normalize(inlines)), not one_line, self.in_table)
        return (" " if one_line else "  \n").join(rendered)

    def inlines(self, inlines: list[Node]) -> list[Inline]:
        out: list[Inline] = []
        for node in inlines:
            method = getattr(self, "inline_" + node["t"], None)
            if method:
                out += method(node.get("c"))
        return out

    def inline_Str(self, text: str) -> list[Inline]:
        return [Inline(text, False)]

    def inline_Space(self, _c) -> list[Inline]:
        return [Inline(" ", False)]

    inline_SoftBreak = inline_Space

    def inline_LineBreak(self, _c) -> list[Inline]:
        return [Inline(BREAK, True)]

    def _wrapped(self, mark: str, inlines: list[Node], html: str) -> list[Inline]:
        inner = self.inlines(inlines)
        if not any(p.text.strip() for p in inner):
            return inner
        return [Inline(mark, True, html), *inner, Inline(mark, True, html, closing=True)]

    def inline_Strong(self, inlines) -> list[Inline]:
        return self._wrapped("**", inlines, "strong")

    def inline_Emph(self, inlines) -> list[Inline]:
        return self._wrapped("*", inlines, "em")

    def inline_Strikeout(self, inlines) -> list[Inline]:
        return self._wrapped("~~", inlines, "del")

    def inline_Superscript(self, inlines) -> list[Inline]:
        return [Inline("<sup>", True), *self.inlines(inlines), Inline("</sup>", True)]

    def inline_Subscript(self, inlines) -> list[Inline]:
        return [Inline("<sub>", True), *self.inlines(inlines), Inline("</sub>", True)]

    def inline_Underline(self, inlines) -> list[Inline]:
        return self.inlines(inlines)

    inline_SmallCaps = inline_Underline

    def inline_Span(self, c) -> list[Inline]:
        return self.inlines(c[1])

    def inline_Cite(self, c) -> list[Inline]:
        return self.inlines(c[1])

    def inline_Quoted(self, c) -> list[Inline]:
        kind, inlines = c
        q = ("\u201c", "\u201d") if kind["t"] == "DoubleQuote" else ("\u2018", "\u2019")
        return [Inline(q[0], False), *self.inlines(inlines), Inline(q[1], False)]

    def inline_Code(self, c) -> list[Inline]:
        code = c[1].replace("\n", " ")
        ticks = "`"
        while ticks in code:
            ticks += "`"
        edges = code[:1] + code[-1:]
        # CommonMark drops one space at each end when both are there: give it one to drop
        pad = " " if "`" in edges or (edges == "  " and code.strip()) else ""
        return [Inline(f"{ticks}{pad}{code}{pad}{ticks}", True)]

    def inline_Math(self, c) -> list[Inline]:
        return [Inline(f"${c[1]}$", True)]

    def inline_RawInline(self, c) -> list[Inline]:
        fmt, text = c
        return [Inline(text, True)] if fmt in ("markdown", "gfm", "html") else []

    def inline_Link(self, c) -> list[Inline]:
        _attr, inlines, (url, title) = c
        text = "".join(p.text for p in self.inlines(inlines))
        if url and text == url and re.match(r"^https?://[^\s<>]*$", url):
            return [Inline(f"<{url}>", True)]
        if url == "mailto:" + text and _EMAIL.match(text):
            return [Inline(text, True)]  # GFM links an e-mail address by itself, as the sources write it
        inner = self.inlines(inlines) or [Inline(url, False)]
        for piece in inner:
            piece.in_link = not piece.markup
        return [Inline("[", True), *inner, Inline("](" + _destination(url, title) + ")", True)]

    def inline_Image(self, c) -> list[Inline]:
        _attr, inlines, (url, title) = c
        alt = " ".join(p.text for p in self.inlines(inlines) if not p.markup).replace("]", "\\]")
        return [Inline(f"![{' '.join(alt.split())}]({_destination(url, title)})", True)]

    def inline_Note(self, blocks) -> list[Inline]:
        lines = self.blocks(blocks).split("\n")
        self.notes.append("\n".join([lines[0]] + ["    " + line if line else "" for line in lines[1:]]))
        return [Inline(f"[^{len(self.notes)}]", True)]

    # ---- escaping -------------------------------------------------------------------------------


def _destination(url: str, title: str) -> str:
    if re.search(r"[\s<>]", url) or url.count("(") != url.count(")"):
        url = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")
        url = url.replace(">", "%3E")
    if title:
        return url + ' "' + title.replace('"', '\\"') + '"'
    return url


_EMPHASIS = ("Strong", "Emph", "Strikeout")


def _normalize(inlines: list[Node]) -> list[Node]:
    """Move spaces and line breaks out of the edges of emphasis, merge neighbours, drop empty ones."""
    out: list[Node] = []
    for node in inlines:
        t = node["t"]
        if t in _EMPHASIS:
            inner = _normalize(node["c"])
            if t == "Strong":  # **a **b** c** reads back as one span: flatten
                inner = [n for x in inner for n in (x["c"] if x["t"] == "Strong" else [x])]
            lead: list[Node] = []
            trail: list[Node] = []
            while inner and inner[0]["t"] in ("Space", "SoftBreak", "LineBreak"):
                lead.append(inner.pop(0))
            while inner and inner[-1]["t"] in ("Space", "SoftBreak", "LineBreak"):
                trail.insert(0, inner.pop())
            inner = _strip_edge_text(inner)
            out += lead
            if inner:
                if out and out[-1]["t"] == t:
                    out[-1] = {"t": t, "c": out[-1]["c"] + inner}
                else:
                    out.append({"t": t, "c": inner})
            out += trail
        elif t in ("Span", "Underline", "SmallCaps"):
            out += _normalize(node["c"][1] if t == "Span" else node["c"])
        elif t == "Code" and out and out[-1]["t"] == "Code":  # `a``b` would read as one span anyway
            out[-1] = {"t": "Code", "c": [out[-1]["c"][0], out[-1]["c"][1] + node["c"][1]]}
        elif t == "Link":  # a link inside a link cannot be written: keep the inner one's text
            attr, inner, target = node["c"]
            out.append({"t": "Link", "c": [attr, _unlink(_normalize(inner)), target]})
        else:
            out.append(node)
    return out


def _unlink(inlines: list[Node]) -> list[Node]:
    out: list[Node] = []
    for node in inlines:
        if node["t"] == "Link":
            out += _unlink(node["c"][1])
        elif node["t"] in _EMPHASIS:
            out.append({"t": node["t"], "c": _unlink(node["c"])})
        else:
            out.append(node)
    return out


def _strip_edge_text(inner: list[Node]) -> list[Node]:
    """Whitespace at the edges of the first and last Str inside emphasis (Word runs often carry it)."""
    if inner and inner[0]["t"] == "Str" and inner[0]["c"] != inner[0]["c"].lstrip():
        inner = [{"t": "Str", "c": inner[0]["c"].lstrip()}] + inner[1:]
    if inner and inner[-1]["t"] == "Str" and inner[-1]["c"] != inner[-1]["c"].rstrip():
        inner = inner[:-1] + [{"t": "Str", "c": inner[-1]["c"].rstrip()}]
    return [n for n in inner if not (n["t"] == "Str" and n["c"] == "")]

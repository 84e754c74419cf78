"""Writer: what Word shows (ir) back to Markdown, in the house style of the page it goes into.

Only edited blocks are written this way, and `merge3.merge3` then keeps every part of the block that the
edit did not touch exactly as it was in the source; so this writer decides how *new* text looks: the page's
list markers and indentation, its emphasis markers and hard-break style, links as /go/ permalinks when a
redirect names the target, minimal escapes, one line per paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ..mdescape import BREAK, Inline, escape_line, escape_lines
from .ir import IR, OBJECT, Piece, link_groups, plain
from .styles import RULE_TEXT

LIST_LINE = re.compile(r"^((?:>[ ]?)*)([ ]*)([-*+]|\d{1,9}[.)])([ ]+|$)")
FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
PROTECTED = re.compile(
    r"\{\{[<%].*?[%>]\}\}|<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|https?://\S+", re.S
)
ORDER = ("b", "i", "s")
TAGS = {"b": "strong", "i": "em", "s": "del"}  # the HTML of an emphasis CommonMark would not read


# Each either-or of the house style: the setting, (the usual spelling, what counts it), (the other, its count).
# A text that uses the other more often keeps it.
CHOICES = (
    ("delim", (".", "delim."), (")", "delim)")),
    ("strong", ("**", "**"), ("__", "__")),
    ("emph", ("*", "emph*"), ("_", "emph_")),
    ("hard_break", ("  \n", "hb-space"), ("\\\n", "hb-slash")),
    ("fence", ("```", "```"), ("~~~", "~~~")),
)


@dataclass(slots=True)
class HouseStyle:
    """How a page writes what Word cannot show: read from the source block, then from the page."""

    bullets: dict[int, str] = field(default_factory=dict)  # nesting level -> '-', '*' or '+'
    indents: dict[tuple[int, bool], int] = field(default_factory=dict)  # (level, ordered) -> columns
    delim: str = "."
    start: int = 1  # the number of the block's first item when it is an ordered list (one may start at 2)
    strong: str = "**"
    emph: str = "*"
    hard_break: str = "  \n"
    fence: str = "```"
    rule: str = "---"

    @classmethod
    def of(cls, *texts: str) -> HouseStyle:
        """The style of the first text, completed from the next ones (the block, then its page)."""
        style = cls()
        seen: set[str] = set()
        for n, text in enumerate(texts):
            style._learn(text, seen, block=n == 0)
        return style

    def _learn(self, text: str, seen: set[str], block: bool = False) -> None:
        counts: Counter[str] = Counter()
        stack: list[int] = []
        in_fence = False
        for line in text.splitlines():
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            m = LIST_LINE.match(line)
            if m:
                indent, marker = len(m.group(2)), m.group(3)
                while stack and stack[-1] >= indent:
                    stack.pop()
                level = len(stack)
                stack.append(indent)
                ordered = marker[0].isdigit()
                self.indents.setdefault((level, ordered), indent)
                if block and level == 0 and "start" not in seen:
                    seen.add("start")  # only the block's first item says where its numbers start
                    self.start = int(marker[:-1]) if ordered else 1
                if ordered:
                    counts["delim" + marker[-1]] += 1
                else:
                    self.bullets.setdefault(level, marker)
            elif line.strip() and not line.startswith((" ", ">")):
                stack = []
            counts["__"] += line.count("__")
            counts["**"] += line.count("**")
            counts["hb-space"] += line.endswith("  ")
            counts["hb-slash"] += line.endswith("\\")
            counts["~~~"] += line.startswith("~~~")
            counts["```"] += line.startswith("```")
            if re.fullmatch(r"[ ]{0,3}([*_-])[ ]*(\1[ ]*){2,}", line) and "rule" not in seen:
                self.rule = line.strip()
                seen.add("rule")
            for word in re.findall(r"(?<![\w*_])([*_])(?![\s*_])[^*_\n]+?(?<![\s*_])\1(?![\w*_])", line):
                counts["emph" + word] += 1
        for setting, (usual, usual_count), (other, other_count) in CHOICES:
            if setting not in seen and (counts[usual_count] or counts[other_count]):
                setattr(self, setting, other if counts[other_count] > counts[usual_count] else usual)
                seen.add(setting)

    def bullet(self, level: int) -> str:
        return self.bullets.get(level) or self.bullets.get(0) or "-"


class Context:
    """What a writer needs to know about the page: how to write a link to a target seen in Word."""

    def __init__(self, url: Callable[[str], str]):
        self.url = url


def markdown(irs: list[IR], style: HouseStyle, ctx: Context) -> str:
    """The Markdown of a run of elements: blocks separated by blank lines, ending with a newline."""
    blocks: list[str] = []
    i = 0
    while i < len(irs):
        ir = irs[i]
        if ir[0] == "tbl":
            blocks.append(table(ir, style, ctx))
            i += 1
            continue
        kind, list_kind, _, pieces = ir
        depth = quote_depth(kind)
        if list_kind is not None:
            j = i
            while (
                j < len(irs)
                and irs[j][0] != "tbl"
                and irs[j][1] is not None
                and quote_depth(irs[j][0]) == depth
            ):
                j += 1
            blocks.append(quoted(list_block(irs[i:j], style, ctx), depth))
            i = j
            continue
        if depth:
            j = i
            while j < len(irs) and irs[j][0] == kind and irs[j][1] is None:
                j += 1
            paras = [inline(p[3], style, ctx) for p in irs[i:j] if visible(p[3])]
            if paras:
                blocks.append(quoted("\n\n".join(paras), depth))
            i = j
            continue
        i += 1
        text = block(kind, pieces, style, ctx)
        if text is not None:
            blocks.append(text)
    return "\n\n".join(blocks) + "\n" if blocks else ""


def visible(pieces: tuple[Piece, ...]) -> bool:
    return any(text.strip() for text, _ in pieces)


def quote_depth(kind: str) -> int:
    return int(kind[1:]) if kind[:1] == "q" and kind[1:].isdigit() else 0


def quoted(text: str, depth: int) -> str:
    if not depth:
        return text
    prefix = "> " * depth
    return "\n".join((prefix + line).rstrip() if line else prefix.rstrip() for line in text.split("\n"))


def block(kind: str, pieces: tuple[Piece, ...], style: HouseStyle, ctx: Context) -> str | None:
    if kind == "label":  # made from the shortcode's tag, which the source keeps: nothing to write
        return None
    if kind in ("html", "sc"):
        text = plain(pieces)
        return text if text.strip() else None
    if kind == "code":
        text = plain(pieces)
        fence = style.fence
        while fence in text:
            fence += fence[0]
        return f"{fence}\n{text}\n{fence}"
    if kind == "hr" and plain(pieces).strip() in ("", RULE_TEXT):
        return style.rule
    if not visible(pieces):
        return None
    if kind[0] == "h" and kind[1:].isdigit():
        level = min(int(kind[1:]), 6)
        text = inline(pieces, style, ctx, heading=True)
        return "#" * level + " " + text
    return inline(pieces, style, ctx)


def list_block(irs: list[IR], style: HouseStyle, ctx: Context) -> str:
    loose = any(ir[0] not in ("compact",) and quote_depth(ir[0]) == 0 and ir[0] == "p" for ir in irs)
    lines: list[str] = []
    numbers: dict[int, int] = {0: style.start - 1}  # an ordered list numbered on from the source's start
    columns: dict[int, int] = {}  # level -> content column of its current item
    for kind, list_kind, level, pieces in irs:
        if not visible(pieces) and list_kind == "cont":
            continue
        text = block(kind if kind in ("code", "html", "sc") else "p", pieces, style, ctx) or ""
        if list_kind == "cont":
            col = columns.get(level, columns.get(max(columns), 2) if columns else 2)
            lines.append("")
            lines.extend((" " * col + line) if line else "" for line in text.split("\n"))
            continue
        ordered = list_kind == "ordered"
        for deeper in [k for k in numbers if k > level]:
            del numbers[deeper]
        indent = style.indents.get((level, ordered))
        if indent is None:
            indent = columns.get(level - 1, 0) if level else 0
        if ordered:
            numbers[level] = numbers.get(level, 0) + 1
            marker = f"{numbers[level]}{style.delim}"
        else:
            numbers.pop(level, None)
            marker = style.bullet(level)
        columns[level] = indent + len(marker) + 1
        if loose and lines:
            lines.append("")
        first, *rest = text.split("\n") if text else [""]
        lines.append(f"{' ' * indent}{marker} {first}".rstrip())
        lines.extend((" " * columns[level] + line) if line else "" for line in rest)
    return "\n".join(lines)


def table(ir: IR, style: HouseStyle, ctx: Context) -> str:
    rows = ir[1]
    width = max((len(r) for r in rows), default=0)
    out = []
    for n, row in enumerate(rows):
        cells = []
        for cell in row:
            parts = [inline(p[3], style, ctx, cell=True) for p in cell if p[0] != "tbl"]
            cells.append("<br>".join(parts))
        cells += [""] * (width - len(cells))
        out.append("| " + " | ".join(cells) + " |")
        if n == 0:
            out.append("|" + "|".join(["---"] * width) + "|")
    return "\n".join(out)


# -- inline content -------------------------------------------------------------------------------------------


def inline(
    pieces: tuple[Piece, ...], style: HouseStyle, ctx: Context, heading: bool = False, cell: bool = False
) -> str:
    """One paragraph's text as Markdown, escaped by `mdescape` (CommonMark's rules, as `aix import` writes):
    line breaks as the page writes them, a space in a heading, `<br>` in a table cell."""
    groups = link_groups(pieces)
    out: list[Inline] = []
    for target, items in groups:
        body = formatted(items, style, target is not None)
        if target is None:
            out += body
        else:
            out += [Inline("[", True), *body, Inline(f"]({ctx.url(target)})", True)]
    lines = escape_lines(out, not (heading or cell), cell)
    return (" " if heading else "<br>" if cell else style.hard_break).join(lines)


def formatted(items: list[Piece], style: HouseStyle, in_link: bool = False) -> list[Inline]:
    """Inline text with emphasis markers: marks that last longer open first (outside), so a word bolded
    inside an italic phrase gives `_**word** rest_`, not `**_word_** _rest_`."""
    marker = {"b": style.strong, "i": style.emph, "s": "~~"}
    sets = []
    for text, marks in items:
        blank = not text.strip(" \t\n") and not any(m.startswith("img:") for m in marks)
        sets.append(None if blank else {m for m in ORDER if m in marks})

    def lasting(mark: str, start: int) -> int:
        n = 0
        for current in sets[start:]:
            if current is not None and mark not in current:
                break
            n += 1
        return n

    out: list[Inline] = []
    stack: list[str] = []
    pending = ""
    for index, (text, marks) in enumerate(items):
        alt = next((m[4:] for m in marks if m.startswith("img:")), None)
        current = sets[index]
        if current is None:  # blank: what is open stays open
            current = set(stack)
        k = 0
        while k < len(stack) and stack[k] in current:
            k += 1
        for m in reversed(stack[k:]):
            out.append(Inline(marker[m], True, TAGS[m], closing=True))
        stack = stack[:k]
        out += _text(pending, in_link)
        pending = ""
        lead, core, trail = _split_ws(OBJECT if alt is not None else text)
        out += _text(lead, in_link)
        opening = sorted(
            (m for m in ORDER if m in current and m not in stack), key=lambda m: -lasting(m, index)
        )
        for m in opening:
            out.append(Inline(marker[m], True, TAGS[m]))
            stack.append(m)
        tag = "sup" if "sup" in marks else "sub" if "sub" in marks else ""
        if tag:
            out.append(Inline(f"<{tag}>", True))
        if alt is not None:
            shown = escape_line([Inline(alt, False, in_link=True)], block_start=False)
            out.append(Inline(f"![{shown}]()", True))
        elif "c" in marks:
            out.append(Inline(code_span(core), True))
        else:
            out += _text(core, in_link)
        if tag:
            out.append(Inline(f"</{tag}>", True))
        pending = trail
    for m in reversed(stack):
        out.append(Inline(marker[m], True, TAGS[m], closing=True))
    out += _text(pending, in_link)
    return out


def _text(text: str, in_link: bool) -> list[Inline]:
    """Text for the escaper: line breaks as BREAK, and what Word shows as source (shortcodes, HTML tags and
    comments, bare URLs) as finished markup, since it goes back verbatim."""
    out: list[Inline] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append(Inline(BREAK, True))
        pos = 0
        for m in PROTECTED.finditer(line):
            out.append(Inline(line[pos : m.start()], False, in_link=in_link))
            out.append(Inline(m.group(0), True))
            pos = m.end()
        out.append(Inline(line[pos:], False, in_link=in_link))
    return [piece for piece in out if piece.text]


def _split_ws(text: str) -> tuple[str, str, str]:
    core = text.strip(" \t\n")
    if not core:
        return text, "", ""
    start = text.index(core[0])
    end = start + len(core)
    return text[:start], core, text[end:]


def code_span(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = (
        " "
        if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" "))
        else ""
    )
    return f"{ticks}{pad}{text}{pad}{ticks}"

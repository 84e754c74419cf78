"""Escaping for the Markdown writer: a backslash only where CommonMark/GFM would read markup.

Inline content arrives as pieces, text still to be escaped or finished markup; each character that
could be markup is looked at with its neighbours (across pieces), and emphasis delimiters are checked
against CommonMark's flanking rules, with underscores or HTML where ``*`` would not be read.
"""

from __future__ import annotations

import re

_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SETEXT_OR_RULE = re.compile(r"^(=+|-+|(\*\s*){3,}|(_\s*){3,}|(-\s*){3,})\s*$")
_ATX = re.compile(r"^#{1,6}(\s|$)")
_BULLET = re.compile(r"^[-+*](\s|$)")
_ORDERED = re.compile(r"^(\d{1,9})[.)](\s|$)")
_REF_DEF = re.compile(r"^\[[^\]]*\]:")
_SPECIAL = re.compile(r"[\\*_`~<&\[\]|!]")
BREAK = "\x00br\x00"  # the text of a markup piece that stands for a hard line break


class Inline:
    """A rendered piece of inline Markdown: text still to be escaped, or finished markup.

    Emphasis delimiters also know their HTML tag and whether they open or close, so that a pair
    CommonMark would not read as emphasis (``**(a)**b``) can be written as ``<strong>`` instead."""

    __slots__ = ("text", "markup", "tag", "closing", "in_link")

    def __init__(self, text: str, markup: bool, tag: str = "", closing: bool = False, in_link: bool = False):
        self.text = text
        self.markup = markup
        self.tag = tag
        self.closing = closing
        self.in_link = in_link  # text of a link, where brackets must be escaped


def _is_space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def _is_punct(ch: str) -> bool:
    return ch in _PUNCT or (ch != "" and not ch.isalnum() and not ch.isspace())


def escape_lines(pieces: list[Inline], block_start: bool = True, in_table: bool = False) -> list[str]:
    """Inline content as escaped lines, split at hard breaks (markup pieces holding BREAK), each trimmed;
    empty lines are left out (a line of spaces would end the paragraph)."""
    lines: list[list[Inline]] = [[]]
    for piece in pieces:
        if piece.markup and piece.text == BREAK:
            lines.append([])
        else:
            lines[-1].append(piece)
    rendered = [escape_line(trim(line), block_start, in_table) for line in lines]
    return [line for line in rendered if line]


def trim(line: list[Inline]) -> list[Inline]:
    """Drop spaces at both ends of a line (they are not markup and would indent or break it)."""
    line = list(line)
    while line and not line[0].markup and not line[0].text.strip():
        line.pop(0)
    if line and not line[0].markup:
        line[0] = Inline(line[0].text.lstrip(), False, in_link=line[0].in_link)
    while line and not line[-1].markup and not line[-1].text.strip():
        line.pop()
    if line and not line[-1].markup:
        line[-1] = Inline(line[-1].text.rstrip(), False, in_link=line[-1].in_link)
    return line


def escape_line(pieces: list[Inline], block_start: bool = True, in_table: bool = False) -> str:
    pieces = _merge_text(pieces)
    out: list[str] = []
    for i, piece in enumerate(pieces):
        if piece.markup:
            out.append(piece.text)
            continue
        before = _char_before(out, i)
        after = pieces[i + 1].text[:1] if i + 1 < len(pieces) else ""
        out.append(_escape(piece.text, before, after, block_start and not before, piece.in_link, in_table))
    _fix_flanking(pieces, out)
    return "".join(out)


def _escape(text: str, before: str, after: str, at_start: bool, in_link: bool, in_table: bool) -> str:
    """A backslash only before characters that CommonMark/GFM would read as markup here."""
    out = []
    last = 0
    for m in _SPECIAL.finditer(text):
        i = m.start()
        left = text[i - 1] if i else before
        right = text[i + 1] if i + 1 < len(text) else after
        if (in_link and text[i] in "[]") or _needs_escape(text[i], left, right, text, i, in_table):
            out.append(text[last:i] + "\\")
            last = i
    out.append(text[last:])
    result = "".join(out)
    return _escape_block_start(result) if at_start else result


def _merge_text(pieces: list[Inline]) -> list[Inline]:
    """Adjacent text pieces as one (escaping looks at neighbouring characters)."""
    out: list[Inline] = []
    for piece in pieces:
        if not piece.text:
            continue
        if not piece.markup and out and not out[-1].markup:
            out[-1] = Inline(out[-1].text + piece.text, False, in_link=piece.in_link)
        else:
            out.append(piece)
    return out


def _escape_block_start(line: str) -> str:
    """Text at the start of a line that CommonMark would read as a heading, quote, rule, link
    definition or list item keeps its meaning as text: ``\\# not a heading``, ``1\\. not a list``."""
    m = _ORDERED.match(line)
    if m:
        return line[: m.end(1)] + "\\" + line[m.end(1) :]
    if _ATX.match(line) or _SETEXT_OR_RULE.match(line) or _REF_DEF.match(line) or _BULLET.match(line):
        return "\\" + line
    if line.startswith(">"):
        return "\\" + line
    return line


def _needs_escape(ch: str, left: str, right: str, text: str, i: int, in_table: bool) -> bool:
    if ch == "\\":
        return right == "" or right in _PUNCT
    if ch == "*":
        return not (_is_space(left) and _is_space(right))
    if ch == "_":
        return not ((left.isalnum() and right.isalnum()) or (_is_space(left) and _is_space(right)))
    if ch == "`":
        return True
    if ch == "~":  # GFM strikes through between single tildes too
        return not (_is_space(left) and _is_space(right))
    if ch == "<":
        return right.isalpha() or right in ("/", "!", "?")
    if ch == "&":
        return bool(_ENTITY.match(text, i))
    if ch == "]":
        return right in ("(", "[")
    if ch == "[":
        return right == "^"
    if ch == "!":  # before a link, ![ would make it an image
        return right == "["
    if ch == "|":
        return in_table
    return False


def _fix_flanking(pieces: list[Inline], out: list[str]) -> None:
    """Emphasis pairs CommonMark would not read as written: a delimiter next to another of the same
    character (``**a***b*``) is written with underscores, and a pair that still would not open or
    close (``1**:**``) as HTML (``<strong>``)."""
    stack: list[int] = []
    for i, piece in enumerate(pieces):
        if not piece.tag:
            continue
        if not piece.closing:
            stack.append(i)
            continue
        start = stack.pop() if stack else None
        if start is None:
            continue
        if _reads(out, start, i, out[start]):
            continue
        alternative = out[start].replace("*", "_")
        if alternative != out[start] and _reads(out, start, i, alternative):
            out[start] = out[i] = alternative
        else:
            out[start], out[i] = f"<{piece.tag}>", f"</{piece.tag}>"


def _reads(out: list[str], start: int, end: int, mark: str) -> bool:
    """Whether `mark` at out[start] and out[end] would open and close emphasis there."""
    ch = mark[0]
    around = (
        _char_before(out, start),
        _char_after(out, start),
        _char_before(out, end),
        _char_after(out, end),
    )
    if ch in around:
        return False
    before, after = around[0], around[1]
    left, right = _flanking(before, after, left=True), _flanking(before, after, left=False)
    opens = left and (ch == "*" or not right or _is_punct(before))
    before, after = around[2], around[3]
    left, right = _flanking(before, after, left=True), _flanking(before, after, left=False)
    closes = right and (ch == "*" or not left or _is_punct(after))
    return opens and closes


def _char_before(out: list[str], i: int) -> str:
    return next((s[-1] for s in reversed(out[:i]) if s), "")


def _char_after(out: list[str], i: int) -> str:
    return next((s[0] for s in out[i + 1 :] if s), "")


def _flanking(before: str, after: str, left: bool) -> bool:
    """CommonMark's left-flanking (opener) or right-flanking (closer) test for a delimiter run."""
    near, far = (after, before) if left else (before, after)
    if _is_space(near):
        return False
    return not _is_punct(near) or _is_space(far) or _is_punct(far)

"""Hugo shortcode tags: {{< name args >}}, {{% name %}}, closing and self-closing forms, {{</* escaped */>}}.

Hand-written because the syntax is Hugo's own (it is not Markdown, and no Python library reads it); the
scanner follows Hugo's lexer for what the AI Exchange uses: quoted and backtick-raw arguments, named or
positional, tags spanning lines.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Shortcodes that take inner content in Hugo and the hextra theme: a missing closing tag is an error.
PAIRED = {
    "callout",
    "cards",
    "tabs",
    "tab",
    "details",
    "steps",
    "filetree",
    "folder",
    "html-tab",
    "hextra/hero-section",
}
NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*")
ARG = re.compile(r'\s*(?:([A-Za-z0-9_-]+)\s*=\s*)?("(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+)', re.S)


@dataclass(slots=True)
class Tag:
    start: int
    end: int  # just after the closing '>}}' or '%}}'
    name: str
    args_raw: str
    delim: str  # '<' or '%'
    closing: bool = False
    self_closing: bool = False
    escaped: bool = False  # {{</* ... */>}}: shown literally, not run

    def raw(self, text: str) -> str:
        return text[self.start : self.end]

    @property
    def args(self) -> dict[str, str] | list[str]:
        return parse_args(self.args_raw)

    def literal(self, text: str) -> str:
        """What Hugo prints for an escaped tag: the tag without its comment marks."""
        raw = self.raw(text)
        return re.sub(r"^\{\{([<%])/\*\s*", r"{{\1 ", re.sub(r"\s*\*/([>%])\}\}$", r" \1}}", raw))


def scan_tag(text: str, pos: int) -> Tag | None:
    """Read the tag that starts at text[pos] ('{{<' or '{{%'); None when it is not a well-formed tag."""
    if not text.startswith("{{", pos) or pos + 2 >= len(text) or text[pos + 2] not in "<%":
        return None
    delim = text[pos + 2]
    closer = (">" if delim == "<" else "%") + "}}"
    i = _skip_space(text, pos + 3)
    if text.startswith("/*", i):
        end = text.find("*/", i + 2)
        if end < 0:
            return None
        j = _skip_space(text, end + 2)
        if not text.startswith(closer, j):
            return None
        inner = text[i + 2 : end].strip()
        m = NAME.match(inner.lstrip("/").strip())
        return Tag(pos, j + 3, m.group(0) if m else "", "", delim, escaped=True)
    closing = text.startswith("/", i)
    if closing:
        i = _skip_space(text, i + 1)
    m = NAME.match(text, i)
    if not m:
        return None
    name = m.group(0)
    i = m.end()
    args_start = i
    while i < len(text):
        c = text[i]
        if c == '"':
            i = _end_of_quoted(text, i)
            if i < 0:
                return None
            continue
        if c == "`":
            j = text.find("`", i + 1)
            if j < 0:
                return None
            i = j + 1
            continue
        if text.startswith(closer, i):
            return Tag(pos, i + 3, name, text[args_start:i].strip(), delim, closing=closing)
        if c == "/" and text.startswith(closer, _skip_space(text, i + 1)):
            j = _skip_space(text, i + 1)
            return Tag(pos, j + 3, name, text[args_start:i].strip(), delim, closing, self_closing=True)
        if text.startswith("{{", i):
            return None  # a new tag starts before this one ends
        i += 1
    return None


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _end_of_quoted(text: str, i: int) -> int:
    i += 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i + 1
        i += 1
    return -1


def find_close(text: str, tag: Tag, limit: int | None = None) -> Tag | None:
    """The closing tag that pairs with an opening tag, skipping nested tags of the same name.

    Tags are paired once per text (a stack per name, as the scan below counts depth), so a page of
    thousands of unclosed tags costs linear time, not a scan to the end for each."""
    if limit is None:
        starts, pairs = _pairs(text)
        if tag.start in starts:
            return pairs.get(tag.start)
    depth = 0
    pos = tag.end
    end = len(text) if limit is None else limit
    while True:
        pos = text.find("{{", pos, end)
        if pos < 0:
            return None
        other = scan_tag(text, pos)
        if other is None or other.escaped:
            pos += 2
            continue
        if other.name == tag.name and not other.self_closing:
            if other.closing:
                if depth == 0:
                    return other
                depth -= 1
            else:
                depth += 1
        pos = other.end


@functools.lru_cache(maxsize=32)
def _pairs(text: str) -> tuple[frozenset[int], dict[int, Tag]]:
    """Every tag of a text in the order find_close meets them (their starts), and each opening tag's
    closing tag by its start."""
    starts: set[int] = set()
    pairs: dict[int, Tag] = {}
    open_: dict[str, list[int]] = {}
    pos = 0
    while (pos := text.find("{{", pos)) >= 0:
        tag = scan_tag(text, pos)
        if tag is None or tag.escaped:
            pos += 2
            continue
        starts.add(tag.start)
        if not tag.self_closing:
            stack = open_.setdefault(tag.name, [])
            if not tag.closing:
                stack.append(tag.start)
            elif stack:
                pairs[stack.pop()] = tag
        pos = tag.end
    return frozenset(starts), pairs


def parse_args(raw: str) -> dict[str, str] | list[str]:
    """Named arguments as a dict, positional ones as a list (Hugo does not allow a mix)."""
    named: dict[str, str] = {}
    positional: list[str] = []
    for m in ARG.finditer(raw):
        value = m.group(2)
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        elif value.startswith("`"):
            value = value[1:-1]
        if m.group(1):
            named[m.group(1)] = value
        else:
            positional.append(value)
    return named if named else positional

"""Markdown in: mistune configured as Hugo's goldmark reads AI Exchange pages.

Adds what Hugo content needs and mistune lacks: shortcodes (block, paired and inline), heading
attributes ``{#id}``, and the source offset of every top-level block so the model knows its lines.
"""

from __future__ import annotations

import bisect
import functools
import html
import html.entities
import re
from collections.abc import Mapping

import mistune
from mistune.block_parser import BlockParser
from mistune.core import BlockState
from mistune.inline_parser import InlineParser
from mistune.plugins.formatting import strikethrough
from mistune.plugins.task_lists import task_lists
from mistune.util import escape_url

from ..errors import InputError
from ..model import Token
from . import typographer as typo
from .blocks import PositionedBlockParser
from .shortcodes import PAIRED, find_close, scan_tag

MAX_DEPTH = 50  # shortcodes inside shortcodes; the parser and the writers recurse once per level


class TooDeep(InputError):
    """Shortcodes nested past MAX_DEPTH: refused (exit 2) rather than overflowing Python's stack."""

    def __init__(self, line: int):
        super().__init__(f"shortcodes nested more than {MAX_DEPTH} deep", hint="nest them less deeply")
        self.line = line


def _nested(state, offset: int) -> int:
    """The shortcode depth of a new child state; raises TooDeep (with the offset in the page) past the limit."""
    depth = getattr(state, "_aix_depth", 0) + 1
    if depth > MAX_DEPTH:
        raise _Overflow(getattr(state, "_aix_base", 0) + offset)
    return depth


class _Overflow(Exception):
    def __init__(self, offset: int):
        self.offset = offset


def _shortcode_block(block: BlockParser, m: re.Match, state: BlockState) -> int | None:
    """A shortcode on lines of its own: standalone, or paired with its inner Markdown parsed as blocks."""
    src = state.src
    tag = scan_tag(src, m.end() - 3)
    if tag is None or tag.escaped:
        return None
    line_end = state.find_line_end_at(tag.end)
    token: Token = {
        "type": "shortcode",
        "name": tag.name,
        "args": tag.args,
        "raw": tag.raw(src),
        "delim": tag.delim,
    }
    close = None if tag.closing or tag.self_closing else find_close(src, tag)
    if close is not None:
        line_end = state.find_line_end_at(close.end)
        if src[close.end : line_end].strip():
            return None
        child = state.child_state(src[tag.end : close.start])
        # mistune's states have no field for these; `_nested` reads them back with getattr
        child._aix_depth = _nested(state, m.start())  # type: ignore[attr-defined]
        child._aix_base = getattr(state, "_aix_base", 0) + tag.end  # type: ignore[attr-defined]
        block.parse(child, [r for r in block.rules if r != "indent_code"])
        token.update(paired=True, children=child.tokens, close_raw=close.raw(src), _inner=tag.end - m.start())
    else:
        if src[tag.end : line_end].strip():
            return None  # text follows on the line: an inline shortcode in a paragraph
        if tag.closing:
            token["closing"] = True
        elif tag.name in PAIRED and not tag.self_closing:
            token["unclosed"] = True
    state.append_token(token)
    return line_end


def _shortcode_inline(inline: InlineParser, m: re.Match, state) -> int | None:
    src = state.src
    tag = scan_tag(src, m.start())
    if tag is None:
        return None
    if tag.escaped:
        state.append_token({"type": "text", "raw": tag.literal(src)})
        return tag.end
    token: Token = {
        "type": "shortcode",
        "name": tag.name,
        "args": tag.args,
        "raw": tag.raw(src),
        "inline": True,
    }
    if tag.closing:
        token["closing"] = True
    elif not tag.self_closing:
        close = find_close(src, tag)
        if close is not None:
            child = state.copy()
            child._aix_depth = _nested(state, 0)
            child.src = src[tag.end : close.start]
            token.update(paired=True, children=inline.render(child), close_raw=close.raw(src))
            state.append_token(token)
            return close.end
        if tag.name in PAIRED:
            token["unclosed"] = True
    state.append_token(token)
    return tag.end


def shortcodes(md: mistune.Markdown) -> None:
    """mistune plugin: Hugo shortcodes as 'shortcode' tokens."""
    md.block.register("shortcode", r"^[ \t]*\{\{[<%]", _shortcode_block, before="list")
    for rules in (md.block.list_rules, md.block.block_quote_rules):
        rules.insert(0, "shortcode")
    md.inline.register("shortcode", r"\{\{[<%]", _shortcode_inline, before="link", start_chars="{")


LINKIFY = r"(?:https?://|www\.)[^\s<]+"
TRAILING = "?!.,:*_~'\""


def _linkify(inline: InlineParser, m: re.Match, state) -> int | None:
    """A bare URL, cut where GitHub's extended autolinks (and goldmark's Linkify) cut it."""
    start = m.start()
    if start > 0 and not (state.src[start - 1].isspace() or state.src[start - 1] in "*_~("):
        return None
    text = m.group(0)
    if state.brackets and "]" in text:
        text = text[: text.index("]")]
    while text:
        if text[-1] in TRAILING or text[-1] == ")" and text.count(")") > text.count("("):
            text = text[:-1]
        elif text[-1] == ";" and (entity := re.search(r"&[A-Za-z0-9]+;$", text)):
            text = text[: entity.start()]
        else:
            break
    if len(text) < 5 or state.in_link or state.depth >= inline.max_nested_level:
        return None
    url = text if not text.startswith("www.") else "http://" + text
    state.append_token(
        {
            "type": "link",
            "children": [{"type": "text", "raw": text}],
            "attrs": {"url": escape_url(url)},
            "_autolink": text,
        }
    )
    return start + len(text)


def linkify(md: mistune.Markdown) -> None:
    """mistune plugin: bare URLs become links, as Hugo's goldmark Linkify extension does."""
    md.inline.register("linkify", LINKIFY, _linkify, start_chars=("h", "w"))


@functools.cache
def _markdown() -> mistune.Markdown:
    md = mistune.Markdown(renderer=None, block=PositionedBlockParser(), inline=InlineParser())
    for plugin in (strikethrough, linkify, task_lists, shortcodes, typo.register):
        plugin(md)
    return md


ATTRIBUTES = re.compile(r"(?<!\\)\{([^{}\n]*)\}[ \t]*$")
ATTRIBUTE = re.compile(r'\s*(?:#([^\s#.}]+)|\.([^\s#.}]+)|([A-Za-z_:][\w:.-]*)=("[^"]*"|\'[^\']*\'|[^\s}]+))')


def split_attributes(text: str) -> tuple[str, dict[str, str]]:
    """Split goldmark's trailing heading attributes ('{#id .class}') from a heading's text."""
    m = ATTRIBUTES.search(text)
    if not m:
        return text, {}
    attrs: dict[str, str] = {}
    inner, pos = m.group(1), 0
    while pos < len(inner.rstrip()):
        a = ATTRIBUTE.match(inner, pos)
        if not a or a.end() == pos:
            return text, {}
        if a.group(1):
            attrs["id"] = a.group(1)
        elif a.group(2):
            attrs["class"] = (attrs.get("class", "") + " " + a.group(2)).strip()
        else:
            attrs[a.group(3)] = a.group(4).strip("\"'")
        pos = a.end()
    return text[: m.start()].rstrip(), attrs


NEWLINE = re.compile("\n")


def parse_markdown(
    text: str, first_line: int = 1, typographer: Mapping[str, str] | None = None
) -> list[Token]:
    """Parse a page body into mistune tokens; top-level tokens carry '_line' (the file line they start on).

    With `typographer` (the site's substitutions, typographer.substitutions), text tokens where goldmark's
    Typographer changes something carry the text Hugo shows as 'typo'; 'raw' stays the source."""
    md = _markdown()
    src = text.replace("\r\n", "\n").replace("\r", "\n")
    if not src.endswith("\n"):
        src += "\n"
    state = md.block.state_cls()
    state.process(src)
    starts = [0] + [m.end() for m in NEWLINE.finditer(src)]
    try:
        md.block.parse(state)
    except _Overflow as e:
        raise TooDeep(bisect.bisect_right(starts, e.offset) - 1 + first_line) from None
    _place(state.tokens, 0, starts, first_line)
    _mark_loose(state.tokens)
    typo.reset(state.env)
    for tok in state.tokens:
        try:
            _inline(md, [tok], state.env, typographer)
        except _Overflow:
            raise TooDeep(tok["_line"]) from None  # inline: the line of the block that holds it
    return state.tokens


def _place(tokens: list[Token], base: int, starts: list[int], first_line: int) -> None:
    """Turn offsets into file lines, for top-level tokens and the blocks inside block shortcodes.

    Also puts the tokens back in source order: mistune can emit a block quote that a list interrupts
    after the list."""
    if all("_pos" in tok for tok in tokens):
        tokens.sort(key=lambda tok: tok["_pos"])
    _unplace_nested(tokens)
    last = first_line
    for tok in tokens:
        pos = tok.pop("_pos", None)
        if pos is not None:
            offset = base + pos
            last = tok["_line"] = bisect.bisect_right(starts, offset) - 1 + first_line
            if tok["type"] == "shortcode" and "_inner" in tok:
                _place(tok["children"], offset + tok.pop("_inner"), starts, first_line)
        else:
            tok["_line"] = last


def _mark_loose(tokens: list[Token]) -> None:
    """Mark paragraphs that start on the line after a block shortcode's last line: Hugo puts the shortcode
    in a paragraph as a placeholder, so that text is in the same <p> as the shortcode's HTML, which a
    browser (and lxml) closes before the shortcode's first block: the text stands in no <p> of its own."""
    before: Token | None = None
    for tok in tokens:
        if (
            tok["type"] == "paragraph"
            and before
            and before["type"] == "shortcode"
            and not before.get("closing")
        ):
            tok["_loose"] = True
        if tok["type"] == "shortcode" and tok.get("children"):
            _mark_loose(tok["children"])
        before = tok


def _unplace_nested(tokens: list[Token]) -> None:
    """Order the blocks inside lists and quotes too (their offsets are relative to their own text)."""
    for tok in tokens:
        children = tok.get("children")
        if children and tok["type"] != "shortcode":
            if all("_pos" in c for c in children):
                children.sort(key=lambda c: c["_pos"])
            for child in children:
                child.pop("_pos", None)
            _unplace_nested(children)


def _inline(md: mistune.Markdown, tokens: list[Token], env, subs: Mapping[str, str] | None) -> None:
    for tok in tokens:
        if "children" in tok:
            if tok["type"] == "shortcode" and tok.get("inline"):
                continue  # parsed with the paragraph that holds it
            if tok["type"] == "shortcode" and tok.get("delim", "<") == "<":
                outer = typo.reset(env)  # Hugo renders {{< >}} content as a document of its own
                _inline(md, tok["children"], env, subs)
                env[typo.QUOTES] = outer
            else:
                _inline(md, tok["children"], env, subs)
        elif "text" in tok:
            text = tok.pop("text")
            if tok["type"] == "heading":
                text, attrs = split_attributes(text.strip())
                if attrs:
                    tok["attrs"].update(attrs)
            tok["children"] = typo.settle(md.inline(text.strip(" \r\n\t\f"), env), subs)
            if tok.pop("_code_pipes", False):
                for child in tok["children"]:
                    if child["type"] == "codespan":
                        child["raw"] = child["raw"].replace("\\|", "|")


ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{0,31}));")


def unescape(text: str) -> str:
    """Character references as CommonMark (and goldmark) reads them: named ones of HTML5 and numeric ones,
    each with its semicolon (`&not` of `&notanentity;` stays, where html.unescape takes it for `&not;`)."""

    def character(m: re.Match) -> str:
        if m.group(3):
            return html.entities.html5.get(m.group(3) + ";", m.group(0))
        code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return ENTITY.sub(character, text) if "&" in text else text


def plain_text(children: list[Token] | None, breaks: str = " ", typographer: bool = False) -> str:
    """The text a reader sees: link and emphasis reduced to their text, raw HTML tags dropped.

    With typographer, quotes and dashes as goldmark's Typographer prints them (when the tokens were parsed
    with it), which matters for anchors too: '--' is a dash, not two hyphens."""
    out: list[str] = []
    for tok in children or ():
        kind = tok["type"]
        if kind == "text":
            out.append(unescape(typo.shown(tok) if typographer else tok["raw"]))
        elif kind == "codespan":
            out.append(tok["raw"])
        elif kind in ("linebreak", "softbreak"):
            out.append(breaks)
        elif kind == "inline_html":
            continue
        elif "children" in tok:
            out.append(plain_text(tok["children"], breaks, typographer))
    return "".join(out)


def anchor_text(children: list[Token] | None, typographer: bool = True) -> str:
    """The text Hugo makes a heading's id from: its plain text, and of a multi-line (setext) heading
    only the last line."""
    return plain_text(children, "\n", typographer).split("\n")[-1]

"""goldmark's Typographer extension (on in Hugo unless the site turns it off), as a mistune inline rule.

Hugo prints ``who's`` as ``who’s``, ``--`` as ``–``, ``<<`` as ``«``. Which quote a ``'`` or ``"`` becomes
depends on the characters around it in the source and on the quotes still open in the block, so it is
decided while the inline source is scanned, by a port of goldmark's ``extension/typographer.go``
(v1.8, the version Hugo 0.168 builds with), byte offsets and quirks included: ``'twas``, ``'90s``, and a
``'`` before two more characters that opens nothing closes (goldmark's operator precedence).

The rule emits ``typo`` tokens; `settle` then joins them back into the text tokens around them, which keep
the source as mistune gives it (``raw``, what the Word snapshot and `aix sync` see) and get ``typo``: the
same text with the site's substitutions (what HTML, PDF, contents and bookmarks show).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, MutableMapping
from typing import Any

# mistune joins text tokens except across a possible character reference (`&` + `amp;`); so does settle()
from mistune._inline.emphasis import is_entity_boundary
from mistune.inline_parser import InlineParser

from ..model import Token

# Hugo's defaults (markup.goldmark.extensions.typographer), by the config key that overrides each
SUBSTITUTIONS = {
    "leftSingleQuote": "&lsquo;",
    "rightSingleQuote": "&rsquo;",
    "leftDoubleQuote": "&ldquo;",
    "rightDoubleQuote": "&rdquo;",
    "enDash": "&ndash;",
    "emDash": "&mdash;",
    "ellipsis": "&hellip;",
    "leftAngleQuote": "&laquo;",
    "rightAngleQuote": "&raquo;",
    "apostrophe": "&rsquo;",
}
PATTERN = r"---|--|\.\.\.|<<|>>|['\"]"
# The env key of the quotes left open (goldmark's unclosedCounter). goldmark means to reset it at the end
# of each block, but its CloseBlock lacks the `block` argument of parser.CloseBlocker and is never called:
# the count runs through the whole page, and a quote left open in one paragraph is closed in another.
QUOTES = "_typographer_quotes"
ASCII_PUNCT = frozenset(b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
ASCII_SPACE = frozenset(b"\t\n\r ")  # goldmark's util.IsSpace: not \v or \f


def substitutions(config: Any) -> dict[str, str] | None:
    """The site's substitutions from hugo.yaml's markup.goldmark.extensions.typographer, or None when
    the site turns the Typographer off."""
    for key in ("markup", "goldmark", "extensions", "typographer"):
        config = config.get(key) if isinstance(config, Mapping) else None
    settings = {str(k).lower(): v for k, v in config.items()} if isinstance(config, Mapping) else {}
    if settings.get("disable") is True:
        return None
    return {
        name: value if isinstance(value := settings.get(name.lower()), str) else default
        for name, default in SUBSTITUTIONS.items()
    }


def register(md) -> None:
    """mistune plugin: the typographer rule, tried last (goldmark gives it priority 9999)."""
    md.inline.register("typographer", PATTERN, _parse, start_chars=tuple("-.<>'\""))


def shown(tok: Token) -> str:
    """A text token as goldmark's Typographer prints it, when the typographer was on for its page."""
    return tok["typo"] if "typo" in tok else tok["raw"]


def reset(env: MutableMapping[str, Any]) -> list[int]:
    """A new goldmark document (a page, or a {{< >}} shortcode's inner content): no quotes open. Returns
    the count it replaces."""
    previous = env.get(QUOTES, [0, 0])
    env[QUOTES] = [0, 0]
    return previous


RUNS = {"'": re.compile("'+"), '"': re.compile('"+')}
LONG = 1 << 30  # a line length past every length goldmark compares with


def _parse(inline: InlineParser, m: re.Match, state) -> int | None:
    src, pos = state.src, m.start()
    found = m.group(0)
    if found[0] in "-.<>":
        kind = {"---": "emDash", "--": "enDash", "...": "ellipsis", "<<": "leftAngleQuote"}.get(found)
        kind = kind or "rightAngleQuote"
    else:
        end = _line_end(state, pos)  # goldmark's line: the rest of the line, its newline included
        run = RUNS[found].match(src, pos).end() - pos  # type: ignore[union-attr]
        head = src[pos : min(end, pos + run + 4)]  # every byte goldmark looks at, without copying the line
        line = head.encode("utf-8")
        n = len(line) if pos + len(head) == end else LONG
        before = src[pos - 1] if pos > 0 else "\n"
        quotes = state.env.setdefault(QUOTES, [0, 0])
        kind = _quote(line, n, run, before, quotes)
        if kind is None:
            return None
        found = found[0]
    state.append_token({"type": "typo", "raw": found, "kind": kind})
    return pos + len(found)


def _line_end(state, pos: int) -> int:
    """The offset after the line holding pos (after its newline), found once per line."""
    cached = getattr(state, "_typographer_line", None)
    if cached is not None and cached[0] is state.src and cached[1] <= pos < cached[2]:
        return cached[2]
    newline = state.src.find("\n", pos)
    end = len(state.src) if newline < 0 else newline + 1
    start = state.src.rfind("\n", 0, pos) + 1
    state._typographer_line = (state.src, start, end)
    return end


def _quote(line: bytes, n: int, run: int, before: str, quotes: list[int]) -> str | None:
    """typographerParser.Parse for a ' or ": the kind of quote, or None to leave it as it is. `line` holds
    the first bytes of goldmark's line, `n` its length, `run` the length of the run of this quote."""
    c = line[0]
    can_open, can_close = _flanking(line, n, run, before)
    if c == ord("'"):
        if (
            can_open
            and not can_close
            and n > 3
            and _digit(line[1])
            and _digit(line[2])
            and line[3] == ord("s")
        ):
            after = _rune(line, 4) if n > 4 else " "
            if n == 3 or _space_rune(after) or _punct_rune(after):
                return "apostrophe"  # '90s
        if n > 1 and (_go_punct(before) or _go_space(before)) and line[1] in b"tenl":
            return "apostrophe"  # 'twas, 'em, 'net
        if n > 1 and (_go_digit(before) or _go_letter(before)) and _go_letter(_rune(line, 1)):
            return "apostrophe"
        if can_open and not can_close:
            kind = "leftSingleQuote"
            if n > 1 and line[1] in b"smtd" and (n < 3 or line[2] in ASCII_PUNCT or line[2] in ASCII_SPACE):
                kind = "rightSingleQuote"  # Alice's, I'm, Don't, You'd
            if (
                n > 2
                and line[1:3] in (b"ve", b"ll", b"re")
                and (n < 4 or line[3] in ASCII_PUNCT or line[3] in ASCII_SPACE)
            ):
                kind = "rightSingleQuote"  # I've, I'll, You're
            if kind == "leftSingleQuote":
                quotes[0] += 1
            return kind
        if n > 2 and not _go_digit(_rune(line, 1)):
            return "rightSingleQuote"  # goldmark: `len > 1 && IsSpace(') || IsPunct(') && (len > 2 && ...)`
        if quotes[0] > 0 and _closes(line, n, can_open, can_close):
            quotes[0] -= 1
            return "rightSingleQuote"
        return None
    if can_open and not can_close:
        quotes[1] += 1
        return "leftDoubleQuote"
    if quotes[1] > 0 and _closes(line, n, can_open, can_close):
        if n > 1 and line[1] == ord('"') and _go_digit(before):
            return None  # "Monitor 21""
        quotes[1] -= 1
        return "rightDoubleQuote"
    return None


def _closes(line: bytes, n: int, can_open: bool, can_close: bool) -> bool:
    maybe = (
        can_close
        and can_open
        and n > 1
        and _go_punct(_rune(line, 1))
        and (n == 2 or (n > 2 and line[2] in ASCII_PUNCT) or line[2] in ASCII_SPACE)
    )
    return (can_close and not can_open) or maybe


def _flanking(line: bytes, n: int, run: int, before: str) -> tuple[bool, bool]:
    """parser.ScanDelimiter: whether the run of line[0] (`run` bytes long) can open and can close."""
    after = _rune(line, run) if run < n else " "
    before_punct, before_space = _punct_rune(before), _space_rune(before)
    after_punct, after_space = _punct_rune(after), _space_rune(after)
    left = not after_space and (not after_punct or before_space or before_punct)
    right = not before_space and (not before_punct or after_space or after_punct)
    return left, right


def _rune(line: bytes, i: int) -> str:
    """util.ToRune: the character whose UTF-8 bytes hold byte i."""
    while i > 0 and line[i] & 0xC0 == 0x80:
        i -= 1
    return line[i : i + 4].decode("utf-8", errors="ignore")[:1] or "\ufffd"


def _digit(b: int) -> bool:
    return 0x30 <= b <= 0x39


def _go_punct(r: str) -> bool:  # unicode.IsPunct
    return unicodedata.category(r).startswith("P")


def _go_space(r: str) -> bool:  # unicode.IsSpace
    return r.isspace()


def _go_digit(r: str) -> bool:  # unicode.IsDigit
    return unicodedata.category(r) == "Nd"


def _go_letter(r: str) -> bool:  # unicode.IsLetter
    return unicodedata.category(r).startswith("L")


def _punct_rune(r: str) -> bool:  # util.IsPunctRune
    return unicodedata.category(r)[0] in "PS"


def _space_rune(r: str) -> bool:  # util.IsSpaceRune
    return ord(r) in ASCII_SPACE or r.isspace()


def settle(tokens: list[Token], subs: Mapping[str, str] | None) -> list[Token]:
    """Join typo tokens back into the text around them, as mistune joins text; each text token that held
    one gets ``typo``, its text with `subs` (none without them: the source text only, as mistune gives it)."""
    out: list[Token] = []
    raw: list[str] = []
    shown: list[str] = []
    typographic = False

    def flush() -> None:
        nonlocal typographic
        if raw:
            tok: Token = {"type": "text", "raw": "".join(raw)}
            if typographic:
                tok["typo"] = "".join(shown)
            out.append(tok)
        raw.clear()
        shown.clear()
        typographic = False

    for tok in tokens:
        kind = tok["type"]
        if kind not in ("text", "typo"):
            flush()
            if "children" in tok:
                tok["children"] = settle(tok["children"], subs)
            out.append(tok)
            continue
        if raw and is_entity_boundary(raw[-1], tok["raw"]):
            flush()
        raw.append(tok["raw"])
        if kind == "typo" and subs is not None:
            shown.append(subs[tok["kind"]])
            typographic = True
        else:
            shown.append(tok["raw"])
    flush()
    return out

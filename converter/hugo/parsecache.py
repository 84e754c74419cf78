"""Parsed pages kept between builds. `aix pdf` reads every source again on a rebuild, and parsing the
Markdown is three quarters of that (0.6 s of 0.8 s on aix-2026), while an edit touches one page.

A page's tokens depend only on its body, the line it starts on, the Typographer's substitutions and the
parser's own code (this package's files and mistune's version): all of it is in the key. They are kept
as JSON, which holds nothing but data (no pickle: the folder may be shared); a file that does not read
back as a list of tokens is parsed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from functools import cache
from importlib.metadata import version
from pathlib import Path

from ..fileio import write_atomic
from ..model import Token

PREFIX = "md-"


class ParseCache:
    """A folder of parsed pages; `used` names the files this build read or wrote (the rest may go)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()

    def tokens(
        self,
        text: str,
        first_line: int,
        subs: Mapping[str, str] | None,
        parse: Callable[[str, int, Mapping[str, str] | None], list[Token]],
    ) -> list[Token]:
        key = hashlib.sha256(
            json.dumps([_parser_identity(), text, first_line, subs and sorted(subs.items())]).encode()
        ).hexdigest()[:32]
        file = self.folder / f"{PREFIX}{key}.json"
        self.used.add(file.name)
        try:
            tokens = json.loads(file.read_bytes())
            if isinstance(tokens, list) and all(isinstance(t, dict) and "_line" in t for t in tokens):
                return tokens
        except (OSError, ValueError):
            pass
        tokens = parse(text, first_line, subs)
        with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
            write_atomic(file, json.dumps(tokens).encode("utf-8"))
        return tokens


_CURRENT: ContextVar[ParseCache | None] = ContextVar("parse_cache", default=None)


@contextlib.contextmanager
def kept_in(folder: Path) -> Iterator[ParseCache]:
    """While inside, pages parsed (hugo/pages.py) are read from and kept in `folder`."""
    cache = ParseCache(folder)
    token = _CURRENT.set(cache)
    try:
        yield cache
    finally:
        _CURRENT.reset(token)


def current() -> ParseCache | None:
    return _CURRENT.get()


@cache
def _parser_identity() -> str:
    digest = hashlib.sha256(version("mistune").encode())
    for file in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()

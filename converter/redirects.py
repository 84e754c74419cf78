"""Reader for firebase.json redirects, and matching a request path against them as Firebase Hosting does."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from .errors import InputError
from .model import Redirect, Site


def load_redirects(site: Site) -> None:
    """Transform: read the redirect table, keeping each rule's line in firebase.json."""
    path = site.root / "firebase.json"
    site.redirects = []
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(
            f"invalid JSON: {e.msg}", where=f"firebase.json:{e.lineno}", hint="fix the JSON"
        ) from None
    hosting = data.get("hosting") if isinstance(data, dict) else None
    if isinstance(hosting, list):
        hosting = hosting[0] if hosting else {}
    rules = (hosting or {}).get("redirects") or []
    lines = _source_lines(text, len(rules))
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        site.redirects.append(
            Redirect(
                source=str(rule.get("source") or rule.get("regex") or ""),
                destination=str(rule.get("destination") or ""),
                type=int(rule.get("type") or 301),
                line=lines[i] if i < len(lines) else 1,
                index=i,
            )
        )


def _source_lines(text: str, count: int) -> list[int]:
    """The line of each rule's "source" key inside the "redirects" array, in order."""
    start = text.find('"redirects"')
    if start < 0:
        return []
    lines = []
    for m in re.finditer(r'"(?:source|regex)"\s*:', text[start:]):
        lines.append(text.count("\n", 0, start + m.start()) + 1)
        if len(lines) == count:
            break
    return lines


def match(site: Site, path: str) -> Redirect | None:
    """The first rule whose source matches a request path; Firebase ignores a trailing slash
    (its superstatic server strips it from both) and matches case-sensitively."""
    if site.redirect_table is None or site.redirect_table[0] != len(site.redirects):
        site.redirect_table = (len(site.redirects), *_table(site.redirects))
    _, literal, globs = site.redirect_table
    key = path.rstrip("/") or "/"
    best = literal.get(key)
    for index, pattern in globs:
        if best is not None and index > best:
            break
        if pattern.match(key):
            best = index
            break
    return site.redirects[best] if best is not None else None


def _table(rules: list[Redirect]) -> tuple[dict[str, int], list[tuple[int, re.Pattern[str]]]]:
    """Literal sources in a dict (first one wins), glob sources in order; values are list positions."""
    literal: dict[str, int] = {}
    globs = []
    for index, rule in enumerate(rules):
        source = rule.source
        if any(c in source for c in "*:"):
            globs.append((index, _compile(source)))
        else:
            literal.setdefault(source.rstrip("/") or "/", index)
    return literal, globs


@lru_cache(maxsize=4096)
def _compile(glob: str) -> re.Pattern[str]:
    """Firebase glob: '**' any path, '*' one segment, ':name' a captured segment."""
    body = glob.rstrip("/") or "/"
    out, i = [], 0
    while i < len(body):
        if body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == ":" and i + 1 < len(body) and (body[i + 1].isalpha() or body[i + 1] == "_"):
            j = i + 1
            while j < len(body) and (body[j].isalnum() or body[j] == "_"):
                j += 1
            out.append("[^/]+")
            i = j
        else:
            out.append(re.escape(body[i]))
            i += 1
    return re.compile("".join(out) + "/?$")

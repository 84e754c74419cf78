"""Reader for firebase.json redirects, and matching a request path against them as Firebase Hosting does."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from ..errors import InputError
from ..model import Redirect, Site


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
    rules = _rules(data)
    lines = _source_lines(text, len(rules))
    for i, rule in enumerate(rules):
        site.redirects.append(
            Redirect(
                source=str(rule.get("source") or rule.get("regex") or ""),
                destination=str(rule.get("destination") or ""),
                type=rule["type"] if isinstance(rule.get("type"), int) else 301,
                line=lines[i] if i < len(lines) else 1,
                index=i,
            )
        )


SHAPE = '{"hosting": {"redirects": [{"source": "/go/x/", "destination": "/docs/page/#x"}, ...]}}'


def _rules(data) -> list[dict]:
    """The redirect rules of firebase.json, whose shape is SHAPE (hosting may be a list of such
    sites: the first counts); any other shape is refused, naming what was expected."""

    def wrong(found: str):
        return InputError(f"{found}; expected {SHAPE}", where="firebase.json", hint="fix its shape")

    if not isinstance(data, dict):
        raise wrong(f"the file holds {_kind(data)}, not an object")
    hosting = data.get("hosting")
    if isinstance(hosting, list):
        hosting = hosting[0] if hosting else {}
    if hosting is None:
        return []
    if not isinstance(hosting, dict):
        raise wrong(f'"hosting" is {_kind(hosting)}')
    rules = hosting.get("redirects")
    if rules is None:
        return []
    if not isinstance(rules, list):
        raise wrong(f'"redirects" is {_kind(rules)}, not a list')
    for n, rule in enumerate(rules, 1):
        if not isinstance(rule, dict) or not isinstance(rule.get("source") or rule.get("regex"), str):
            raise wrong(f'redirect {n} is {_kind(rule)} without a "source"')
        if not isinstance(rule.get("destination"), str):
            raise wrong(f'redirect {n} ({rule.get("source") or rule.get("regex")}) has no "destination"')
    return rules


def _kind(value) -> str:
    kinds = {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}
    return kinds.get(type(value), "true, false or null" if value in (True, False, None) else "a value")


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

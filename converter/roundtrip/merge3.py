"""Three-way merges: an edit made to a rendering, carried over to the source it was rendered from.

`merge3(base, source, edited)`: `base` is what our writer would write for the block before the edit,
`edited` what it writes after; `source` is the block as the author wrote it. Where `edited` equals `base`,
the source's own text is kept (its list markers, link forms, escapes, line breaks); only the stretches the
edit touched take the writer's text. Token-level (words, spaces, punctuation), so a changed word replaces a
word, not a line.

`merge_lines(base, mine, theirs)`: the same over lines, for a file that changed in git since the snapshot;
overlapping changes are a conflict.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

TOKEN = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]", re.U)


class Conflict(Exception):
    def __init__(self, line: int):
        super().__init__(f"conflicting changes at line {line}")
        self.line = line


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


class _Map:
    """Where the boundaries of `a` (0..len) fall in `b`: `left[k]` where an equal stretch ending at k ends,
    `right[k]` where one starting at k starts (the two differ around an insertion); and what changed."""

    def __init__(self, a: list[str], b: list[str]):
        n = len(a)
        self.left: list[int | None] = [None] * (n + 1)
        self.right: list[int | None] = [None] * (n + 1)
        self.changed: list[tuple[int, int]] = []
        for tag, i1, i2, j1, _j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag == "equal":
                for k in range(i1, i2):
                    self.right[k] = j1 + (k - i1)
                for k in range(i1 + 1, i2 + 1):
                    self.left[k] = j1 + (k - i1)
            else:
                self.changed.append((i1, i2))
        self.left[0] = 0
        self.right[0] = 0 if self.right[0] is None else self.right[0]
        self.left[n] = len(b) if self.left[n] is None else self.left[n]
        self.right[n] = len(b)


def _splice(base: list[str], keep: list[str], edited: list[str], strict: bool = False) -> list[str]:
    """`keep` where base->edited changed nothing, `edited` over each changed stretch (widened until both
    alignments agree at its ends)."""
    ks, ke = _Map(base, keep), _Map(base, edited)
    n = len(base)
    if strict:
        for i1, i2 in ke.changed:
            for j1, j2 in ks.changed:
                if (
                    max(i1, j1) < min(i2, j2)
                    or (i1 == i2 and j1 < i1 < j2)
                    or (j1 == j2 and i1 < j1 < i2)
                    or (i1 == j1)
                ):
                    raise Conflict(i1 + 1)
    regions: list[list[int]] = []
    for i1, i2 in ke.changed:
        a, z = i1, i2
        while a > 0 and (ks.right[a] is None or ke.left[a] is None):
            a -= 1
        while z < n and (ks.left[z] is None or ke.right[z] is None):
            z += 1
        if regions and a <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], z)
        else:
            regions.append([a, z])
    out: list[str] = []
    at = 0  # position in keep
    for a, z in regions:
        upto: int = ks.right[a]  # type: ignore[assignment]
        out += keep[at:upto]
        out += edited[ke.left[a] : ke.right[z]]
        at = max(ks.left[z], upto)  # type: ignore[type-var]
    out += keep[at:]
    return out


def merge3(base: str, source: str, edited: str) -> str:
    if edited == base:
        return source
    if source == base:
        return edited
    b, s, e = tokens(base), tokens(source), tokens(edited)
    if "".join(b) != base or "".join(s) != source or "".join(e) != edited:
        return edited
    return "".join(_splice(b, s, e))


def merge_lines(base: str, mine: str, theirs: str) -> str:
    """Apply base->theirs to mine; raise Conflict when both changed the same lines."""
    if theirs == base:
        return mine
    if mine == base:
        return theirs
    split = str.splitlines
    return "".join(_splice(split(base, True), split(mine, True), split(theirs, True), strict=True))

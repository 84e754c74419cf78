"""Three-way merges: an edit made to a rendering, carried over to the source it was rendered from.

`merge3(base, source, edited)`: `base` is what our writer would write for the block before the edit,
`edited` what it writes after; `source` is the block as the author wrote it. Where `edited` equals `base`,
the source's own text is kept (its list markers, link forms, escapes, line breaks); only the stretches the
edit touched take the writer's text. Token-level (words, spaces, punctuation), so a changed word replaces a
word, not a line.

`merge_lines(base, mine, theirs)`: a three-way merge over lines (diff3), for a file that changed in git since
the snapshot: a stretch changed on one side takes that side, a stretch changed alike on both sides is taken
once, and a stretch changed differently on both sides (or changes that touch, as git counts them) is a
conflict, written as a git-style block when asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

TOKEN = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]", re.U)


@dataclass(slots=True)
class Conflict:
    """A stretch both sides changed differently: where it starts in `mine` (1-based) and the three texts."""

    line: int
    base: str
    mine: str
    theirs: str

    def block(self, mine_name: str = "git", theirs_name: str = "word") -> str:
        """The conflict as git writes one into a file."""
        return (
            f"<<<<<<< {mine_name}\n{_ended(self.mine)}=======\n{_ended(self.theirs)}>>>>>>> {theirs_name}\n"
        )


def _ended(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


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


def _splice(base: list[str], keep: list[str], edited: list[str]) -> list[str]:
    """`keep` where base->edited changed nothing, `edited` over each changed stretch (widened until both
    alignments agree at its ends)."""
    ks, ke = _Map(base, keep), _Map(base, edited)
    n = len(base)
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
        upto, after = ks.right[a], ks.left[z]
        assert upto is not None and after is not None  # the widening above stops only where both are known
        out += keep[at:upto]
        out += edited[ke.left[a] : ke.right[z]]
        at = max(after, upto)
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


def merge_lines(base: str, mine: str, theirs: str, markers: bool = False) -> tuple[str, list[Conflict]]:
    """Apply base->theirs to mine; the merged text and the conflicts. A conflict keeps mine's lines in the
    text, or (with `markers`) a git-style block of both sides."""
    if theirs in (base, mine):
        return mine, []
    if mine == base:
        return theirs, []
    b, m, t = (text.splitlines(keepends=True) for text in (base, mine, theirs))
    out: list[str] = []
    conflicts: list[Conflict] = []
    for kind, bs, ms, ts, at in _chunks(b, m, t):
        if kind == "same" or ms == ts or ts == bs:
            out += ms
        elif ms == bs:
            out += ts
        else:
            conflict = Conflict(at + 1, "".join(bs), "".join(ms), "".join(ts))
            conflicts.append(conflict)
            out += [conflict.block()] if markers else ms
    return "".join(out), conflicts


def _chunks(base: list[str], mine: list[str], theirs: list[str]):
    """diff3's chunks: lines unchanged on both sides ("same"), and between them the stretches that one or
    both sides changed, each as (kind, base lines, mine lines, theirs lines, where it starts in mine)."""
    in_mine, in_theirs = _matches(base, mine), _matches(base, theirs)
    i = m = t = 0
    n = len(base)
    while True:
        j = i
        while j < n and (in_mine[j] is None or in_theirs[j] is None):
            j += 1
        mj, tj = (len(mine), len(theirs)) if j == n else (in_mine[j], in_theirs[j])
        if j > i or mj > m or tj > t:  # type: ignore[operator]
            yield "changed", base[i:j], mine[m:mj], theirs[t:tj], m
        if j == n:
            return
        yield "same", [base[j]], [mine[mj]], [theirs[tj]], mj  # type: ignore[index]
        i, m, t = j + 1, mj + 1, tj + 1  # type: ignore[operator]


def _matches(a: list[str], b: list[str]) -> list[int | None]:
    """For each line of a, the line of b it is matched with (None: changed or deleted)."""
    out: list[int | None] = [None] * len(a)
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            out[block.a + k] = block.b + k
    return out

"""Chapters that flow across renders: which pages of which renders make a chapter, and what to render.

The pages of a chapter from a page that begins with a piece's top depend only on the pieces from there
on: where a page ends is decided by what is on it and by the next few pieces (a heading keeps with what
follows it). So a page break that fell before piece ``m`` in one layout stays there in any layout that
reaches ``m``'s page at its top, as long as the pieces up to ``m + LOOKAHEAD`` are the same.

A cold build renders each chapter whole. A later build diffs the chapter's pieces with the last build's
layout and keeps every run of its pages whose pieces are unchanged; from the first page it cannot keep,
it renders the pieces on to a little past the edit, and takes the new render's pages up to the first
page break that lands where an old page began, where the old pages take over again. Nothing is cut
where the whole chapter would not break, so no part boundary shows as white space.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from difflib import SequenceMatcher

LOOKAHEAD = 4  # pieces after a page break that may decide it (a chain of headings kept with a paragraph)


@dataclass(slots=True)
class Sheet:
    """One page of a chapter: page `index` of render `render`; `start` is the piece that begins at its top,
    or `inside` says that the page begins inside a piece, after so many of its characters."""

    render: str
    index: int
    start: int | None
    inside: tuple[int, int] | None = None


@dataclass
class Layout:
    """A chapter as it was built: its context, its pieces' identities and its pages (kept in the cache)."""

    context: str
    ids: list[str]
    sheets: list[Sheet]

    def to_json(self) -> dict:
        return {"context": self.context, "ids": self.ids, "sheets": [asdict(s) for s in self.sheets]}

    @classmethod
    def from_json(cls, data: dict) -> Layout:
        sheets = [
            Sheet(**s | {"inside": tuple(s["inside"]) if s.get("inside") else None}) for s in data["sheets"]
        ]
        return cls(data["context"], list(data["ids"]), sheets)


@dataclass(slots=True, frozen=True)
class Request:
    """Render pieces [start, end) of a chapter."""

    start: int
    end: int


class Flow:
    """Composes one chapter's pages from its last layout and new renders, asking for what is missing."""

    def __init__(self, context: str, ids: list[str], old: Layout | None):
        self.context, self.ids = context, ids
        self.sheets: list[Sheet] = []
        self.pos = 0  # the piece that begins the next page
        self.done = False
        self._last: Request | None = None
        self.old = old if old is not None and old.context == context and old.sheets else None
        self._same: dict[int, tuple[int, int, bool]] = {}  # new piece -> (old piece, old run end, to the end)
        self._old_page: dict[int, int] = {}  # old piece -> the old sheet it begins
        self._old_inside: dict[tuple[int, int], int] = {}  # (old piece, characters before) -> old sheet
        if self.old is None:
            return
        if self.old.ids == ids:
            self.sheets, self.pos, self.done = list(self.old.sheets), len(ids), True
            return
        matcher = SequenceMatcher(None, self.old.ids, ids, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            to_end = a + size == len(self.old.ids) and b + size == len(ids)
            for k in range(size):
                self._same[b + k] = (a + k, a + size, to_end)
        for n, sheet in enumerate(self.old.sheets):
            if sheet.start is not None:
                self._old_page.setdefault(sheet.start, n)
            if sheet.inside is not None:
                self._old_inside.setdefault(sheet.inside, n)
        self._old_page.setdefault(0, 0)  # a chapter's first page begins it

    def next_request(self) -> Request | None:
        """Keep what the last layout allows; None when the chapter is complete, else what to render."""
        while not self.done:
            run = self._reuse(self.pos)
            if not run:
                return self._request()
            *keep, stop = run
            self.sheets += keep
            if stop is None:
                self.pos, self.done = len(self.ids), True
            else:
                self.pos = stop.start
        return None

    def accept(
        self,
        request: Request,
        render: str,
        starts: list[int | None],
        first: int,
        insides: list[tuple[int, int] | None] | None = None,
    ) -> None:
        """Take the pages of a render of `request`: page `first` begins piece `request.start`, `starts` has
        the piece (relative to request.start) that begins each page, where one does, and `insides` the
        (piece, characters before) of each page that begins inside a piece."""
        n = len(self.ids)
        complete = request.end >= n
        insides = insides or [None] * len(starts)
        pages = []
        for i in range(first, len(starts)):
            begins, within = starts[i], insides[i]
            pages.append(
                Sheet(
                    render,
                    i,
                    request.start if i == first else _shift(begins, request.start),
                    None if within is None or i == first else (within[0] + request.start, within[1]),
                )
            )
        last_valid = None
        for k in range(1, len(pages)):
            m = pages[k].start
            inside = pages[k].inside
            piece = m if m is not None else (inside[0] if inside is not None else None)
            if piece is None:
                continue
            if not complete and piece + LOOKAHEAD > request.end:
                break
            run = self._reuse(piece) if inside is None else self._reuse(inside[0], inside[1])
            if run and piece >= request.start:
                *keep, stop = run
                self.sheets += pages[:k] + keep
                if stop is None:
                    self.pos, self.done = n, True
                else:
                    self.pos = stop.start  # type: ignore[assignment]
                return
            if m is not None:
                last_valid = k
        if complete:
            self.sheets += pages
            self.pos, self.done = n, True
        elif last_valid is not None:
            self.sheets += pages[:last_valid]
            self.pos = pages[last_valid].start  # type: ignore[assignment]

    def _reuse(self, j: int, characters: int | None = None) -> list:
        """The old pages that can begin at piece j (inside it, after so many characters, when given): a
        list of sheets, then the next sheet that begins a piece (where the run stops) or None when the run
        reaches the chapter's end. Empty: none."""
        if self.old is None or j not in self._same:
            return []
        i, end, to_end = self._same[j]
        p = self._old_page.get(i) if characters is None else self._old_inside.get((i, characters))
        if p is None:
            return []
        old = self.old.sheets
        last = None
        for k in range(p + 1, len(old)):
            s = old[k].start
            if s is None:
                continue
            if to_end or s + LOOKAHEAD <= end:
                last = k
            else:
                break
        if to_end:
            return [*(_moved(s, j - i) for s in old[p:]), None]
        if last is None:
            return []
        return [_moved(s, j - i) for s in old[p : last + 1]]

    def _request(self) -> Request:
        """From the current piece to a little past the next two places where the old pages could take
        over (the first may not line up), or to the chapter's end; further each time one fell short."""
        n = len(self.ids)
        end = n
        if self.old is not None:
            ahead = [j for j in sorted(self._same) if j > self.pos and self._reuse(j)]
            if ahead:
                end = min(n, ahead[min(1, len(ahead) - 1)] + LOOKAHEAD)
        if self._last is not None and self._last.start == self.pos:
            end = max(end, min(n, self._last.end + max(8, self._last.end - self._last.start)))
        end = max(end, min(n, self.pos + 1))
        self._last = Request(self.pos, end)
        return self._last


def _shift(start: int | None, by: int) -> int | None:
    return None if start is None else start + by


def _moved(sheet: Sheet, by: int) -> Sheet:
    inside = None if sheet.inside is None else (sheet.inside[0] + by, sheet.inside[1])
    return Sheet(sheet.render, sheet.index, _shift(sheet.start, by), inside)

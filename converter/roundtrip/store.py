"""The round-trip store: what a snapshot keeps so that `aix sync` can give the exact sources back.

A custom XML part (customXml/itemN.xml, which Word and LibreOffice keep byte-exact in content) holds one
element whose text is ASCII JSON: the site's identity, the source commit, every page with its units in order
(uid, first line, fingerprint of what Word shows, exact source text) and the bookmark mapping (Word name ->
page, Hugo id). JSON escapes every newline, carriage return and tab, so no XML whitespace rule can touch them.
In the body, unit `n` is marked by the hidden bookmark `_aixu<n>` around its first paragraph; a unit's
*segment* is that element and every element after it up to the next marker.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from lxml import etree

from ..errors import InputError
from ..ooxml.namespaces import DS_NS
from ..ooxml.package import DocxPackage, parse_xml
from .ir import fingerprint
from .reader import Element

NS = "urn:owasp-ai-exchange:aix:snapshot"
FORMAT = 1


@dataclass(slots=True)
class StoredUnit:
    uid: int
    page: str
    line: int
    fp: str
    text: str
    head: bool = False
    parts: list[str] = field(default_factory=list)  # a short fingerprint of each of its elements
    shown: list | None = (
        None  # what Word showed, kept only where the writer's own prediction (ir.ast_ir) differs
    )


@dataclass(slots=True)
class StoredPage:
    path: str
    rel: str
    units: list[StoredUnit] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(u.text for u in self.units)


@dataclass(slots=True)
class Snapshot:
    site: dict[str, Any]
    commit: str
    created: str
    pages: list[StoredPage]
    bookmarks: dict[str, tuple[str, str]]
    units: dict[int, StoredUnit] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.units = {u.uid: u for p in self.pages for u in p.units}


def dump(snapshot: Snapshot) -> bytes:
    payload = {
        "format": FORMAT,
        "site": snapshot.site,
        "commit": snapshot.commit,
        "created": snapshot.created,
        "pages": [
            {
                "path": p.path,
                "rel": p.rel,
                "units": [[u.uid, u.line, u.fp, u.text, u.parts, u.shown] for u in p.units],
            }
            for p in snapshot.pages
        ],
        "bookmarks": {k: list(v) for k, v in snapshot.bookmarks.items()},
    }
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("ascii")).hexdigest()
    root = etree.Element(f"{{{NS}}}snapshot", nsmap={"aix": NS})
    root.set("format", str(FORMAT))
    root.set("sha256", digest)
    root.text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def item_props() -> bytes:
    guid = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, NS)).upper() + "}"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<ds:datastoreItem ds:itemID="{guid}" '
        f'xmlns:ds="{DS_NS}">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{NS}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()


def find(pkg: DocxPackage) -> Snapshot | None:
    """The snapshot store of a document, or None when it has none (a Word file aix did not make)."""
    for name in pkg.parts:
        if not (name.startswith("customXml/") and name.endswith(".xml")) or "/_rels/" in name:
            continue
        data = pkg.read(name)
        if NS.encode() not in data[:400]:
            continue
        root = parse_xml(data, pkg.path, name)
        if root.tag != f"{{{NS}}}snapshot":
            continue
        return _load(root, f"{pkg.path}: {name}")
    return None


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _load(root: etree._Element, where: str) -> Snapshot:
    text = root.text or ""
    if root.get("format") != str(FORMAT):
        raise InputError(
            f"snapshot format {quote(root.get('format'))} is not supported (aix reads {FORMAT})", where=where
        )
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != root.get("sha256"):
        raise InputError("the snapshot's round-trip data is damaged (checksum mismatch)", where=where)
    try:
        return _snapshot(json.loads(text))
    except (ValueError, RecursionError) as e:
        raise InputError(f"the snapshot's round-trip data is unreadable ({quote(e)})", where=where) from None


def _snapshot(data: Any) -> Snapshot:
    """The store's JSON as a Snapshot, every value checked for its type first: anyone can write a store and
    recompute its checksum, so nothing in it may reach the code as a shape it does not expect. (Which pages
    it may name is the site's to say: `Syncer` maps each stored page to one of the site's own.)"""
    _expect(isinstance(data, dict), "not a JSON object")
    site, pages, marks = data.get("site"), data.get("pages"), data.get("bookmarks")
    _expect(isinstance(site, dict) and all(isinstance(v, str) for v in site.values()), "'site'")
    _expect(isinstance(data.get("commit", ""), str) and isinstance(data.get("created", ""), str), "dates")
    _expect(isinstance(pages, list) and all(isinstance(p, dict) for p in pages), "'pages'")
    _expect(isinstance(marks, dict) and all(_pair(v) for v in marks.values()), "'bookmarks'")
    out: list[StoredPage] = []
    seen: set[int] = set()  # unit ids
    for p in pages:
        path, rel, units = p.get("path"), p.get("rel"), p.get("units")
        _expect(isinstance(path, str) and isinstance(rel, str), "a page's path")
        _expect(isinstance(units, list) and all(_unit(u) for u in units), f"the units of {path!r}")
        stored = [StoredUnit(u[0], path, u[1], u[2], u[3], False, list(u[4]), _tuples(u[5])) for u in units]
        if stored:
            stored[0].head = True
        uids = [u.uid for u in stored]
        _expect(len(set(uids)) == len(uids) and not seen.intersection(uids), "unit ids")
        seen.update(uids)
        out.append(StoredPage(path, rel, stored))
    bookmarks = {k: (v[0], v[1]) for k, v in marks.items()}
    return Snapshot(site, data.get("commit", ""), data.get("created", ""), out, bookmarks)


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise ValueError(f"{what} is not what aix writes")


def _pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unit(u: Any) -> bool:
    """[uid, line, fingerprint, text, part fingerprints, what Word showed or null]"""
    return (
        isinstance(u, list)
        and len(u) == 6
        and _int(u[0])
        and _int(u[1])
        and u[1] >= 1
        and isinstance(u[2], str)
        and isinstance(u[3], str)
        and isinstance(u[4], list)
        and all(isinstance(fp, str) for fp in u[4])
        and (u[5] is None or (isinstance(u[5], list) and all(_ir(e) for e in u[5])))
    )


def _ir(e: Any, depth: int = 0) -> bool:
    """An element of ir.py: [kind, list kind, level, [[text, [mark...]]...]] or ["tbl", [[[element...]...]...]]."""
    if not isinstance(e, list) or depth > 20:
        return False
    if len(e) == 2 and e[0] == "tbl":
        rows = e[1]
        return isinstance(rows, list) and all(
            isinstance(row, list)
            and all(isinstance(cell, list) and all(_ir(x, depth + 1) for x in cell) for cell in row)
            for row in rows
        )
    return (
        len(e) == 4
        and isinstance(e[0], str)
        and e[0] != "tbl"
        and (e[1] is None or isinstance(e[1], str))
        and _int(e[2])
        and isinstance(e[3], list)
        and all(
            isinstance(piece, list)
            and len(piece) == 2
            and isinstance(piece[0], str)
            and isinstance(piece[1], list)
            and all(isinstance(m, str) for m in piece[1])
            for piece in e[3]
        )
    )


def quote(value: Any, width: int = 80) -> str:
    """A value from the file for a one-line message: escaped (no newline gets through) and cut."""
    text = ascii(value) if not isinstance(value, BaseException) else ascii(str(value))[1:-1]
    return text if len(text) <= width else text[: width - 3] + "..."


@dataclass(slots=True)
class Segments:
    """The body cut at the markers: unit id -> its elements; what came before the first marker; markers
    found twice (a copy in Word) count once, where they first appear."""

    by_unit: dict[int, list[Element]]
    order: list[int]  # unit ids in document order
    lead: list[Element]  # cover and contents, and anything typed before the first page
    merged: dict[int, int]  # unit whose marker shares an element with an earlier unit's -> that unit


def part_fingerprint(element: Element) -> str:
    return fingerprint([element.ir])[:8]


def segment(
    elements: list[Element], known: set[int] | dict[int, Any], snapshot: Snapshot | None = None
) -> Segments:
    """Cut the body at the markers. With the snapshot, a unit whose marker went with its first paragraph
    (deleted or retyped in Word) gets its other paragraphs back from the unit before it, matched by their
    fingerprints, instead of leaving them to the unit before."""
    segs = _cut(elements, known)
    if snapshot is not None:
        _recover(segs, snapshot)
    return segs


def _recover(segs: Segments, snapshot: Snapshot) -> None:
    for page in snapshot.pages:
        units = page.units
        i = 0
        while i < len(units):
            first = units[i]
            j = i + 1
            while j < len(units) and units[j].uid not in segs.by_unit:
                j += 1
            lost = units[i + 1 : j]
            if first.uid in segs.by_unit and lost and segs.by_unit[first.uid]:
                _share(segs, [first, *lost])
            i = j


def _share(segs: Segments, owners: list[StoredUnit]) -> None:
    """Give the elements of owners[0]'s segment to owners[0] and the marker-less units after it."""
    elements = segs.by_unit[owners[0].uid]
    expected = [(u.uid, fp) for u in owners for fp in u.parts]
    actual = [part_fingerprint(e) for e in elements]
    assigned: list[int | None] = [None] * len(elements)
    matcher = SequenceMatcher(None, [fp for _, fp in expected], actual, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for k in range(j1, j2):
                assigned[k] = expected[min(i1 + (k - j1), i2 - 1)][0]
    assigned[0] = owners[0].uid  # the marked element stays with its unit
    for k in range(1, len(assigned)):
        if assigned[k] is None:
            assigned[k] = assigned[k - 1]
    order_at = segs.order.index(owners[0].uid)
    rank = {u.uid: n for n, u in enumerate(owners)}
    last = 0
    for k in range(len(assigned)):  # units keep their stored order: no element goes back to an earlier unit
        if rank[assigned[k]] < last:  # type: ignore[index]
            assigned[k] = owners[last].uid
        last = rank[assigned[k]]  # type: ignore[index]
    segs.by_unit[owners[0].uid] = [e for e, a in zip(elements, assigned, strict=True) if a == owners[0].uid]
    for unit in owners[1:]:
        mine = [e for e, a in zip(elements, assigned, strict=True) if a == unit.uid]
        if mine:
            segs.by_unit[unit.uid] = mine
            order_at += 1
            segs.order.insert(order_at, unit.uid)


def _cut(elements: list[Element], known: set[int] | dict[int, Any]) -> Segments:
    by_unit: dict[int, list[Element]] = {}
    order: list[int] = []
    lead: list[Element] = []
    merged: dict[int, int] = {}
    current: int | None = None
    for element in elements:
        fresh = [m for m in element.markers if m in known and m not in by_unit]
        if fresh:
            current = fresh[0]
            by_unit[current] = [element]
            order.append(current)
            for other in fresh[1:]:
                merged[other] = current
                by_unit.setdefault(other, [])
        elif current is None:
            lead.append(element)
        else:
            by_unit[current].append(element)
    return Segments(by_unit, order, lead, merged)

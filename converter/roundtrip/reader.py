"""Reader: a Word document's body as what a reader sees, element by element, for the round trip.

Each top-level paragraph or table becomes an `Element` whose `ir` holds only what survives a save in Word or
LibreOffice and what a person can change: the paragraph's style (matched by name), its list kind and level,
and its text in pieces with marks (bold, italic, code, strike, link target, image alt). Run boundaries, style
ids, numbering ids, rsids, proofing marks and field syntax are read through and forgotten, so the same content
gives the same `ir` however it was saved. Markers (`_aixu<n>` bookmarks) and comment anchors are collected too.

Tracked changes are read as accepted or rejected (`changes=`), the way LibreOffice's Accept All and Reject
All leave the document; every change is listed in `WordReader.changes`. Bookmarks inside tracked text count
either way (LibreOffice puts a retyped heading's marker and bookmark inside `<w:del>`), except markers in
text moved away (`<w:moveFrom>`); a paragraph of which nothing is left goes, with its markers. A copy of a
marker (`_aixu<n>_Copy_1`: LibreOffice names the bookmarks of pasted text so, also when the text was moved
with tracking on) stands for the original when that is nowhere in the document: the text was moved.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from ..ooxml.elements import on, parent
from ..ooxml.namespaces import R_ID, W_VAL, WP, M, W
from ..ooxml.numbering import Numbering, num_pr
from ..ooxml.package import DocxPackage
from ..ooxml.styles import Styles
from . import styles as S
from .bookmarks import UNIT_PREFIX
from .ir import OBJECT, Piece, link_key, merge_pieces, para_kind

WP_DOCPR = WP + "docPr"
MONO = {
    "courier new", "courier", "consolas", "liberation mono", "dejavu sans mono", "menlo", "monaco",
    "source code pro", "cascadia code", "cascadia mono", "lucida console", "noto sans mono", "andale mono",
}  # fmt: skip
HYPERLINK = re.compile(r'^\s*HYPERLINK\s+(?:"([^"]*)"|(\S+))?((?:\s+\\[a-z](?:\s+"[^"]*")?)*)\s*$', re.I)
SWITCH_L = re.compile(r'\\l\s+"([^"]*)"', re.I)
Changes = Literal["accept", "reject"]
T_R, T_T, T_TAB, T_BR, T_CR, T_HYPERLINK, T_BOOKMARK = (
    W + t for t in ("r", "t", "tab", "br", "cr", "hyperlink", "bookmarkStart")
)
T_RPR, T_RSTYLE, T_FLDCHAR, T_INSTR, T_DRAWING, T_PICT = (
    W + t for t in ("rPr", "rStyle", "fldChar", "instrText", "drawing", "pict")
)
T_PPR, T_PSTYLE, T_NUMPR, T_PPRCHANGE = (W + t for t in ("pPr", "pStyle", "numPr", "pPrChange"))
T_INS, T_DEL, T_MOVE_TO, T_MOVE_FROM = (W + t for t in ("ins", "del", "moveTo", "moveFrom"))
MARKER_COPY = re.compile(r"_aixu(\d+)\D")  # a marker copied with its text: LibreOffice adds "_Copy_1"
LINK_STYLES = {"internetlink", "hyperlink"}  # the character style a hyperlink's text takes
ZWJ = "\u200d"  # what LibreOffice types into the first cell of a row it tracks as inserted
CONTAINERS = {W + t for t in ("smartTag", "customXml", "sdt", "sdtContent", "dir", "bdo")}
TOGGLES = {W + "b": "b", W + "i": "i", W + "strike": "s", W + "dstrike": "s"}
LIST_KINDS = {
    "bullet": "bullet",
    "number": "ordered",
    "none": "cont",
}  # ooxml's level kinds, as the ir names them


@dataclass(slots=True)
class Element:
    kind: str  # "p" or "tbl"
    ir: tuple
    markers: list[int] = field(default_factory=list)  # unit ids of the round-trip markers inside
    bookmarks: list[str] = field(default_factory=list)  # other bookmarks inside (heading bookmarks)
    comments: list[str] = field(default_factory=list)  # ids of comments anchored here
    merge_next: bool = False  # its paragraph mark is (accepted as) deleted: it joins the next paragraph
    urls: dict[str, str] = field(default_factory=dict)  # link key (as in the ir) -> the URL as written
    mark_changed: bool = False  # its paragraph mark is a tracked insertion or deletion
    after_mark: tuple | None = None  # (kind, list kind, level) of the paragraph before, when mark_changed
    restyled: bool = False  # its paragraph properties changed as a tracked change
    moved_markers: list[int] = field(default_factory=list)  # copies of markers (text copied, or moved, here)
    into: Element | None = None  # the element it was joined into (or went before, when nothing was left)


@dataclass(slots=True)
class Change:
    kind: str  # insertion, deletion, move, formatting, paragraph
    author: str
    date: str
    text: str
    element: int  # index into WordReader.elements (of the element the change's paragraph ended up in)
    source: Element | None = None  # the paragraph or table it was made in, as read (joined or gone since)


@dataclass(slots=True)
class Comment:
    id: str
    author: str
    date: str
    text: str
    element: int | None = None


class WordReader:
    def __init__(self, pkg: DocxPackage, changes: Changes = "accept"):
        self.pkg = pkg
        self.mode = changes
        self.changes: list[Change] = []
        self.comments: dict[str, Comment] = {}
        self.rels = {k: v.target for k, v in pkg.rels(pkg.main).items()}
        self.styles = Styles(_part(pkg, "styles"))
        self.numbering = Numbering(_part(pkg, "numbering"), self.styles)
        self.default_para = self.styles.default or ""
        self.style_marks = {sid: self._style_marks(st) for sid, st in self.styles.by_id.items()}
        self._links: list[str] = []
        self._fields: list[list] = []  # [instruction, phase, pushed link]
        self._index = 0
        self._header_row = False
        self._element: Element | None = None
        self.elements: list[Element] = []
        body = pkg.document().find(W + "body")
        if body is not None:
            self._body(body)
        self._read_comments()

    # -- styles and numbering -------------------------------------------------------------------------------

    def _style_marks(self, style) -> tuple[str, ...]:
        """What a character style marks its runs with (bold, italic, code...)."""
        marks = self._rpr_marks(style.rpr, fonts=False) if style.type == "character" else ()
        key = S.key(style.name)
        if key in ("verbatimchar", "sourcecodechar", "htmlcode"):
            marks = tuple(sorted({*marks, "c"}))
        elif key in ("strong", "strongemphasis"):
            marks = tuple(sorted({*marks, "b"}))
        elif key == "emphasis":
            marks = tuple(sorted({*marks, "i"}))
        return marks

    def list_kind(self, num_id: str, ilvl: int) -> str:
        """bullet, ordered, or cont (pandoc's indented paragraph inside a list item)."""
        level = self.numbering.level(num_id, ilvl)
        return LIST_KINDS[level.kind] if level is not None else "cont"

    # -- body -----------------------------------------------------------------------------------------------

    def _body(self, body: etree._Element) -> None:
        pending: list[int] = []
        for child in body:
            tag = child.tag
            if tag in (W + "sdt", W + "customXml"):
                content = child.find(W + "sdtContent") if tag == W + "sdt" else child
                if content is not None:
                    self._body(content)
            elif tag == W + "p" or tag == W + "tbl":
                element = Element("p" if tag == W + "p" else "tbl", ())
                element.markers.extend(pending)
                pending = []
                self._element = element
                self._index = len(self.elements)
                element.ir = self._paragraph(child) if tag == W + "p" else self._table(child)
                self.elements.append(element)
            elif tag == T_BOOKMARK:
                name = child.get(W + "name") or ""
                if name.startswith(UNIT_PREFIX) and name[len(UNIT_PREFIX) :].isdecimal():
                    pending.append(int(name[len(UNIT_PREFIX) :]))  # moved between paragraphs by a save
        self._merge_joined()

    def _merge_joined(self) -> None:
        """Join the paragraphs whose mark is gone (as read) to the next one, as LibreOffice does: the joined
        paragraph keeps the first one's style; a paragraph of which nothing is left goes, its markers
        and bookmarks with it (the block was deleted), its comments passed on."""
        for before, element in zip(self.elements, self.elements[1:], strict=False):
            if before.mark_changed and before.kind == element.kind == "p":
                element.after_mark = before.ir[:3]
        out: list[Element] = []
        for element in self.elements:
            prev = out[-1] if out else None
            if prev is not None and prev.merge_next and prev.kind == element.kind == "p":
                out.pop()
                prev.into = element
                element.comments[:0] = prev.comments
                if any(text.strip() for text, _ in prev.ir[3]):
                    kind, lk, lvl, pieces = prev.ir
                    element.ir = (kind, lk, lvl, merge_pieces(list(pieces) + list(element.ir[3])))
                    element.markers[:0] = prev.markers
                    element.bookmarks[:0] = prev.bookmarks
            out.append(element)
        self.elements = out
        present = {m for e in out for m in e.markers}
        for element in out:
            for uid in element.moved_markers:
                if uid not in present:
                    element.markers.append(uid)
                    present.add(uid)
        for change in self.changes:
            target = change.source
            while target is not None and target.into is not None:
                target = target.into
            change.element = next((i for i, e in enumerate(out) if e is target), change.element)

    def _paragraph(self, p: etree._Element) -> tuple:
        ppr = p[0] if len(p) and p[0].tag == T_PPR else None
        sid = ""
        direct = None
        if ppr is not None:
            given = ppr
            for child in given:
                tag = child.tag
                if tag == T_RPR:
                    if len(child):
                        self._paragraph_mark(child)
                elif tag == T_PPRCHANGE:
                    self._change("formatting", child, "")
                    assert self._element is not None
                    self._element.restyled = True
                    if self.mode == "reject" and child.find(T_PPR) is not None:
                        ppr = child.find(T_PPR)
            for child in ppr:  # type: ignore[union-attr]
                tag = child.tag
                if tag == T_PSTYLE:
                    sid = child.get(W_VAL) or ""
                elif tag == T_NUMPR:
                    direct = num_pr(child)
        sid = sid or self.default_para
        num = self.numbering.paragraph(direct, sid)
        style = S.key(self.styles.name(sid) if sid else "Normal")
        pieces: list[Piece] = []
        self._inline(p, pieces, False)
        list_kind = self.list_kind(*num) if num is not None else None
        kind = para_kind(style)
        if kind[0] == "h" or self._header_row:  # bold already: a save may spell it out on every run
            pieces = [(text, tuple(m for m in marks if m != "b")) for text, marks in pieces]
        return (kind, list_kind, num[1] if num is not None else 0, merge_pieces(pieces))

    def _paragraph_mark(self, rpr: etree._Element) -> None:
        """The paragraph mark itself inserted or deleted (a paragraph break added or removed, also as part
        of a move)."""
        for tag in (T_INS, T_DEL, T_MOVE_TO, T_MOVE_FROM):
            mark = rpr.find(tag)
            if mark is not None:
                deleted = tag in (T_DEL, T_MOVE_FROM)
                self._change("paragraph " + ("joined" if deleted else "inserted"), mark, "")
                assert self._element is not None
                self._element.mark_changed = True
                if deleted == (self.mode == "accept"):
                    self._element.merge_next = True

    def _table(self, tbl: etree._Element) -> tuple:
        rows: list[tuple] = []
        for tr in tbl.iter(W + "tr"):
            holder = parent(tr)
            if holder is not tbl and holder.tag != W + "sdtContent":
                continue
            trpr = tr.find(W + "trPr")
            inserted = False
            if trpr is not None:
                ins, dele = trpr.find(W + "ins"), trpr.find(W + "del")
                inserted = ins is not None
                if ins is not None:
                    self._change("row inserted", ins, "")
                    if self.mode == "reject":
                        continue
                if dele is not None:
                    self._change("row deleted", dele, "")
                    if self.mode == "accept":
                        continue
            cells = []
            self._header_row = not rows
            for tc in tr.findall(W + "tc"):
                paras = []
                for child in tc:
                    if child.tag == W + "p":
                        ir = self._paragraph(child)
                        if inserted:  # LibreOffice's stand-in that makes the new row a tracked change
                            ir = (*ir[:3], merge_pieces([(t.replace(ZWJ, ""), m) for t, m in ir[3]]))
                        if any(text.strip() for text, _ in ir[3]):
                            paras.append(ir)
                    elif child.tag == W + "tbl":
                        paras.append(self._table(child))
                cells.append(tuple(paras))
            self._header_row = False
            rows.append(tuple(cells))
        return ("tbl", tuple(rows))

    # -- inline content -------------------------------------------------------------------------------------

    def _inline(self, node: etree._Element, out: list[Piece], deleted: bool) -> None:
        for child in node:
            tag = child.tag
            if tag == T_R:
                self._run(child, out, deleted)
            elif tag == T_HYPERLINK:
                target = self._hyperlink_target(child)
                self._remember(target)
                self._links.append(target)
                self._inline(child, out, deleted)
                self._links.pop()
            elif tag == W + "fldSimple":
                field_target = _field_link(child.get(W + "instr") or "")
                if field_target is not None:
                    self._remember(field_target)
                    self._links.append(field_target)
                self._inline(child, out, deleted)
                if field_target is not None:
                    self._links.pop()
            elif tag == T_BOOKMARK or tag == W + "commentRangeStart":
                self._position(child, shown=True)
            elif tag in (T_INS, T_MOVE_TO):
                self._change("insertion" if tag == T_INS else "move", child, _text_of(child))
                if self.mode == "accept":
                    self._inline(child, out, deleted)
                else:
                    self._positions(child)
            elif tag in (T_DEL, T_MOVE_FROM):
                self._change("deletion" if tag == T_DEL else "move", child, _text_of(child, deleted=True))
                if self.mode == "reject":
                    self._inline(child, out, True)
                else:  # a marker in text moved away went with it (its copy stands where it went)
                    self._positions(child, markers=tag == T_DEL)
            elif tag in CONTAINERS:
                self._inline(child, out, deleted)
            elif tag in (M + "oMath", M + "oMathPara"):
                text = "".join(t.text or "" for t in child.iter(M + "t"))
                out.append((text, self._current_marks(())))

    def _positions(self, node: etree._Element, markers: bool = True) -> None:
        """The bookmarks and comment starts inside tracked text that is not read as text (it goes as read)."""
        for child in node.iter(T_BOOKMARK, W + "commentRangeStart"):
            if markers or not (child.get(W + "name") or "").startswith(UNIT_PREFIX):
                self._position(child, shown=False)

    def _position(self, child: etree._Element, shown: bool) -> None:
        """A bookmark (a marker, or a heading's) or a comment's start, in the element being read. `shown`:
        in text that is read (not text that goes); only there does a marker's copy count."""
        element = self._element
        assert element is not None
        if child.tag != T_BOOKMARK:
            element.comments.append(child.get(W + "id") or "")
            return
        name = child.get(W + "name") or ""
        copy = MARKER_COPY.match(name)
        if name.startswith(UNIT_PREFIX) and name[len(UNIT_PREFIX) :].isdecimal():
            element.markers.append(int(name[len(UNIT_PREFIX) :]))
        elif copy is not None:
            if shown:
                element.moved_markers.append(int(copy.group(1)))
        else:
            element.bookmarks.append(name)

    def _remember(self, url: str) -> None:
        if url and not url.startswith("#") and self._element is not None:
            self._element.urls.setdefault(link_key(url), url)

    def _hyperlink_target(self, link: etree._Element) -> str:
        anchor = link.get(W + "anchor")
        rid = link.get(R_ID)
        url = self.rels.get(rid, "") if rid else ""
        if url and anchor:
            url += "#" + anchor
        elif anchor:
            url = "#" + anchor
        return url

    def _current_marks(self, marks: tuple[str, ...]) -> tuple[str, ...]:
        links = [t for t in self._links if t]
        if links:
            return tuple(sorted({*marks, "a:" + link_key(links[-1])}))
        return marks

    def _run(self, r: etree._Element, out: list[Piece], deleted: bool) -> None:
        rpr = None
        for child in r:
            if child.tag == T_RPR:
                rpr = child
                break
        unlinked = False
        if rpr is not None:
            change = rpr.find(W + "rPrChange")
            if change is not None:
                self._change("formatting", change, _text_of(r))
                if self.mode == "reject":
                    old = change.find(W + "rPr")
                    if self._links and self._link_styled(rpr) and not self._link_styled(old):
                        unlinked = True  # the link came with this format change (LibreOffice records it so)
                    rpr = old
        marks = self._rpr_marks(rpr, with_style=True) if rpr is not None else ()
        if self._links and not unlinked:
            marks = self._current_marks(marks)
        fields = self._fields
        for child in r:
            tag = child.tag
            if fields and fields[-1][1] == "instr" and tag != T_FLDCHAR:
                if tag == T_INSTR:
                    fields[-1][0] += child.text or ""
                continue
            if tag == T_T or (deleted and tag == W + "delText"):
                if child.text:
                    out.append((child.text, marks))
            elif tag == T_RPR:
                continue
            elif tag == T_TAB or tag == W + "ptab":
                out.append(("\t", marks))
            elif tag in (T_BR, T_CR):
                if (child.get(W + "type") or "textWrapping") == "textWrapping":
                    out.append(("\n", marks))
            elif tag == W + "noBreakHyphen":
                out.append(("\u2011", marks))
            elif tag == W + "softHyphen":
                out.append(("\u00ad", marks))
            elif tag == W + "sym":
                with contextlib.suppress(ValueError, OverflowError):  # not a code point: dropped
                    out.append((chr(int(child.get(W + "char") or "0", 16)), marks))
            elif tag in (T_DRAWING, T_PICT):
                docpr = next(child.iter(WP_DOCPR), None)
                alt = (docpr.get("descr") or "") if docpr is not None else ""
                out.append((OBJECT, tuple(sorted({*marks, "img:" + alt}))))
            elif tag == T_FLDCHAR:
                self._field_char(child)
                marks = self._rpr_marks(rpr, with_style=True) if rpr is not None else ()
                if self._links and not unlinked:
                    marks = self._current_marks(marks)

    def _link_styled(self, rpr: etree._Element | None) -> bool:
        """Whether run properties give the hyperlink character style."""
        style = rpr.find(T_RSTYLE) if rpr is not None else None
        if style is None:
            return False
        return any(st.name in LINK_STYLES for st in self.styles.chain(style.get(W_VAL) or ""))

    def _field_char(self, char: etree._Element) -> None:
        kind = char.get(W + "fldCharType")
        if kind == "begin":
            self._fields.append(["", "instr", False])
        elif kind == "separate" and self._fields:
            field_ = self._fields[-1]
            field_[1] = "result"
            target = _field_link(field_[0])
            if target is not None:
                self._remember(target)
                self._links.append(target)
                field_[2] = True
        elif kind == "end" and self._fields:
            field_ = self._fields.pop()
            if field_[2]:
                self._links.pop()

    def _rpr_marks(
        self, rpr: etree._Element | None, with_style: bool = False, fonts: bool = True
    ) -> tuple[str, ...]:
        if rpr is None or len(rpr) == 0:
            return ()
        marks: set[str] = set()
        toggles: dict[str, bool] = {}
        for child in rpr:
            tag = child.tag
            if tag in TOGGLES:
                toggles[TOGGLES[tag]] = on(child)
            elif tag == T_RSTYLE and with_style:
                for st in self.styles.chain(child.get(W_VAL) or ""):
                    marks.update(self.style_marks[st.id])
            elif tag == W + "vertAlign":
                value = child.get(W_VAL)
                if value in ("superscript", "subscript"):
                    marks.add("sup" if value == "superscript" else "sub")
            elif (
                fonts
                and tag == W + "rFonts"
                and (child.get(W + "ascii") or child.get(W + "hAnsi") or "").lower() in MONO
            ):
                marks.add("c")
        for mark, is_set in toggles.items():
            if is_set:
                marks.add(mark)
            else:
                marks.discard(mark)
        return tuple(sorted(marks))

    def _change(self, kind: str, el: etree._Element, text: str) -> None:
        self.changes.append(
            Change(
                kind, el.get(W + "author") or "", el.get(W + "date") or "", text, self._index, self._element
            )
        )

    def _read_comments(self) -> None:
        root = _part(self.pkg, "comments")
        if root is None:
            return
        for c in root.iter(W + "comment"):
            paras = ["".join(t.text or "" for t in p.iter(W + "t")) for p in c.iter(W + "p")]
            cid = c.get(W + "id") or ""
            self.comments[cid] = Comment(
                cid, c.get(W + "author") or "", c.get(W + "date") or "", "\n".join(paras)
            )
        for i, element in enumerate(self.elements):
            for cid in element.comments:
                if cid in self.comments and self.comments[cid].element is None:
                    self.comments[cid].element = i


def _part(pkg: DocxPackage, kind: str) -> etree._Element | None:
    """The root of the part the main document points at with a relationship of this kind, or None."""
    part = pkg.related(pkg.main, kind)
    return pkg.xml(part) if part is not None else None


def _field_link(instr: str) -> str | None:
    m = HYPERLINK.match(instr)
    if not m:
        return None
    url = m.group(1) if m.group(1) is not None else (m.group(2) or "")
    frag = SWITCH_L.search(m.group(3) or "")
    if frag:
        url = (url + "#" + frag.group(1)) if url else "#" + frag.group(1)
    return url


def _text_of(el: etree._Element, deleted: bool = False) -> str:
    tag = W + ("delText" if deleted else "t")
    return "".join(t.text or "" for t in el.iter(tag))

"""Reader stage for `aix import`: rewrite a Word document's XML into what pandoc reads well.

Pandoc's docx reader is good at runs, fields, hyperlinks and tables, but it: keeps the entries of a
Word table of contents as paragraphs; drops the numbers Word's numbering puts before headings;
ignores outline levels set outside the "heading N" styles; moves Title, Subtitle, Author, Date and
Abstract paragraphs into metadata (out of the text); does not know list levels that show no label
(Word's indented continuation of an item); drops horizontal lines and the links of pictures;
collapses runs of spaces; shows hidden text; and loses the text of ``w:fldSimple`` fields. So before
pandoc sees the document, ``cleanup`` makes the document-wide fixes and this module:

- makes every paragraph with an outline level a "heading N" paragraph, and a Title a level-1 heading,
  and writes its Word number ("2.1.") in front of its text, computed by ``ooxml.numbering``;
- starts every list paragraph with a marker of its kind, Word level and number (``transform``
  nests the lists from these), and takes it out of Word numbering;
- turns horizontal lines into a marker paragraph and keeps repeated spaces as marker characters,
  which ``transform`` turns back into thematic breaks and spaces.

The markers are Unicode noncharacters (U+FDD0...), which are never text; any in the input are removed.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from ..errors import InputError
from ..ooxml.elements import child_val, int_val, parent
from ..ooxml.namespaces import O_NS, V_NS, W_NS, XML_SPACE, W
from ..ooxml.numbering import Numbering, num_pr
from ..ooxml.package import DocxPackage
from ..ooxml.styles import Styles
from . import cleanup

HR_MARK = "\ufdd0"  # a paragraph holding only this is a horizontal line
SPACE_MARK = "\ufdd1"  # a space Word shows that pandoc would collapse
LIST_MARK, LIST_END = "\ufdd2", "\ufdd3"  # a list paragraph starts with LIST_MARK kind level:value LIST_END
LIST_MARKER = re.compile("\ufdd2([bnc])(\\d):(\\d+)\ufdd3")  # kind: bullet, number, continuation
MAX_HEADING = 6  # Markdown has six heading levels; deeper Word levels are shown as level 6

META_STYLES = ("subtitle", "author", "date", "abstract")  # pandoc would move these into metadata


@dataclass(slots=True)
class Heading:
    """A heading as the Word file holds it: level, number from Word numbering (or ""), text."""

    level: int
    number: str
    text: str


@dataclass(slots=True)
class Prepared:
    docx: bytes  # the rewritten package, for pandoc
    headings: list[Heading] = field(default_factory=list)
    dropped_toc: int = 0  # paragraphs of a table of contents removed
    tracked_changes: int = 0  # insertions and deletions pending in the document (pandoc accepts them)
    comments: int = 0  # comments anchored in the text (left out)
    hidden_runs: int = 0  # runs of hidden text (w:vanish) left out, as Word does not show them


def prepare(pkg: DocxPackage) -> Prepared:
    """Rewrite the document part (and styles, when a heading style is missing) into a new package."""
    styles_part = pkg.related(pkg.main, "styles") or "word/styles.xml"
    numbering_part = pkg.related(pkg.main, "numbering")
    doc = pkg.document()
    styles_root = pkg.xml(styles_part)
    styles = Styles(styles_root)
    numbering = Numbering(pkg.xml(numbering_part) if numbering_part else None, styles)
    body = doc.find(W + "body")
    if body is None:  # pandoc would fail on it ("couldn't parse docx file"), an exit status 1
        raise InputError(f"not a Word document: {pkg.main} has no body (w:body)", where=str(pkg.path))
    out = Prepared(b"")
    cleanup.strip_marks(body)
    out.hidden_runs = cleanup.drop_hidden(body)
    out.tracked_changes = sum(1 for _ in body.iter(W + "ins", W + "del", W + "moveFrom", W + "moveTo"))
    out.comments = sum(1 for _ in body.iter(W + "commentRangeStart"))
    cleanup.expand_simple_fields(body)
    cleanup.drop_duplicate_bookmarks(body)
    cleanup.link_pictures(body)
    out.dropped_toc = cleanup.drop_toc(body, styles)
    heading_styles = _HeadingStyles(styles, styles_root)
    for p in list(body.iter(W + "p")):
        _paragraph(p, styles, numbering, heading_styles, out)
    changed = {pkg.main: etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True)}
    if heading_styles.added:
        changed[styles_part] = etree.tostring(heading_styles.root, xml_declaration=True, encoding="UTF-8")
    out.docx = _repack(pkg, changed)
    return out


def _pstyle(p: etree._Element) -> str | None:
    return child_val(p, "pPr/pStyle")


class _HeadingStyles:
    """The style id of "heading N" for each level, adding a minimal style where the document has none."""

    def __init__(self, styles: Styles, root: etree._Element | None):
        self.styles = styles
        self.root = root if root is not None else etree.Element(W + "styles", nsmap={"w": W_NS})
        self.added = False
        self.ids: dict[int, str] = {}

    def id(self, level: int) -> str:
        if level not in self.ids:
            sid = self.styles.id_named(f"heading {level}")
            if sid is None:
                sid = f"aixHeading{level}"
                style = etree.SubElement(self.root, W + "style")
                style.set(W + "type", "paragraph")
                style.set(W + "styleId", sid)
                etree.SubElement(style, W + "name").set(W + "val", f"heading {level}")
                self.added = True
            self.ids[level] = sid
        return self.ids[level]


def heading_level(p: etree._Element, styles: Styles) -> int | None:
    """The Markdown level of a paragraph: Title is 1, outline level n is n+1; None for body text."""
    style = _pstyle(p)
    if styles.name(style) == "title":
        return 1
    outline = int_val(p.find(f"{W}pPr/{W}outlineLvl"))
    if outline is None:
        outline = styles.outline(style)
    if outline is None:
        m = re.fullmatch(r"heading (\d)", styles.name(style))
        outline = int(m.group(1)) - 1 if m else None
    if outline is None or not 0 <= outline < 9:
        return None
    return min(outline + 1, MAX_HEADING)


def _paragraph(p, styles: Styles, numbering: Numbering, heading_styles: _HeadingStyles, out: Prepared):
    _horizontal_lines(p)
    _keep_spaces(p)
    ppr = p.find(W + "pPr")
    direct = num_pr(ppr.find(W + "numPr") if ppr is not None else None)
    style = _pstyle(p)
    num = numbering.paragraph(direct, style)
    label = numbering.next_label(*num) if num else None  # count every numbered paragraph, in order
    level = heading_level(p, styles)
    if level is not None:
        number = ""
        if label is not None and label.kind == "number":
            number = label.text
            _prepend_text(p, number + ("" if label.level.suffix == "nothing" else " "))
        _unnumber(_set_style(p, heading_styles.id(level)), num is not None)
        out.headings.append(Heading(level, number, _text(p)))
        return
    if style is not None and styles.name(style) in META_STYLES:
        ppr.remove(ppr.find(W + "pStyle"))
        if styles.name(style) == "subtitle":  # display text, not a heading: keep it bold
            _bold(p)
    if label is not None:
        # Lists are rebuilt from these markers (transform.py) rather than left to pandoc, which does not
        # know Word's blank-label levels (indented continuations) and numbers lists its own way.
        kind = {"bullet": "b", "number": "n", "none": "c"}[label.kind]
        _prepend_text(p, f"{LIST_MARK}{kind}{label.ilvl}:{label.value}{LIST_END}")
        ppr = p.find(W + "pPr")
        _unnumber(ppr, True)
        for ind in ppr.findall(W + "ind"):  # pandoc reads direct indentation as a block quote
            ppr.remove(ind)


def _bold(p: etree._Element) -> None:
    for run in p.iter(W + "r"):
        rpr = run.find(W + "rPr")
        if rpr is None:
            rpr = etree.Element(W + "rPr")
            run.insert(0, rpr)
        if rpr.find(W + "b") is None:
            rpr.insert(0, etree.Element(W + "b"))


def _unnumber(ppr: etree._Element, numbered: bool) -> None:
    """Take a paragraph out of Word numbering (numId 0 also overrides numbering from its style)."""
    if not numbered:
        return
    for old in ppr.findall(W + "numPr"):
        ppr.remove(old)
    etree.SubElement(ppr, W + "numPr").append(_val_el("numId", "0"))


def _val_el(tag: str, value: str) -> etree._Element:
    el = etree.Element(W + tag)
    el.set(W + "val", value)
    return el


def _set_style(p: etree._Element, sid: str) -> etree._Element:
    ppr = p.find(W + "pPr")
    if ppr is None:
        ppr = etree.Element(W + "pPr")
        p.insert(0, ppr)
    old = ppr.find(W + "pStyle")
    if old is not None:
        old.set(W + "val", sid)
    else:
        ppr.insert(0, _val_el("pStyle", sid))
    return ppr


def _prepend_text(p: etree._Element, text: str) -> None:
    run = etree.Element(W + "r")
    t = etree.SubElement(run, W + "t")
    t.text = text
    t.set(XML_SPACE, "preserve")
    ppr = p.find(W + "pPr")
    p.insert(0 if ppr is None else p.index(ppr) + 1, run)


def _text(p: etree._Element) -> str:
    parts = []
    for el in p.iter(W + "t", W + "tab", W + "br"):
        parts.append(el.text or "" if el.tag == W + "t" else " ")
    return " ".join("".join(parts).split())


def _horizontal_lines(p: etree._Element) -> None:
    """A VML horizontal line (``o:hr``), or an empty paragraph with only a bottom border, becomes a marker."""
    for pict in list(p.iter(W + "pict")):
        if any(el.get(f"{{{O_NS}}}hr") in ("t", "true") for el in pict.iter(f"{{{V_NS}}}rect")):
            run = parent(pict)
            for child in list(run):
                if child.tag != W + "rPr":
                    run.remove(child)
            etree.SubElement(run, W + "t").text = HR_MARK
    ppr = p.find(W + "pPr")
    if (
        ppr is not None
        and ppr.find(f"{W}pBdr/{W}bottom") is not None
        and not _text(p)
        and p.find(f".//{W}drawing") is None
    ):
        run = etree.SubElement(p, W + "r")
        etree.SubElement(run, W + "t").text = HR_MARK


def _keep_spaces(p: etree._Element) -> None:
    """Mark every space that follows another, so that pandoc does not collapse them."""
    previous_space = True  # leading spaces are dropped anyway
    for el in p.iter(W + "t", W + "tab", W + "br", W + "cr"):
        if el.tag != W + "t":
            previous_space = True
            continue
        text = el.text or ""
        if "  " not in text and not (previous_space and text.startswith(" ")):
            previous_space = text.endswith(" ") if text else previous_space
            continue
        chars = []
        for ch in text:
            chars.append(SPACE_MARK if ch == " " and previous_space else ch)
            previous_space = ch == " "
        el.text = "".join(chars)


def _repack(pkg: DocxPackage, changed: dict[str, bytes]) -> bytes:
    """A new zip with the changed parts; media are stored, not recompressed (pandoc reads it once)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name in pkg.parts:
            data = changed.get(name)
            zf.writestr(name, data if data is not None else pkg.read(name))
        for name, data in changed.items():
            if name not in pkg.parts:
                zf.writestr(name, data)
    return buf.getvalue()

"""Document-wide clean-ups of a Word document's XML before pandoc reads it (see prepare.py).

Each function changes the body in place: hidden text and duplicate bookmarks removed, linked
pictures and simple fields rewritten into forms pandoc reads, the table of contents dropped.
"""

from __future__ import annotations

import re

from lxml import etree

from ..ooxml.elements import child_val, on, parent, remove, val
from ..ooxml.namespaces import WP, XML_SPACE, A, R, W
from ..ooxml.styles import Styles

NONCHARACTERS = re.compile("[\ufdd0-\ufdef]")  # never text; prepare.py uses them as markers
TOC_STYLE = re.compile(r"^(toc \d|toc heading|contents heading|contents \d)$")


def strip_marks(body: etree._Element) -> None:
    for t in body.iter(W + "t", W + "instrText"):
        if t.text and NONCHARACTERS.search(t.text):
            t.text = NONCHARACTERS.sub("", t.text)


def drop_hidden(body: etree._Element) -> int:
    """Remove runs of hidden text: a reader of the document does not see them."""
    hidden = 0
    for vanish in list(body.iter(W + "vanish")):
        rpr = vanish.getparent()
        run = rpr.getparent() if rpr is not None else None
        if run is None or run.tag != W + "r" or not on(vanish):
            continue
        remove(run)
        hidden += 1
    return hidden


def drop_duplicate_bookmarks(body: etree._Element) -> None:
    """Keep the first bookmark of each name (LibreOffice writes some twice; links mean the first)."""
    seen: set[str] = set()
    dropped: set[str] = set()
    for el in list(body.iter(W + "bookmarkStart", W + "bookmarkEnd")):
        ident = el.get(W + "id", "")
        if el.tag == W + "bookmarkStart":
            name = el.get(W + "name", "")
            if name in seen:
                dropped.add(ident)
                remove(el)
            seen.add(name)
        elif ident in dropped:
            dropped.discard(ident)
            remove(el)


def link_pictures(body: etree._Element) -> None:
    """A picture that links somewhere (``a:hlinkClick`` on its ``wp:docPr``) becomes a hyperlink
    around the picture's run, which pandoc reads; pandoc ignores the picture's own link."""
    for doc_pr in list(body.iter(WP + "docPr")):
        click = doc_pr.find(A + "hlinkClick")
        rid = click.get(R + "id") if click is not None else None
        run = next((a for a in doc_pr.iterancestors(W + "r")), None)
        if not rid or run is None or any(a.tag == W + "hyperlink" for a in run.iterancestors()):
            continue
        link = etree.Element(W + "hyperlink")
        link.set(R + "id", rid)
        run.addprevious(link)
        link.append(run)


def expand_simple_fields(body: etree._Element) -> None:
    """``<w:fldSimple w:instr="X">runs</w:fldSimple>`` becomes begin, instr X, separate, runs, end."""
    for simple in list(body.iter(W + "fldSimple")):
        holder = parent(simple)
        at = holder.index(simple)
        runs = [_fld_run("begin"), _instr_run(simple.get(W + "instr", "")), _fld_run("separate")]
        runs += list(simple) + [_fld_run("end")]
        holder.remove(simple)
        for offset, run in enumerate(runs):
            holder.insert(at + offset, run)


def _fld_run(kind: str) -> etree._Element:
    run = etree.Element(W + "r")
    etree.SubElement(run, W + "fldChar").set(W + "fldCharType", kind)
    return run


def _instr_run(instr: str) -> etree._Element:
    run = etree.Element(W + "r")
    el = etree.SubElement(run, W + "instrText")
    el.text = instr
    el.set(XML_SPACE, "preserve")
    return run


def drop_toc(body: etree._Element, styles: Styles) -> int:
    """Remove tables of contents: TOC content controls, TOC fields and paragraphs in TOC styles."""
    dropped = 0
    for sdt in list(body.iter(W + "sdt")):
        gallery = sdt.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
        if gallery is not None and "table of contents" in (val(gallery) or "").lower():
            dropped += sum(1 for _ in sdt.iter(W + "p"))
            remove(sdt)
    in_toc = _runs_in_toc_fields(body)
    for p in list(body.iter(W + "p")):
        style = child_val(p, "pPr/pStyle")
        if style is not None and TOC_STYLE.match(styles.name(style)):
            dropped += 1
            _remove_paragraph(p)
            continue
        if not in_toc:
            continue
        runs = [r for r in p.iter(W + "r")]
        marked = [r for r in runs if r in in_toc]
        if not marked:
            continue
        if all(r in in_toc or not _has_content(r) for r in runs):
            dropped += 1
            _remove_paragraph(p)
            continue
        for r in marked:
            holder = parent(r)
            holder.remove(r)
            if holder.tag == W + "hyperlink" and not len(holder):
                remove(holder)
    return dropped


def _runs_in_toc_fields(body: etree._Element) -> set[etree._Element]:
    """The runs (in document order) from the begin to the end of every TOC field, both included."""
    marked: set[etree._Element] = set()
    stack: list[list] = []  # [instr, runs-since-begin]
    for run in body.iter(W + "r"):
        for stack_entry in stack:
            stack_entry[1].append(run)
        for el in run:
            if el.tag == W + "fldChar":
                kind = el.get(W + "fldCharType")
                if kind == "begin":
                    stack.append(["", [run]])
                elif kind == "end" and stack:
                    instr, runs = stack.pop()
                    if instr.strip().upper().startswith("TOC"):
                        marked.update(runs)
            elif el.tag == W + "instrText" and stack:
                stack[-1][0] += el.text or ""
    return marked


def _has_content(run: etree._Element) -> bool:
    for el in run:
        if el.tag == W + "t" and (el.text or "").strip():
            return True
        if el.tag in (W + "drawing", W + "pict", W + "object"):
            return True
    return False


def _remove_paragraph(p: etree._Element) -> None:
    parent = p.getparent()
    if parent is None:
        return
    parent.remove(p)
    if parent.tag == W + "tc" and parent.find(W + "p") is None:
        etree.SubElement(parent, W + "p")  # a table cell must keep one paragraph

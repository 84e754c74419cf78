"""One structure tree for the merged PDF, from the trees of the parts (WeasyPrint's ``pdf_tags``) and the
navigator's own.

Two steps. `settle` tidies one source where it is made (a part in its worker, so the work is parallel
and cached): content that no element of the tree claims becomes an ``/Artifact`` (WeasyPrint tags the
running headers but hangs them nowhere; a figure without alternate text is decoration), figure boxes
are put in points, and element ids made unique. `merge_structure` then joins the settled trees as the
merge took their pages: each source's top-level elements that lie on a taken page are copied with
pikepdf (whose copy of a source reuses the pages and annotations already copied, so every ``/Pg`` and
``/Obj`` points into the output), the parent tree is renumbered page by page, and the link a merge
removed loses its reference. WeasyPrint builds its tree page by page, so a top-level element lies on
one page and a page is taken or dropped with its elements.
"""

from __future__ import annotations

import re

import pikepdf
from pikepdf import Array, Dictionary, Name, String

CSS_PX = 0.75  # WeasyPrint writes a figure's /BBox in CSS px from the top left of the page


def settle(pdf: pikepdf.Pdf, id_prefix: str, css_boxes: bool) -> None:
    """Make every piece of marked content either claimed by the tree or an artifact, in place."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    page_of = {page.obj.objgen: page for page in pdf.pages}
    claimed: set[tuple[tuple[int, int], int]] = set()  # (page objgen, MCID)
    ids: dict[str, pikepdf.Object] = {}
    hoisted: dict[int, pikepdf.Object] = {}  # annotation's /StructParent -> the Link that now holds it

    def walk(element: pikepdf.Object, link: tuple[pikepdf.Object, list] | None) -> bool:
        """Whether the element stays: a figure without alternate text goes (decoration). A link annotation
        tagged below a Link (WeasyPrint: a <strong> or an <img> in an <a>) moves up to that Link."""
        stays = element.get("/S") != Name.Figure or "/Alt" in element or "/ActualText" in element
        own = element.get("/Pg")
        kept: list = []
        if element.get("/S") == Name.Link:
            link = (element, kept)
        for kid in _kids(element):
            if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
                if link is not None and link[0] is not element:
                    link[1].append(kid)
                    hoisted[int(kid.Obj.get("/StructParent", -1))] = link[0]
                    continue
            elif not stays:
                continue
            elif isinstance(kid, int):
                if own is not None:
                    claimed.add((own.objgen, kid))
            elif kid.get("/Type") == Name.MCR:
                claimed.add((kid.get("/Pg", own).objgen, int(kid.MCID)))
            elif not walk(kid, link):
                continue
            kept.append(kid)
        element.K = Array(kept)
        if not stays:
            return False
        if "/ID" in element:
            element.ID = String(id_prefix + str(element.ID))
            ids[str(element.ID)] = element
        attributes = element.get("/A")
        if isinstance(attributes, Dictionary):
            if "/Headers" in attributes:
                attributes.Headers = Array(String(id_prefix + str(h)) for h in attributes.Headers)
            if css_boxes and "/BBox" in attributes and own is not None:
                height = float(page_of[own.objgen].mediabox[3])
                x1, y1, x2, y2 = (float(v) * CSS_PX for v in attributes.BBox)
                attributes.BBox = Array([x1, height - y2, x2, height - y1])
        return True

    walk(tree, None)
    parent_tree = _number_tree(tree.get("/ParentTree"))
    for key, link in hoisted.items():
        _set_number(tree.get("/ParentTree"), key, link)
    for page in pdf.pages:
        parents = page.obj.get("/StructParents")
        if parents is None or int(parents) not in parent_tree:
            continue
        listed = parent_tree[int(parents)]
        orphans = {m for m, e in enumerate(listed) if e is not None and (page.obj.objgen, m) not in claimed}
        if orphans:
            for m in orphans:
                listed[m] = None
            _mark_artifacts(pdf, page, orphans)
    if ids:
        tree.IDTree = pdf.make_indirect(
            Dictionary(Names=Array(x for k in sorted(ids) for x in (String(k), ids[k])))
        )


class Structure:
    """The merged tree, built as sources come (`take`, in any order of pages: elements are ordered by
    their pages' places when the tree is finished), and its bookkeeping for content drawn onto the pages
    after."""

    def __init__(self, out: pikepdf.Pdf, untagged: str):
        self.out, self.untagged = out, untagged
        self.root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=self.root))
        self.marked: dict[tuple[int, int], Array] = {}  # page objgen -> MCID -> element (parent tree)
        self.annots: list[tuple[pikepdf.Object, pikepdf.Object]] = []  # (annotation, its Link)
        self._tops: list[tuple[tuple[int, int], int, pikepdf.Object]] = []  # (page, order, element)
        self._role_map = Dictionary()
        self._ids: list[tuple[str, pikepdf.Object]] = []

    def take(self, src: pikepdf.Pdf, pages: list[tuple[int, pikepdf.Object]]) -> None:
        """The structure of a settled source's pages (index in `src`, and the page in `out` it became).
        A page of an untagged source (a navigator made without tags) becomes a Figure with `untagged` as
        its text, and its links Links. Call once the pages' links are final; it changes the source."""
        out = self.out
        tree = src.Root.get("/StructTreeRoot")
        if tree is None:
            for _, page in pages:
                self._place(page, _as_figure(out, page, self.untagged, self.document, self))
            return
        where = {src.pages[i].obj.objgen: page for i, page in pages}
        tops = [t for top in _kids(tree) for t in (_kids(top) if top.get("/S") == Name.Document else [top])]
        for element in tops:
            first = _page(element)
            if first is None or first.objgen not in where:
                continue
            del element["/P"]  # else a copy would reach the source's root, and through it every page
            copied = out.copy_foreign(element)
            copied.P = self.document
            self._place(where[first.objgen], copied)
        parent_tree = _number_tree(tree.get("/ParentTree"))
        for i, landed in pages:
            page = src.pages[i].obj
            if int(page.get("/StructParents", -1)) in parent_tree:
                listed = parent_tree[int(page.StructParents)]
                self.marked[landed.objgen] = Array(None if e is None else out.copy_foreign(e) for e in listed)
            _link_annotations(out, page, landed, parent_tree, self)
        for key, value in tree.get("/RoleMap", Dictionary()).items():
            if key not in self._role_map:
                self._role_map[key] = value
        names = tree.get("/IDTree", Dictionary()).get("/Names", Array())
        for n in range(0, len(names), 2):
            element = names[n + 1]
            if _page(element) is not None and _page(element).objgen in where:
                self._ids.append((str(names[n]), out.copy_foreign(element)))

    def _place(self, page: pikepdf.Object, element: pikepdf.Object) -> None:
        self._tops.append((page.objgen, len(self._tops), element))

    def drop_link(self, annot: pikepdf.Object) -> None:
        """An annotation taken over and then removed (its target is missing): its Link keeps its text, as
        a Span when no other annotation is left to it."""
        for pair in [p for p in self.annots if p[0].objgen == annot.objgen]:
            self.annots.remove(pair)
            _unlink(pair[1], annot)

    def figure(self, page: pikepdf.Object, box: list[float]) -> int | None:
        """A new MCID on `page` for an image drawn into `box` (x1, top, x2, bottom), added to the Figure
        laid out there; None when no Figure holds that box."""
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        elements = self.marked.setdefault(page.objgen, Array())
        for element in elements:
            if not isinstance(element, Dictionary) or element.get("/S") != Name.Figure:
                continue
            x1, y1, x2, y2 = (float(v) for v in element.A.BBox)
            if x1 - 1 <= cx <= x2 + 1 and y1 - 1 <= cy <= y2 + 1:
                mcid = len(elements)
                elements.append(element)
                element.K.append(mcid)
                return mcid
        return None

    def finish(self, lang: str) -> None:
        """Write the tree in page order, the parent tree and the catalog's entries; call when all content
        is drawn."""
        out, nums = self.out, []
        index_of = {page.obj.objgen: i for i, page in enumerate(out.pages)}
        tops = sorted((index_of[page], order, element) for page, order, element in self._tops)
        self.document.K = Array(element for _, _, element in tops)
        self.root.K = Array([self.document])
        if self._role_map:
            self.root.RoleMap = self._role_map
        if self._ids:
            self.root.IDTree = out.make_indirect(
                Dictionary(Names=Array(x for k, e in sorted(self._ids) for x in (String(k), e)))
            )
        out.Root.StructTreeRoot = self.root
        claimed = {annot.objgen for annot, _ in self.annots}
        for index, page in enumerate(out.pages):
            if page.obj.objgen in self.marked:
                page.obj.StructParents = index
                nums += [index, out.make_indirect(self.marked[page.obj.objgen])]
            elif "/StructParents" in page.obj:
                del page.obj["/StructParents"]
            if "/Annots" not in page.obj:
                continue
            page.obj.Tabs = Name.S
            for annot in page.obj.Annots:
                if annot.objgen not in claimed and "/StructParent" in annot:
                    del annot["/StructParent"]  # a key of its source's tree, meaningless here
        key = len(out.pages)
        for annot, element in self.annots:
            annot.StructParent = key
            nums += [key, element]
            key += 1
        self.root.ParentTree = out.make_indirect(Dictionary(Nums=Array(nums)))
        self.root.ParentTreeNextKey = key
        out.Root.MarkInfo = Dictionary(Marked=True)
        out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        out.Root.Lang = String(lang)


def merge_structure(
    out: pikepdf.Pdf, runs: list[tuple[pikepdf.Pdf, list[int], list[int]]], untagged: str
) -> Structure:
    """`out`'s structure tree from settled sources: for each, the indices of the pages taken and where
    each landed in `out` (Structure.take, all at once). Call `finish(lang)` on the result."""
    structure = Structure(out, untagged)
    for src, taken, landed in runs:
        structure.take(src, [(i, out.pages[j].obj) for i, j in zip(taken, landed, strict=True)])
    return structure


def _as_figure(out: pikepdf.Pdf, page: pikepdf.Object, alt: str, parent: Dictionary, structure: Structure):
    """An untagged page: its content one Figure, each of its annotations a Link, in a Div."""
    div = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Div, P=parent, Pg=page))
    figure = out.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Figure, P=div, Pg=page, K=Array([0]), Alt=String(alt))
    )
    wrapped = pikepdf.Page(page)
    wrapped.contents_add(out.make_stream(b"/Figure <</MCID 0>> BDC\n"), prepend=True)
    wrapped.contents_add(out.make_stream(b"\nEMC\n"))
    structure.marked[page.objgen] = Array([figure])
    kids = [figure]
    for annot in page.get("/Annots", Array()):
        link = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Link, P=div, Pg=page))
        link.K = Array([Dictionary(Type=Name.OBJR, Obj=annot, Pg=page)])
        structure.annots.append((annot, link))
        kids.append(link)
    div.K = Array(kids)
    return div


def _link_annotations(
    out, page: Dictionary, landed: pikepdf.Object, parent_tree, structure: Structure
) -> None:
    """Each annotation of a taken page to its Link; a Link whose annotation the merge removed keeps its
    text as a Span."""
    present = {annot.objgen for annot in landed.get("/Annots", Array())}
    for annot in page.get("/Annots", Array()):
        key = annot.get("/StructParent")
        if key is None or int(key) not in parent_tree:
            continue
        copied, element = out.copy_foreign(annot), out.copy_foreign(parent_tree[int(key)])
        if copied.objgen in present:
            structure.annots.append((copied, element))
        else:
            _unlink(element, copied)


def _unlink(element, annot) -> None:
    element.K = Array(k for k in _kids(element) if not _refers_to(k, annot))
    if not any(isinstance(k, Dictionary) and k.get("/Type") == Name.OBJR for k in element.K):
        element.S = Name.Span


def _refers_to(kid, annot: Dictionary) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR and kid.Obj.objgen == annot.objgen


def _page(element: pikepdf.Object):
    """The page an element starts on: its own, else its first kid's."""
    if "/Pg" in element:
        return element.Pg
    for kid in _kids(element):
        if isinstance(kid, Dictionary) and kid.get("/Type") not in (Name.MCR, Name.OBJR):
            return _page(kid)
    return None


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _number_tree(node) -> dict[int, pikepdf.Object]:
    found: dict[int, pikepdf.Object] = {}
    if node is None:
        return found
    nums = node.get("/Nums", Array())
    for i in range(0, len(nums), 2):
        found[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", Array()):
        found |= _number_tree(kid)
    return found


def _set_number(node, key: int, value) -> None:
    nums = node.get("/Nums", Array())
    for i in range(0, len(nums), 2):
        if int(nums[i]) == key:
            nums[i + 1] = value
    for kid in node.get("/Kids", Array()):
        _set_number(kid, key, value)


_TAGGED = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def _mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int]) -> None:
    """Turn the marked-content sequences with these MCIDs into ``/Artifact`` sequences. On the bytes of the
    stream WeasyPrint wrote (its text is hex strings, so the pattern cannot occur inside one): parsing
    and rewriting every page's content with pikepdf took half the time of settling a part."""
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, Array) else [contents]
    data = b"\n".join(stream.read_bytes() for stream in streams)

    def artifact(m: re.Match) -> bytes:
        return b"/Artifact BMC" if int(m[1]) in mcids else m[0]

    page.obj.Contents = pdf.make_stream(_TAGGED.sub(artifact, data))

"""Join the rendered parts into one PDF with pikepdf, links and all.

Chapters join as they become ready (`Assembly`), each at its place: its pages, its links made jumps by
name (``aix:<id>`` placeholders), its structure tree taken over (tags.py). Then, with every page in: one
named destination per anchor, from the boxes the renderer measured; the jumps whose name has none
removed; the bookmarks rebuilt from the model's headings; page numbers stamped (the footer ``n / N`` and
the contents' numbers), each page's own content wrapped in ``q``/``Q`` first because WeasyPrint leaves
its transform open; metadata last.
"""

from __future__ import annotations

import bisect
import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, String

from ..html.pagerefs import SLOT, ref_text, slot_target
from ..html.release import DocInfo
from ..model import Heading
from ..urlpolicy import refused_scheme
from .fonts import StampFont, stamp_font
from .raster import image_key
from .tags import Structure, settle

PLACEHOLDER = "aix:"
FOOTER_Y = 28.0  # points from the bottom edge
NAV_MARGIN = 18.0  # points around the navigator on its paper (as on the navigator handout)
FOOTER_ARTIFACT = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
NAVIGATOR_ALT = "AI Exchange navigator"  # an untagged navigator's page, as one figure
TOC_SIZE = 10  # the contents' font size (styles/print.css)
TEXT_GRAY = b"0.106"  # the text colour #1b1b1b (styles/aix.css)


@dataclass
class Part:
    """Pages of one rendered PDF (all of them when `pages` is None), with the renderer's metadata."""

    pdf: Path
    meta: dict
    pages: list[int] | None = None


class Sources:
    """The PDFs a merge takes pages and images from, each opened once. A rebuild opens the cached ones
    while the worker renders the edit (compose.py), so that the merge after it only joins them."""

    def __init__(self) -> None:
        self._open: dict[Path, pikepdf.Pdf] = {}
        self.used: list[pikepdf.Pdf] = []  # those the merge took something from, in order
        self._used_paths: set[Path] = set()
        self._added: list[pikepdf.Pdf] = []

    def get(self, path: Path) -> pikepdf.Pdf:
        pdf = self._open.get(path)
        if pdf is None:
            pdf = self._open[path] = pikepdf.open(path)
        if path not in self._used_paths:
            self._used_paths.add(path)
            self.used.append(pdf)
        return pdf

    def prefetch(self, paths) -> None:
        """Open these now; one that cannot be read is left for `get` to report."""
        for path in paths:
            if path not in self._open:
                with contextlib.suppress(OSError, pikepdf.PdfError):
                    self._open[path] = pikepdf.open(path)

    def add(self, pdf: pikepdf.Pdf) -> pikepdf.Pdf:
        """A PDF opened elsewhere (the navigator), closed with the others."""
        self._added.append(pdf)
        self.used.append(pdf)
        return pdf

    def close(self) -> None:
        for pdf in [*self._open.values(), *self._added]:
            pdf.close()


@dataclass
class Merged:
    pdf: pikepdf.Pdf
    sources: Sources  # open until the merged file is saved
    pages: int = 0
    internal_links: int = 0
    dangling: list[str] = field(default_factory=list)
    navigator_external: list[str] = field(default_factory=list)
    navigator_internal: int = 0
    navigator_dropped: list[str] = field(default_factory=list)  # boxes outside the navigator's page

    def version(self) -> str:
        """The header's version: the newest of the parts and the navigator, at least 1.4 (transparency, XMP)."""
        return max(["1.4", *(pdf.pdf_version for pdf in self.sources.used)])

    def close(self) -> None:
        self.sources.close()
        self.pdf.close()


class Assembly:
    """The merged PDF, put together as chapters become ready, in whatever order they come: each chapter's
    pages go to their place in the document at once, with their links made jumps (by name: whether a
    name has a destination is known only when every page is in) and their structure taken over; `finish`
    does what needs every page. So a rebuild joins the cached chapters while the worker renders the
    edited one, and a cold build joins each chapter while the others render."""

    def __init__(self, sources: Sources):
        self.out = pikepdf.new()
        self.merged = Merged(self.out, sources)
        self.structure = Structure(self.out, NAVIGATOR_ALT)
        self._slots: list[tuple[tuple[int, int, int], int]] = []  # (place, pages), in document order
        self._metas: dict[tuple[int, int], dict] = {}  # page objgen -> the renderer's metadata of it
        self._links: list[tuple[pikepdf.Object, pikepdf.Object, str]] = []  # (page, annotation, name)
        self._front: tuple[pikepdf.Pdf, list[pikepdf.Object]] | None = None  # its source, its contents pages
        self._navigator: list[pikepdf.Object] = []

    def add_front(self, parts: list[Part], navigator: Path | None) -> None:
        """The cover, the navigator's pages (scaled to the paper), then the contents."""
        cover_pages = _cover_pages(parts[0].meta)
        for n, part in enumerate(parts):
            self._place((0, 0, n), part, lambda i: i < cover_pages)
        if navigator is not None:
            nav = self.merged.sources.add(pikepdf.open(navigator))
            settle(nav, "nav-", css_boxes=False)
            self._navigator = self._insert((0, 1, 0), nav, list(range(len(nav.pages))))
            paper = (parts[0].meta["pages"][0]["width"], parts[0].meta["pages"][0]["height"])
            for page in self._navigator:
                self._take_links(page)
                self.merged.navigator_dropped += _fit_navigator(self.out, pikepdf.Page(page), paper)
            self.structure.take(nav, list(enumerate(self._navigator)))
        contents = [
            p
            for n, part in enumerate(parts)
            for p in self._place((0, 2, n), part, lambda i: i >= cover_pages)
        ]
        self._front = (self.merged.sources.get(parts[0].pdf), contents)

    def add_chapter(self, number: int, parts: list[Part]) -> None:
        """Chapter `number` (1 is the first after the front matter), as runs of pages of its renders."""
        for n, part in enumerate(parts):
            self._place((number, 0, n), part)

    def _place(self, place: tuple[int, int, int], part: Part, keep=lambda i: True) -> list[pikepdf.Object]:
        src = self.merged.sources.get(part.pdf)
        taken = [i for i in (range(len(src.pages)) if part.pages is None else part.pages) if keep(i)]
        landed = self._insert(place, src, taken)
        for i, page in zip(taken, landed, strict=True):
            self._metas[page.objgen] = part.meta["pages"][i]
            self._take_links(page)
        self.structure.take(src, list(zip(taken, landed, strict=True)))
        return landed

    def _insert(
        self, place: tuple[int, int, int], src: pikepdf.Pdf, taken: list[int]
    ) -> list[pikepdf.Object]:
        """Copy pages of `src` to their place: after every page of an earlier place."""
        at = sum(count for where, count in self._slots if where < place)
        bisect.insort(self._slots, (place, len(taken)))
        for k, i in enumerate(taken):
            self.out.pages.insert(at + k, src.pages[i])
        return [self.out.pages[at + k].obj for k in range(len(taken))]

    def _take_links(self, page: pikepdf.Object) -> None:
        """Drop link areas without width or height: WeasyPrint writes one for an empty inline box inside
        a link (the contents' end markers, a break at a line's end), no one can click them, and the link
        has its real area beside them. Turn each ``aix:`` placeholder into a jump to its name."""
        annots = page.get("/Annots")
        if annots is None:
            return
        kept = Array()
        for annot in annots:
            x1, y1, x2, y2 = (float(v) for v in annot.get("/Rect", (0, 0, 1, 1)))
            if annot.get("/Subtype") == Name.Link and (abs(x2 - x1) < 0.01 or abs(y2 - y1) < 0.01):
                continue
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(PLACEHOLDER):
                name = unquote(uri[len(PLACEHOLDER) :])
                del annot["/A"]
                annot.Dest = String(name)
                self._links.append((page, annot, name))
            elif uri:
                annot.Contents = String(uri)  # what the link is, for assistive technology (PDF/UA)
            kept.append(annot)
        page.Annots = kept

    def finish(
        self, headings: list[Heading], toc: list[Heading], nav_target, images: dict[str, Path] | None = None
    ) -> Merged:
        """Destinations, jumps whose target is missing removed, the navigator's links, bookmarks, images,
        page numbers and the structure tree's last entries. `nav_target(url)` tells where a navigator
        link goes: a Heading inside the document, or None."""
        if self._front is None:
            raise ValueError("the front matter was never added")
        out, merged = self.out, self.merged
        index_of = {page.obj.objgen: i for i, page in enumerate(out.pages)}
        placed = sorted(((index_of[g], meta) for g, meta in self._metas.items()), key=lambda p: p[0])
        dests = _destinations(out, placed)
        titles = {h.doc_id: h.text for h in headings}
        for page, annot, name in sorted(self._links, key=lambda link: index_of[link[0].objgen]):
            if name in dests:
                merged.internal_links += 1
                annot.Contents = String(titles.get(name, name))
                continue
            merged.dangling.append(name)
            page.Annots = Array(a for a in page.Annots if a.objgen != annot.objgen)
            self.structure.drop_link(annot)
        for page in self._navigator:
            _link_navigator(pikepdf.Page(page), dests, nav_target, merged)
        nav_pages = [index_of[p.objgen] for p in self._navigator]
        front_src, contents = self._front
        marks = [("Cover", 0)]
        if nav_pages:
            marks.append(("Navigator", nav_pages[0]))
        if contents:
            marks.append(("Contents", index_of[contents[0].objgen]))
        _outline(out, headings, dests, marks)
        pictures = _images(out, images or {}, merged.sources)
        _stamp(out, placed, toc, dests, set(nav_pages), pictures, self.structure)
        self.structure.finish(str(front_src.Root.get("/Lang", "en")))
        merged.pages = len(out.pages)
        names = Array()
        for name in sorted(dests):
            names.append(String(name))
            names.append(dests[name])
        out.Root.Names = out.make_indirect(Dictionary(Dests=out.make_indirect(Dictionary(Names=names))))
        out.Root.PageMode = Name.UseOutlines
        return merged


def _cover_pages(meta: dict) -> int:
    """The cover is what comes before the contents list starts."""
    for i, page in enumerate(meta["pages"]):
        if any(name.startswith("toc-") for name in page["anchors"]):
            return max(i, 1)
    return 1


def _destinations(out: pikepdf.Pdf, placed: list[tuple[int, dict]]) -> dict[str, Array]:
    dests: dict[str, Array] = {}
    for index, meta in placed:
        page = out.pages[index].obj
        for name, (x1, y1, _x2, _y2) in meta["anchors"].items():
            if name not in dests and not name.startswith(("te-", "toc-", "img-", SLOT)):
                dests[name] = Array([page, Name.XYZ, x1, y1, 0])
    return dests


def _fit_navigator(out: pikepdf.Pdf, page: pikepdf.Page, paper: tuple[float, float]) -> list[str]:
    """The navigator scaled onto the paper, portrait or landscape, whichever shows it larger, centred
    within a margin: its content scaled and clipped to its page, its link boxes moved with it.
    Boxes wholly outside its page go (their URLs are returned); boxes partly outside are cut to it."""
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    width, height = x1 - x0, y1 - y0
    scale, (paper_w, paper_h) = max(
        (min((w - 2 * NAV_MARGIN) / width, (h - 2 * NAV_MARGIN) / height), (w, h))
        for w, h in (paper, paper[::-1])
    )
    dx, dy = (paper_w - width * scale) / 2 - x0 * scale, (paper_h - height * scale) / 2 - y0 * scale
    # Scaled in place, not moved into a Form XObject: its marked content (the navigator's own tags) must
    # stay in the page's content stream for its structure elements to find it.
    page.contents_add(
        out.make_stream(
            b"q %.5f 0 0 %.5f %.3f %.3f cm %.3f %.3f %.3f %.3f re W n\n"
            % (scale, scale, dx, dy, x0, y0, width, height)
        ),
        prepend=True,
    )
    page.contents_add(out.make_stream(b"Q\n"))
    page.obj.MediaBox = Array([0, 0, paper_w, paper_h])
    for box in ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
        if box in page.obj:
            del page.obj[box]

    def moved(points):
        return [v * scale + (dy if i % 2 else dx) for i, v in enumerate(points)]

    keep, dropped = Array(), []
    for annot in page.obj.get("/Annots", Array()):
        ax1, ay1, ax2, ay2 = (float(v) for v in annot.Rect)
        left, right = max(min(ax1, ax2), x0), min(max(ax1, ax2), x1)
        bottom, top = max(min(ay1, ay2), y0), min(max(ay1, ay2), y1)
        if left >= right or bottom >= top:
            uri = annot.get("/A", Dictionary()).get("/URI")
            dropped.append("a box without a web link" if uri is None else str(uri))
            continue
        annot.Rect = Array(moved([left, bottom, right, top]))
        if "/QuadPoints" in annot:
            annot.QuadPoints = Array(moved([float(v) for v in annot.QuadPoints]))
        keep.append(annot)
    page.obj.Annots = keep
    return dropped


def _link_navigator(page: pikepdf.Page, dests, nav_target, merged: Merged) -> None:
    """The navigator's boxes: a jump where they name the document, else a web link the URL policy allows,
    else no action at all (no script, launch, remote file or form action, no page or box open actions)."""
    if "/AA" in page.obj:
        del page.obj["/AA"]
    for annot in page.obj.get("/Annots", Array()):
        if "/AA" in annot:
            del annot["/AA"]
        action = annot.get("/A")
        if action is None:
            continue
        kind = action.get("/S")
        if kind == Name.GoTo and "/Next" not in action:
            continue  # a jump inside the navigator
        if kind != Name.URI or refused_scheme(str(action.get("/URI", ""))) is not None:
            del annot["/A"]
            continue
        if "/Next" in action:
            del action["/Next"]  # a chained action runs after the link
        url = str(action.URI)
        heading = nav_target(url)
        if heading is not None and heading.doc_id in dests:
            del annot["/A"]
            annot.Dest = String(heading.doc_id)
            annot.Contents = String(heading.text)
            merged.navigator_internal += 1
        else:
            annot.Contents = String(url)
            merged.navigator_external.append(url)


def _outline(out: pikepdf.Pdf, headings: list[Heading], dests: dict[str, Array], front) -> None:
    with out.open_outline() as outline:
        outline.root.extend(OutlineItem(title, index) for title, index in front)
        stack: list[tuple[int, OutlineItem]] = []
        for h in headings:
            if h.doc_id not in dests:
                continue
            item = OutlineItem(h.text, String(h.doc_id))
            while stack and stack[-1][0] >= h.level:
                stack.pop()
            (stack[-1][1].children if stack else outline.root).append(item)
            stack.append((h.level, item))


def _page_number(dest: Array, index_of: dict) -> int:
    return index_of[dest[0].objgen] + 1


def _contents_numbers(
    placed, toc: list[Heading], dests, index_of: dict, fonts: dict[bytes, StampFont]
) -> dict[int, list[bytes]]:
    """For each contents page, the drawing of its leaders and page numbers: a dotted line (round dots
    on a 3 pt grid, so that they line up from entry to entry) from the end of the entry's text to its
    page number, set flush right at the entry's right edge on the baseline of its last line."""
    ends = {}
    for index, meta in placed:
        for name, box in meta["anchors"].items():
            if name.startswith(("te-", "toc-")):
                ends[name] = (index, box)
    drawn: dict[int, list[bytes]] = {}
    for h in toc:
        end, entry = ends.get("te-" + h.doc_id), ends.get("toc-" + h.doc_id)
        if end is None or entry is None or h.doc_id not in dests:
            continue
        index, (x_end, _top, _x2, baseline) = end
        number = str(_page_number(dests[h.doc_id], index_of))
        font = b"/AixB" if h.level == 1 else b"/AixR"
        right = entry[1][2]
        x = right - fonts[font].width(number, TOC_SIZE)
        start, stop = (x_end // 3 + 1) * 3 + 1.5, x - 4
        leader = b""
        if stop > start:
            leader = b"1 J [0 3] 0 d 0.9 w %.2f %.2f m %.2f %.2f l S\n" % (
                start,
                baseline + 1.2,
                stop,
                baseline + 1.2,
            )
        text = b"BT %s %d Tf %.2f %.2f Td (%s) Tj ET\n" % (font, TOC_SIZE, x, baseline, number.encode())
        drawn.setdefault(index, []).append(leader + text)
    return drawn


def _page_refs(placed, dests, index_of: dict, font: StampFont) -> dict[int, list[bytes]]:
    """For each page, its internal links' page numbers (html/pagerefs.py), each drawn into the box
    reserved after its link, on that box's baseline at the font size of its line (the box is 1 em high),
    squeezed if a number is wider than the box. An index's ", 57" starts at the link; the text's
    " (p. 57)" ends at the box's end, so that the room a short number leaves reads as a word space before
    it rather than as a gap before the punctuation after it."""
    drawn: dict[int, list[bytes]] = {}
    for index, meta in placed:
        for name, (x1, top, x2, baseline) in meta["anchors"].items():
            slot = slot_target(name)
            if slot is None or slot[1] not in dests:
                continue
            style, target = slot
            text = ref_text(style, _page_number(dests[target], index_of))
            size = top - baseline
            width = font.width(text, size)
            squeeze = min(100.0, 100 * (x2 - x1) / width) if width else 100.0
            x = x1 if style == "i" else max(x1, x2 - width)
            drawn.setdefault(index, []).append(
                b"q %s g BT /AixR %.2f Tf %.1f Tz %.2f %.2f Td (%s) Tj ET Q\n"
                % (TEXT_GRAY, size, squeeze, x, baseline, text.encode())
            )
    return drawn


def _images(out: pikepdf.Pdf, files: dict[str, Path], sources: Sources) -> dict[str, pikepdf.Object]:
    """Each converted image, copied into the merged PDF once."""
    return {key: out.copy_foreign(sources.get(file).Root.AixImage) for key, file in files.items()}


def _draw_images(page_meta: dict, images: dict, xobjects: pikepdf.Object, figure) -> bytes:
    """Each image into its placeholder's box (the box WeasyPrint laid out for it), as the content of the
    Figure tagged there (`figure(box)` gives its MCID), else as an artifact."""
    drawn = []
    for name, box in page_meta["anchors"].items():
        key = image_key(name)
        if key is None or key not in images:
            continue
        x1, y1, x2, y2 = box
        label = Name("/AixI" + key[:12])
        xobjects[label] = images[key]
        mcid = figure(box)
        tag = b"/Artifact BMC" if mcid is None else b"/Figure <</MCID %d>> BDC" % mcid
        drawn.append(
            b"%s q %.3f 0 0 %.3f %.3f %.3f cm %s Do Q EMC\n"
            % (tag, x2 - x1, y1 - y2, x1, y2, str(label).encode())
        )
    return b"".join(drawn)


def _stamp(
    out: pikepdf.Pdf, placed, toc: list[Heading], dests, skip: set[int], images: dict, structure: Structure
) -> None:
    """Images into their Figures; the footer and the contents' numbers and leaders as artifacts."""
    stamp_fonts = {b"/AixR": stamp_font(), b"/AixB": stamp_font(bold=True)}
    regular, bold = (font.embed(out) for font in stamp_fonts.values())
    index_of = {page.obj.objgen: i for i, page in enumerate(out.pages)}
    total = len(out.pages)
    meta_of = dict(placed)
    slots = _contents_numbers(placed, toc, dests, index_of, stamp_fonts)
    for index, refs in _page_refs(placed, dests, index_of, stamp_fonts[b"/AixR"]).items():
        slots.setdefault(index, []).extend(refs)
    for index, page in enumerate(out.pages):
        if index in skip:
            continue  # the navigator, as it is
        resources = page.obj.get("/Resources")
        if resources is None:
            page.obj.Resources = resources = Dictionary()
        pictures = b""
        if index in meta_of and images:
            xobjects = resources.get("/XObject")
            if xobjects is None:
                resources.XObject = xobjects = Dictionary()
            pictures = _draw_images(meta_of[index], images, xobjects, partial(structure.figure, page.obj))
        if index == 0 and not pictures:
            continue  # the cover has no footer
        width = float(meta_of[index]["width"]) if index in meta_of else float(page.mediabox[2])
        footer = f"{index + 1} / {total}"
        x = (width - stamp_fonts[b"/AixR"].width(footer, 8)) / 2
        stamp = pictures
        if index > 0:
            footer_text = b"BT /AixR 8 Tf %.2f %.2f Td (%s) Tj ET" % (x, FOOTER_Y, footer.encode())
            stamp += FOOTER_ARTIFACT + b" 0.33 g " + footer_text + b" EMC\n"
        if index in slots:
            stamp += b"/Artifact BMC 0 g 0 G " + b"".join(slots[index]) + b"EMC\n"
        fonts = resources.get("/Font")
        if fonts is None:
            resources.Font = fonts = Dictionary()
        fonts.AixR, fonts.AixB = regular, bold
        page.contents_add(out.make_stream(b"q\n"), prepend=True)
        page.contents_add(out.make_stream(b"Q\n" + stamp))


def set_metadata(pdf: pikepdf.Pdf, info: DocInfo, producer: str) -> None:
    date = info.date
    pdf.docinfo.Title = info.title
    pdf.docinfo.Author = info.author
    pdf.docinfo.Subject = info.subject
    pdf.docinfo.Keywords = ", ".join(info.keywords)
    pdf.docinfo.Creator = "aix"
    pdf.docinfo.Producer = producer
    pdf.docinfo.CreationDate = _pdf_date(date)
    pdf.docinfo.ModDate = _pdf_date(date)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp.load_from_docinfo(pdf.docinfo)
        xmp["xmp:CreateDate"] = date.isoformat()


def _pdf_date(date: datetime) -> str:
    return date.strftime("D:%Y%m%d%H%M%S+00'00'")

"""`aix docx`: the Word snapshot of a site, built for the round trip.

The model goes through the AST writer (ast_writer) to pandoc with styles/reference.docx; then, on pandoc's
package: unit markers hidden, bullet lists pointed at one numbering definition, core properties written,
fingerprints of every unit taken with the same reader `aix sync` uses, and the round-trip store added.
The file is written beside its destination and renamed into place.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from PIL import Image as PILImage

from .. import STYLES, pandoc
from ..errors import AixError
from ..fileio import output_path, why
from ..model import Site
from ..ooxml.elements import child_val, val
from ..ooxml.namespaces import (
    CORE_NS,
    CT,
    CT_CUSTOM_XML_PROPS,
    M_NS,
    PIC,
    PKG_REL,
    PKG_REL_NS,
    REL_CUSTOM_XML,
    REL_CUSTOM_XML_PROPS,
    WP,
    W,
)
from ..ooxml.numbering import Level, level_of
from ..ooxml.package import DocxPackage
from ..ooxml.parts import Parts
from . import store
from . import styles as S
from .ast_writer import AstWriter, Div, Para, Raw, Str
from .bookmarks import BookmarkNames, hide_markers
from .columns import size_tables, text_area
from .ir import ast_ir, fingerprint
from .reader import WordReader
from .symbols import symbol_fonts


def escape(text: str) -> str:
    """XML text and attribute escaping (xml.sax.saxutils would import urllib.request: 30 ms)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


REFERENCE = STYLES / "reference.docx"
DEFAULT_DPI = 96.0  # what pandoc assumes when a file does not say
SIZED = {"PNG", "JPEG", "GIF", "BMP"}  # sized here; pandoc gets other files as they are
MAX_WIDTH_IN, MAX_HEIGHT_IN = 6.5, 8.5  # the text area of styles/reference.docx (A4, 2.2 cm margins)
STORED = (".png", ".jpg", ".jpeg", ".gif")  # already compressed: deflating them again only costs time
TOC_LEVELS = 3  # the contents list: page titles (Heading 1) and headings ## and ###
TOC_FIELD = f' TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u '


def toc_xml(site: Site, names: BookmarkNames) -> str:
    """The contents list: a TOC field whose result already holds the headings, each a link to its bookmark,
    so the list shows before anything updates it (no page numbers: only a layout knows them). Word still
    updates the field on opening (w:updateFields), LibreOffice with Tools, Update."""
    begin = (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{TOC_FIELD}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    headings = [h for page in site.pages for h in page.headings if h.level <= TOC_LEVELS]
    entries = [
        f'<w:p><w:pPr><w:pStyle w:val="toc{h.level}"/></w:pPr>{"" if i else begin}'
        f'<w:hyperlink w:anchor="{names.heading(h)}" w:history="1"><w:r><w:t xml:space="preserve">'
        f"{escape(h.text)}</w:t></w:r></w:hyperlink></w:p>"
        for i, h in enumerate(headings)
    ] or [f"<w:p>{begin}</w:p>"]
    return (
        '<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r><w:t>Contents</w:t></w:r></w:p>'
        + "".join(entries)
        + '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


@dataclass(slots=True)
class Meta:
    title: str
    subtitle: str
    author: str
    version: str
    date: str  # YYYY-MM-DD
    commit: str  # the sources' git commit, "" outside git; "+changes" when content/ has uncommitted edits
    created: str  # ISO timestamp, UTC


@dataclass(slots=True)
class ExportReport:
    path: Path
    pages: int
    units: int
    bookmarks: int
    internal_links: int
    images: int
    warnings: list[str] = field(default_factory=list)


def meta_of(site: Site, today: dt.datetime | None = None) -> Meta:
    now = today or _now()
    params = site.config.get("params") if isinstance(site.config.get("params"), dict) else {}
    title = str(site.aix.get("title") or site.config.get("title") or "OWASP AI Exchange")
    subtitle = str(site.aix.get("subtitle") or (params or {}).get("description") or "")
    author = str(site.aix.get("author") or "OWASP AI Exchange")
    version = str(site.aix.get("version") or "")
    return Meta(
        title, subtitle, author, version, now.date().isoformat(), git_commit(site.root), now.isoformat()
    )


def _now() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(microsecond=0)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def git_commit(root: Path) -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30
        )
        if head.returncode != 0:
            return ""
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "content"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def default_output(meta: Meta) -> Path:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", meta.title).strip("-") or "snapshot"
    return Path("build") / f"{stem}-{meta.date}.docx"


def export_docx(site: Site, out: Path, meta: Meta | None = None, reference: Path = REFERENCE) -> ExportReport:
    out = output_path(out, "-o", site.root)
    meta = meta or meta_of(site)
    if not reference.is_file():
        raise AixError(
            f"{reference} is missing", hint="make it with: .venv/bin/python tools/make_reference_docx.py"
        )
    if not site.pages:
        raise AixError("the site has no pages to export", where=str(site.root))
    warnings: list[str] = []
    names = BookmarkNames(site)
    writer = AstWriter(site, names, warnings.append)
    body = writer.pages()
    for page in site.pages:
        joined = "".join(u.text for u in writer.units if u.page == page.path)
        if joined != page.raw:  # the model's promise; a snapshot that could not give the file back is useless
            raise AixError(
                "the blocks of this page do not add up to its text; cannot export it", where=page.rel
            )
    blocks = cover(meta) + [Raw(toc_xml(site, names))] + body
    with tempfile.TemporaryDirectory(prefix="aix-docx-") as tmp:
        raw = Path(tmp) / "pandoc.docx"
        media = _stand_ins(writer, site, Path(tmp))
        job = pandoc.ast_to_docx(pandoc.document(blocks), raw, reference)
        predicted = {u.uid: fingerprint(ast_ir(u.blocks)) for u in writer.units}  # meanwhile
        job.wait()
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            finish(raw, out, site, writer, names, meta, media, predicted)
        except OSError as e:
            raise AixError(f"cannot write {out}: {why(e)}") from None
    links = sum(
        1 for p in site.pages for link in p.links if link.target is not None and link.origin != "html"
    )
    return ExportReport(
        out, len(site.pages), len(writer.units), len(names.mapping), links, len(writer.images), warnings
    )


def cover(meta: Meta) -> list[dict]:
    note = [f"Snapshot of {meta.date}"]
    if meta.version:
        note.append(f"version {meta.version}")
    if meta.commit:
        note.append(
            f"sources at commit {meta.commit[:12]}{'+changes' if meta.commit.endswith('+changes') else ''}"
        )
    out = [Div("Title", [Para([Str(meta.title)])])]
    if meta.subtitle:
        out.append(Div("Subtitle", [Para([Str(meta.subtitle)])]))
    out.append(Div("Author", [Para([Str(meta.author)])]))
    out.append(Div("Date", [Para([Str(meta.date)])]))
    out.append(Div(S.COVER_NOTE, [Para([Str(", ".join(note) + ".")])]))
    out.append(
        Div(
            S.COVER_NOTE,
            [
                Para(
                    [
                        Str(
                            "Made by aix from the Markdown sources. Edit and comment freely (track changes "
                            "welcome); aix sync brings the edits back into the sources."
                        )
                    ]
                )
            ],
        )
    )
    return out


# -- post-processing of pandoc's package ---------------------------------------------------------------------


@dataclass(slots=True)
class Media:
    stand_ins: dict[bytes, Path]  # stand-in content -> the real file
    paths: dict[str, str]  # the path pandoc was given -> the image's path under static/


def _stand_ins(writer: AstWriter, site: Site, tmp: Path) -> Media:
    """Give pandoc a tiny stand-in and the display size of each image (it then neither decodes nor
    recompresses megabytes of pictures); `finish` puts the real bytes in. Pandoc only ever sees files
    the writer allowed, under static/."""
    media = Media({}, {})
    static = (site.root / "static").resolve()
    by_file: dict[Path, tuple[str, str, str]] = {}
    for node, file in writer.images:
        shown = "/" + file.relative_to(static).as_posix()
        if file not in by_file:
            size = display_size(file, MAX_WIDTH_IN, MAX_HEIGHT_IN)
            if size is None:
                by_file[file] = (str(file), "", "")
            else:
                tag = f"aix-image:{len(media.stand_ins)}".encode()
                stand_in = tmp / f"image{len(media.stand_ins)}{file.suffix.lower()}"
                stand_in.write_bytes(tag)
                media.stand_ins[tag] = file
                by_file[file] = (str(stand_in), f"{size[0]:.3f}in", f"{size[1]:.3f}in")
        given, width, height = by_file[file]
        media.paths[given] = shown
        node["c"][2][0] = given
        if width:
            node["c"][0][2] = [["width", width], ["height", height]]
    return media


def display_size(path: Path, max_width: float, max_height: float) -> tuple[float, float] | None:
    """The size in inches pandoc would give the image, fitted into the text area. Pillow reads the
    header only (Image.open decodes no pixels); the resolution is PNG's pHYs or JPEG's JFIF density,
    as pandoc reads them (not EXIF), else 96 dpi."""
    try:
        with PILImage.open(path) as im:
            if im.format not in SIZED:
                return None
            (w, h), info = im.size, im.info
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError):
        return None
    dpi_x = dpi_y = DEFAULT_DPI
    if im.format == "PNG" and info.get("dpi"):
        dpi_x, dpi_y = info["dpi"]
    elif im.format == "JPEG" and info.get("jfif_unit") in (1, 2) and all(info.get("jfif_density", ())):
        scale = 1.0 if info["jfif_unit"] == 1 else 2.54
        dpi_x, dpi_y = (d * scale for d in info["jfif_density"])
    if w <= 0 or h <= 0:
        return None
    width, height = w / (dpi_x or DEFAULT_DPI), h / (dpi_y or DEFAULT_DPI)
    scale = min(1.0, max_width / width, max_height / height)
    return width * scale, height * scale


def finish(
    raw: Path,
    out: Path,
    site: Site,
    writer: AstWriter,
    names: BookmarkNames,
    meta: Meta,
    media: Media,
    predicted: dict[int, str],
) -> None:
    with zipfile.ZipFile(raw) as zin:
        infos = zin.infolist()
        parts = {i.filename: zin.read(i) for i in infos}
    for name, data in parts.items():
        if name.startswith("word/media/") and data in media.stand_ins:
            parts[name] = media.stand_ins[data].read_bytes()
    edit = Parts(parts, "pandoc")
    document = edit.xml("word/document.xml")
    hide_markers(document)
    for props in document.iter(WP + "docPr", PIC + "cNvPr"):  # pandoc takes a file path for a description
        under_static = media.paths.get(props.get("descr", ""))
        if under_static is not None:  # no local paths in the file
            props.set("descr", under_static)
    if "word/numbering.xml" in parts:
        _one_bullet_definition(edit.xml("word/numbering.xml"), document)
    _table_widths(edit, document)
    symbol_fonts(document)
    edit.flush()
    fps, part_fps, shown = _fingerprints(raw, parts, {u.uid for u in writer.units})
    pages = []
    by_page: dict[str, list[store.StoredUnit]] = {}
    for u in writer.units:
        by_page.setdefault(u.page, []).append(
            store.StoredUnit(
                u.uid,
                u.page,
                u.line,
                fps[u.uid],
                u.text,
                u.head,
                part_fps[u.uid],
                None if predicted[u.uid] == fps[u.uid] else [list(ir) for ir in shown[u.uid]],
            )
        )
    for page in site.pages:
        pages.append(store.StoredPage(page.path, page.rel, by_page.get(page.path, [])))
    identity = {"title": meta.title, "base_url": site.base_url, "root": site.root.resolve().name}
    snapshot = store.Snapshot(identity, meta.commit, meta.created, pages, names.mapping)
    parts["customXml/item1.xml"] = store.dump(snapshot)
    parts["customXml/itemProps1.xml"] = store.item_props()
    parts["customXml/_rels/item1.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_CUSTOM_XML_PROPS}" Target="itemProps1.xml"/>'
        "</Relationships>"
    ).encode()
    _add_store_part(edit)
    parts["docProps/core.xml"] = core_xml(meta)
    _update_fields(edit.xml("word/settings.xml"))
    edit.flush()
    order = [i.filename for i in infos] + [n for n in parts if n not in {i.filename for i in infos}]
    write_zip(out, [(n, parts[n]) for n in order])


def _one_bullet_definition(numbering: etree._Element, document: etree._Element) -> None:
    """Point every bullet list (and pandoc's list-continuation numbering) at one definition: LibreOffice
    multiplies definitions on each save and loses all paragraph styles beyond about 443 of them."""
    abstract_kind: dict[str | None, str | None] = {}  # abstractNumId -> bullet, cont, or None (numbered)
    for a in numbering.findall(W + "abstractNum"):
        lvl = a.find(W + "lvl")
        first = level_of(lvl) if lvl is not None else Level()
        abstract_kind[a.get(W + "abstractNumId")] = (
            None if first.fmt != "bullet" else "cont" if first.kind == "none" else "bullet"
        )
    canonical: dict[str, str] = {}
    remap: dict[str, str] = {}
    for num in numbering.findall(W + "num"):
        kind = abstract_kind.get(child_val(num, "abstractNumId"))
        if kind is None:
            continue
        num_id = num.get(W + "numId", "")
        if kind in canonical:
            remap[num_id] = canonical[kind]
            numbering.remove(num)
        else:
            canonical[kind] = num_id
    used = {child_val(n, "abstractNumId") for n in numbering.findall(W + "num")}
    for a in numbering.findall(W + "abstractNum"):
        if a.get(W + "abstractNumId") not in used:
            numbering.remove(a)
    for ref in document.iter(W + "numId") if remap else ():
        new = remap.get(val(ref) or "")
        if new is not None:
            ref.set(W + "val", new)


def _table_widths(edit: Parts, document: etree._Element) -> None:
    """Every table as wide as the text (pandoc writes tables of automatic width, w:tblW auto 0), its
    columns sized from their content (columns.py)."""
    tables = list(document.iter(W + "tbl"))
    for tbl in tables:
        ppr = edit.expect("word/document.xml", tbl.find(W + "tblPr"), "w:tblPr in a table")
        width = edit.expect("word/document.xml", ppr.find(W + "tblW"), "w:tblW in a table's w:tblPr")
        if width.get(W + "type") == "auto" and width.get(W + "w") == "0":
            width.set(W + "type", "pct")
            width.set(W + "w", "5000")
    if tables:
        area = text_area(document)
        if area is None:
            raise AixError(
                "pandoc's word/document.xml has no page size and margins (w:sectPr); cannot size tables"
            )
        size_tables(document, area)


def _add_store_part(edit: Parts) -> None:
    """The store's relationship from the document and its properties part's content type."""
    rels = edit.xml("word/_rels/document.xml.rels")
    etree.SubElement(
        rels, PKG_REL + "Relationship", Id="rIdAixStore", Type=REL_CUSTOM_XML, Target="../customXml/item1.xml"
    )
    types = edit.xml("[Content_Types].xml")
    etree.SubElement(
        types, CT + "Override", PartName="/customXml/itemProps1.xml", ContentType=CT_CUSTOM_XML_PROPS
    )
    if not any(d.get("Extension") == "xml" for d in types.iter(CT + "Default")):
        etree.SubElement(types, CT + "Default", Extension="xml", ContentType="application/xml")


# the elements that follow w:updateFields in w:settings (ECMA-376 part 1, CT_Settings, a sequence)
AFTER_UPDATE_FIELDS = [
    W + t for t in ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids")
] + [f"{{{M_NS}}}mathPr"] + [
    W + t
    for t in (
        "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
    )
] + ["{http://schemas.openxmlformats.org/schemaLibrary/2006/main}schemaLibrary"] + [
    W + t for t in ("shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")
]  # fmt: skip


def _update_fields(settings: etree._Element) -> None:
    """Ask Word to update the fields (the contents list) on opening: w:updateFields at its place in the
    sequence, where Word's schema check expects it."""
    for old in settings.findall(W + "updateFields"):
        settings.remove(old)
    field = _w("updateFields", val="true")
    follower = next((el for el in settings if el.tag in AFTER_UPDATE_FIELDS), None)
    if follower is not None:
        follower.addprevious(field)
    else:
        settings.append(field)


def _w(tag: str, **attrs: str) -> etree._Element:
    """A w: element with w: attributes."""
    el = etree.Element(W + tag)
    for name, value in attrs.items():
        el.set(W + name, value)
    return el


def _fingerprints(
    raw: Path, parts: dict[str, bytes], uids: set[int]
) -> tuple[dict[int, str], dict[int, list[str]], dict[int, list]]:
    """Per unit: the fingerprint of what Word shows, one per element, and the ir itself."""
    stored = io.BytesIO()  # the parts as they will be written, for the reader sync uses
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with DocxPackage(raw, zipfile.ZipFile(stored), tuple(parts), "word/document.xml") as pkg:
        reader = WordReader(pkg)
    segs = store.segment(reader.elements, uids)
    missing = sorted(uids - set(segs.order))
    if missing or segs.merged:
        raise AixError(f"internal error: {len(missing) + len(segs.merged)} unit marker(s) lost in the export")
    shown = {uid: [e.ir for e in els] for uid, els in segs.by_unit.items()}
    whole = {uid: fingerprint(irs) for uid, irs in shown.items()}
    each = {uid: [store.part_fingerprint(e) for e in els] for uid, els in segs.by_unit.items()}
    return whole, each, shown


def core_xml(meta: Meta) -> bytes:
    def el(tag: str, value: str, attr: str = "") -> str:
        return f"<{tag}{attr}>{escape(value)}</{tag}>" if value else ""

    stamp = meta.created.replace("+00:00", "Z")
    w3 = ' xsi:type="dcterms:W3CDTF"'
    description = "Snapshot of the Markdown sources made by aix; aix sync brings edits back."
    body = "".join(
        [
            el("dc:title", meta.title),
            el("dc:subject", meta.subtitle or meta.title),
            el("dc:creator", meta.author),
            el("cp:keywords", "OWASP AI Exchange, AI security"),
            el("dc:description", description),
            el("dc:identifier", f"git:{meta.commit}" if meta.commit else ""),
            el("cp:version", meta.version or meta.date),
            el("cp:contentStatus", f"sources at {meta.commit}" if meta.commit else "sources not in git"),
            el("dcterms:created", stamp, w3),
            el("dcterms:modified", stamp, w3),
            el("cp:lastModifiedBy", "aix"),
            el("cp:revision", "1"),
        ]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<cp:coreProperties xmlns:cp="{CORE_NS}" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{body}</cp:coreProperties>"
    ).encode()


def write_zip(out: Path, members: list[tuple[str, bytes]]) -> None:
    """Write the package beside its destination and rename it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".aix-tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                stored = name.startswith("word/media/") and name.lower().endswith(STORED)
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

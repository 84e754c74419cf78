"""Make styles/reference.docx, the style sheet `aix docx` hands to pandoc: reproducible, never hand-edited.

Starts from the default reference.docx of the pinned pandoc and sets, with python-docx: A4 pages, a page-number
footer, fonts, heading sizes (Heading 1 starts a page), a bordered table style with a shaded header row, and the
custom styles the round trip relies on (their names are the contract with `aix sync`; see converter/roundtrip/styles.py).
The zip is written with fixed timestamps, so running it twice gives the same bytes.

    .venv/bin/python tools/make_reference_docx.py [-o styles/reference.docx]
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter import pandoc  # noqa: E402
from converter.roundtrip import styles as S  # noqa: E402

SANS = "Arial"  # LibreOffice shows it with the metric-compatible Liberation Sans
MONO = "Courier New"  # likewise Liberation Mono
INK = RGBColor(0x1F, 0x2A, 0x44)
ACCENT = RGBColor(0x1C, 0x4E, 0x80)
GREY = RGBColor(0x59, 0x59, 0x59)
HEADINGS = {1: 20, 2: 16, 3: 13, 4: 12, 5: 11, 6: 11, 7: 10, 8: 10, 9: 10}


def default_reference() -> bytes:
    return pandoc.run(["--print-default-data-file", "reference.docx"])


def style(doc, name: str, kind=WD_STYLE_TYPE.PARAGRAPH, base: str | None = None):
    try:
        found = doc.styles[name]
    except KeyError:
        found = doc.styles.add_style(name, kind)
    if base:
        found.base_style = doc.styles[base]
    found.hidden = False
    found.quick_style = True
    return found


def set_font(st, name: str) -> None:
    """Set a style's font; drop theme fonts, which Word would otherwise prefer."""
    st.font.name = name
    rfonts = st.element.get_or_add_rPr().find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        rfonts.attrib.pop(qn(attr), None)


def shade(element, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    element.append(shd)


def border(ppr, side: str, color: str = "A6A6A6", size: int = 6) -> None:
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        pbdr = OxmlElement("w:pBdr")
        ppr.append(pbdr)
    edge = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "4"), ("color", color)):
        edge.set(qn(f"w:{key}"), value)
    pbdr.append(edge)


def build() -> bytes:
    doc = docx.Document(io.BytesIO(default_reference()))
    body = doc.element.body
    for child in list(body):  # pandoc ignores the sample content; keep only the section properties
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.style = style(doc, "Footer", base="Normal")

    normal = doc.styles["Normal"]
    set_font(normal, SANS)
    normal.font.size = Pt(10.5)
    for name in ("Body Text", "First Paragraph"):
        fmt = doc.styles[name].paragraph_format
        fmt.space_before, fmt.space_after = Pt(3), Pt(6)
    doc.styles["Compact"].paragraph_format.space_after = Pt(2)

    for level, size in HEADINGS.items():
        heading = doc.styles[f"Heading {level}"]
        set_font(heading, SANS)
        heading.font.size = Pt(size)
        heading.font.bold = True
        heading.font.italic = level >= 5
        heading.font.color.rgb = INK if level == 1 else ACCENT
        fmt = heading.paragraph_format
        fmt.space_before, fmt.space_after = Pt(18 if level <= 2 else 12), Pt(6)
        fmt.keep_with_next = True
        fmt.page_break_before = level == 1

    title = doc.styles["Title"]
    set_font(title, SANS)
    title.font.size, title.font.color.rgb = Pt(32), INK
    title.paragraph_format.space_before = Pt(160)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for name in ("Subtitle", "Author", "Date"):
        cover = doc.styles[name]
        set_font(cover, SANS)
        cover.font.color.rgb = GREY
        cover.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        cover.paragraph_format.space_before = Pt(14)
    doc.styles["Subtitle"].font.size = Pt(16)
    contents = doc.styles["TOC Heading"]  # "Contents": a heading like Heading 1, not in the theme's font
    set_font(contents, SANS)
    contents.font.size, contents.font.bold, contents.font.color.rgb = Pt(HEADINGS[1]), True, INK
    contents.paragraph_format.page_break_before = True
    for name in ["Title Char"] + [f"Heading {level} Char" for level in HEADINGS]:
        set_font(doc.styles[name], SANS)  # the character styles linked to them: the same family
    for level in range(1, 4):
        toc = style(doc, f"toc {level}", base="Normal")
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.space_after = Pt(2)

    code = style(doc, S.CODE, base="Normal")
    set_font(code, MONO)
    code.font.size = Pt(8.5)
    code.paragraph_format.space_before = code.paragraph_format.space_after = Pt(4)
    shade(code.element.get_or_add_pPr(), "F2F2F2")
    verbatim = doc.styles["Verbatim Char"]
    set_font(verbatim, MONO)
    verbatim.font.size = Pt(9.5)

    quote = doc.styles[S.QUOTE]
    quote.base_style = doc.styles["Body Text"]
    quote.font.color.rgb = GREY
    quote.paragraph_format.left_indent = Cm(0.8)
    quote.paragraph_format.space_before = quote.paragraph_format.space_after = Pt(3)
    border(quote.element.get_or_add_pPr(), "left", "1C4E80", 12)
    for depth in range(2, S.MAX_QUOTE + 1):
        deeper = style(doc, S.quote_style(depth), base=S.QUOTE)
        deeper.paragraph_format.left_indent = Cm(0.8 * depth)

    source = style(doc, S.HUGO_SOURCE, base="Normal")
    set_font(source, MONO)
    source.font.size, source.font.color.rgb = Pt(8), GREY
    source.paragraph_format.space_before = source.paragraph_format.space_after = Pt(2)
    shortcode = style(doc, S.HUGO_SHORTCODE, base=S.HUGO_SOURCE)
    shortcode.font.color.rgb = RGBColor(0x2E, 0x6B, 0x4F)
    for name in (S.HUGO_SOURCE_CHAR, S.HUGO_SHORTCODE_CHAR):
        char = style(doc, name, WD_STYLE_TYPE.CHARACTER)
        set_font(char, MONO)
        char.font.size, char.font.color.rgb = Pt(8.5), GREY
    label = style(doc, S.SHORTCODE_LABEL, base="Normal")  # "Info", "Details": a callout's or tab's title
    label.font.bold, label.font.color.rgb = True, ACCENT
    label.paragraph_format.space_before, label.paragraph_format.space_after = Pt(6), Pt(2)
    label.paragraph_format.keep_with_next = True
    border(label.element.get_or_add_pPr(), "top", "1C4E80", 6)
    rule = style(doc, S.THEMATIC_BREAK, base="Normal")
    rule.font.color.rgb = GREY
    rule.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rule.paragraph_format.space_before = rule.paragraph_format.space_after = Pt(6)
    version = style(doc, S.COVER_NOTE, base="Normal")
    version.font.color.rgb, version.font.size = GREY, Pt(9)

    body = doc.styles["Body Text"]
    for name in (S.HUGO_SOURCE, S.HUGO_SHORTCODE, S.SHORTCODE_LABEL, S.THEMATIC_BREAK, S.COVER_NOTE):
        doc.styles[name].next_paragraph_style = body  # Enter after them: back to ordinary text
    table_style(doc)
    return reproducible(doc)


def table_style(doc) -> None:
    """Pandoc's 'Table' style with borders, cell margins and a shaded, bold header row."""
    table = doc.styles["Table"].element
    tblpr = table.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        table.append(tblpr)
    for old in tblpr.findall(qn("w:tblBorders")) + tblpr.findall(qn("w:tblCellMar")):
        tblpr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "A6A6A6")):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", 40), ("left", 80), ("bottom", 40), ("right", 80)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(width))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tblpr.append(margins)
    for old in table.findall(qn("w:tblStylePr")):
        table.remove(old)
    header = OxmlElement("w:tblStylePr")
    header.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    header.append(rpr)
    tcpr = OxmlElement("w:tcPr")
    shade(tcpr, "DCE6F0")
    header.append(tcpr)
    table.append(header)


def reproducible(doc) -> bytes:
    """Save, then rewrite the zip with fixed timestamps and fixed core properties."""
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = "aix reference styles", "aix", "aix"
    props.revision = 1
    props.created = props.modified = datetime(2026, 1, 1)
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "styles" / "reference.docx")
    args = parser.parse_args()
    data = build()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The one Word layer (converter/ooxml): on/off properties, styles with inheritance, read alike by sync and import."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from converter.ooxml.elements import on
from converter.ooxml.namespaces import W_NS, W
from converter.ooxml.package import open_docx
from converter.ooxml.styles import Styles
from converter.roundtrip.reader import WordReader
from converter.wordimport import cleanup

# valid ST_OnOff values, and some a hand-made file holds
VALUES = ["0", "false", "off", "1", "true", "on", None, "none", "False", "TRUE", "x", ""]


def _docx(tmp_path: Path, runs: str, styles: str = "") -> Path:
    """A minimal package around a body paragraph of the given runs."""
    path = tmp_path / "t.docx"
    ns = f'xmlns:w="{W_NS}"'
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/>'
            '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.styles+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/_rels/document.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/styles" Target="styles.xml"/></Relationships>',
        )
        z.writestr("word/styles.xml", f'<?xml version="1.0"?><w:styles {ns}>{styles}</w:styles>')
        z.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document {ns}><w:body><w:p>{runs}</w:p></w:body></w:document>',
        )
    return path


def _run(text: str, prop: str, value: str | None) -> str:
    attr = "" if value is None else f' w:val="{value}"'
    return f'<w:r><w:rPr><w:{prop}{attr}/></w:rPr><w:t xml:space="preserve">[{text}] </w:t></w:r>'


def _label(value: str | None) -> str:
    return "absent" if value is None else value or "empty"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", False), ("false", False), ("off", False), ("1", True), ("true", True), ("on", True), (None, True)],
)
def it_reads_on_off_properties_as_ecma_376_says(value, expected):
    attr = "" if value is None else f' w:val="{value}"'
    assert on(etree.fromstring(f'<w:b xmlns:w="{W_NS}"{attr}/>')) is expected
    assert on(None) is False


def it_gives_sync_and_import_one_rule_for_false_valued_properties(tmp_path):
    """Bold as sync reads it and hidden text as import drops it follow the same rule for every value."""
    runs = "".join(_run(_label(v), "b", v) for v in VALUES)
    with open_docx(_docx(tmp_path, runs)) as pkg:
        pieces = WordReader(pkg).elements[0].ir[3]
    bold = {t.strip("[] ") for text, marks in pieces if "b" in marks for t in re.findall(r"\[[^]]*\]", text)}
    body = etree.fromstring(
        f'<w:body xmlns:w="{W_NS}"><w:p>{"".join(_run(_label(v), "vanish", v) for v in VALUES)}</w:p></w:body>'
    )
    cleanup.drop_hidden(body)
    shown = {t.text.strip("[] ") for t in body.iter(W + "t")}
    hidden = {_label(v) for v in VALUES} - shown
    assert bold == hidden == {"1", "true", "on", "absent"}


def it_reads_on_off_values_as_libreoffice_draws_them(tmp_path, soffice):
    """The oracle: LibreOffice's own rendering of runs bold with each value (outside the schema too)."""
    runs = "".join(_run(_label(v), "b", v) for v in VALUES)
    path = _docx(tmp_path, runs)
    html = soffice(path, "html", tmp_path / "lo").read_text("utf-8", "replace")
    drawn_bold = set()
    for chunk in re.findall(r"<b>(.*?)</b>", html, re.S):
        drawn_bold |= {t.strip("[] ") for t in re.findall(r"\[[^]]*\]", chunk)}
    with open_docx(path) as pkg:
        pieces = WordReader(pkg).elements[0].ir[3]
    read_bold = {
        t.strip("[] ") for text, marks in pieces if "b" in marks for t in re.findall(r"\[[^]]*\]", text)
    }
    assert read_bold == drawn_bold


STYLES = (
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="H"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>'
    '<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="HX"><w:name w:val="My Heading"/><w:basedOn w:val="H"/></w:style>'
    '<w:style w:type="character" w:styleId="Loud"><w:name w:val="Loud"/><w:rPr><w:b/></w:rPr></w:style>'
    '<w:style w:type="character" w:styleId="Louder"><w:name w:val="Louder"/><w:basedOn w:val="Loud"/>'
    "<w:rPr><w:i/></w:rPr></w:style>"
    '<w:style w:type="character" w:styleId="Quiet"><w:name w:val="Quiet"/><w:rPr><w:b w:val="off"/></w:rPr>'
    "</w:style>"
)


def it_inherits_styles_through_based_on(tmp_path):
    styles = Styles(etree.fromstring(f'<w:styles xmlns:w="{W_NS}">{STYLES}</w:styles>'))
    assert styles.default == "Normal"
    assert styles.outline("HX") == 0 and styles.outline("Normal") is None
    assert [s.id for s in styles.chain("HX")] == ["HX", "H", "Normal"]
    assert styles.id_named("HEADING 1") == "H" and styles.id_named("Loud") is None  # paragraph styles only
    runs = (
        '<w:r><w:rPr><w:rStyle w:val="Louder"/></w:rPr><w:t>a</w:t></w:r>'
        '<w:r><w:rPr><w:rStyle w:val="Quiet"/></w:rPr><w:t>b</w:t></w:r>'
    )
    with open_docx(_docx(tmp_path, runs, STYLES)) as pkg:
        assert WordReader(pkg).elements[0].ir[3] == (("a", ("b", "i")), ("b", ()))

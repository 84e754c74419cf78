"""Bad Word files: each refused before anything reads it, with one line naming the file (exit status 2)."""

from __future__ import annotations

import codecs
import functools
import io
import re
import struct
import zipfile

import docx
import pytest
from click.testing import CliRunner

from converter.__main__ import cli
from converter.errors import InputError
from converter.ooxml.package import open_docx
from converter.pipeline import build_model
from converter.roundtrip.export import export_docx


def _valid_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("hello")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _rezip(source: bytes, replace: dict[str, bytes | None] | None = None, add=()) -> bytes:
    """The package with some parts replaced (None drops a part) and extra (name, bytes) entries."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = replace.get(info.filename, src.read(info.filename))
            if data is not None:
                dst.writestr(info.filename, data)
        for name, data in add:
            info = zipfile.ZipInfo(name)  # as a ZipInfo, zipfile writes an empty name too
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    return out.getvalue()


def _lying_sizes(source: bytes, part: str, size: int) -> bytes:
    """The package with the central directory declaring `size` uncompressed bytes for `part`."""
    data = bytearray(source)
    name = part.encode()
    at = 0
    while True:
        at = data.index(b"PK\x01\x02", at)
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_len]) == name:
            struct.pack_into("<I", data, at + 24, size)
            return bytes(data)
        at += 4


def _corrupt(source: bytes, part: str) -> bytes:
    """The package with bytes in the middle of a part's compressed data flipped."""
    with zipfile.ZipFile(io.BytesIO(source)) as zf:
        info = zf.getinfo(part)
    data = bytearray(source)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + info.compress_size // 3, start + info.compress_size // 3 + 16):
        data[i] ^= 0xFF
    return bytes(data)


DTD = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><w:document/>'
BAD = {
    "not-a-zip": (lambda: b"This is a text file, not a Word document.\n", "not a Word document"),
    "truncated-zip": (lambda: _valid_docx()[:2000], "not a Word document"),
    "corrupt-part": (lambda: _corrupt(_valid_docx(), "word/document.xml"), "corrupt Word file"),
    "declared-bomb": (
        lambda: _lying_sizes(_valid_docx(), "word/document.xml", 3_000_000_000),
        "a zip bomb",
    ),
    "understated-size": (lambda: _lying_sizes(_valid_docx(), "word/document.xml", 200), "corrupt Word file"),
    "real-bomb": (lambda: _rezip(_valid_docx(), add=[("word/media/x.bin", bytes(40_000_000))]), "zip bomb"),
    "dtd-entities": (lambda: _rezip(_valid_docx(), {"word/document.xml": DTD}), "DTD or entity"),
    "dotdot-media": (
        lambda: _rezip(_valid_docx(), add=[("word/media/../../../evil.png", b"\x89PNG")]),
        "unsafe part name",
    ),
    "absolute-name": (lambda: _rezip(_valid_docx(), add=[("/tmp/evil.png", b"x")]), "unsafe part name"),
    "no-document": (lambda: _rezip(_valid_docx(), {"word/document.xml": None}), "is missing"),
    "no-content-types": (lambda: _rezip(_valid_docx(), {"[Content_Types].xml": None}), "Content_Types"),
    "no-package-rels": (lambda: _rezip(_valid_docx(), {"_rels/.rels": None}), "names no main document part"),
    "empty-part-name": (lambda: _rezip(_valid_docx(), add=[("", b"x")]), "unsafe part name ''"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def it_refuses_a_bad_word_file_naming_it(tmp_path, case):
    make, expected = BAD[case]
    bad = tmp_path / f"{case}.docx"
    bad.write_bytes(make())
    with pytest.raises(InputError) as raised:
        open_docx(bad)
    assert raised.value.exit_code == 2
    assert raised.value.format_message().startswith(f"{bad}: error: ")
    assert expected in raised.value.format_message()


def it_opens_a_good_package_and_names_its_parts(tmp_path):
    good = tmp_path / "good.docx"
    good.write_bytes(_valid_docx())
    with open_docx(good) as pkg:
        assert pkg.main == "word/document.xml"
        assert "word/styles.xml" in pkg.parts and "[Content_Types].xml" in pkg.parts
        assert pkg.xml("word/document.xml").tag.endswith("}document")
        assert pkg.xml("word/absent.xml") is None
        assert any(r.target == "word/styles.xml" for r in pkg.rels(pkg.main).values())


def it_refuses_entities_in_any_xml_part_before_reading_it(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(_rezip(_valid_docx(), {"word/settings.xml": DTD}))
    with pytest.raises(InputError, match="word/settings.xml"):
        open_docx(bad)


@pytest.mark.parametrize("case", sorted(BAD))
def it_makes_aix_import_exit_2_in_one_line_writing_nothing(tmp_path, case):
    make, expected = BAD[case]
    bad = tmp_path / f"{case}.docx"
    bad.write_bytes(make())
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["import", str(bad), "-o", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert lines[0].startswith(f"{bad}: error: ") and expected in lines[0], lines[0]
    assert [p.name for p in tmp_path.iterdir()] == [bad.name]  # no DIR, no images, nothing outside


def it_refuses_a_document_without_a_body_before_pandoc_sees_it(tmp_path):
    """Pandoc fails on it ("couldn't parse docx file"), which aix import reported as exit status 1."""
    source = _valid_docx()
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        document = z.read("word/document.xml")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(
        _rezip(source, {"word/document.xml": re.sub(rb"<w:body>.*</w:body>", b"", document, flags=re.S)})
    )
    result = CliRunner().invoke(cli, ["import", str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"{bad}: error: not a Word document: word/document.xml has no body (w:body)\n"
    assert not (tmp_path / "out").exists()


# -- encodings: a DTD is refused in whatever encoding the XML parser would read ---------------------------------

XXE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
ENCODINGS = {  # name -> (Python codec, byte order mark, the name the XML declaration gives)
    "utf-8": ("utf-8", codecs.BOM_UTF8, "UTF-8"),
    "utf-16-le": ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
    "utf-16-be": ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16"),
    "utf-32-le": ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32"),
    "utf-32-be": ("utf-32-be", codecs.BOM_UTF32_BE, "UTF-32"),
}


def reencode(xml: bytes, *, name: str, bom: bool, dtd: bool = True, word: bytes = b"hello") -> bytes:
    """A UTF-8 XML part in another encoding (declared as such), with a DTD and `&xxe;` in its text."""
    codec, mark, declared = ENCODINGS[name]
    text = xml.decode("utf-8")
    declaration, rest = text.split("?>", 1)
    declaration = re.sub(r"encoding=[\"'][^\"']*[\"']", f'encoding="{declared}"', declaration) + "?>"
    if dtd:
        rest = XXE + rest.replace(word.decode(), word.decode() + " &xxe; after the entity", 1)
    return (mark if bom else b"") + (declaration + rest).encode(codec)


CASES = [(name, bom) for name in ENCODINGS for bom in (True, False)]


@pytest.mark.parametrize(("name", "bom"), CASES, ids=[f"{n}-{'bom' if b else 'no-bom'}" for n, b in CASES])
def it_refuses_a_dtd_in_any_encoding(tmp_path, name, bom):
    source = _valid_docx()
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        document = z.read("word/document.xml")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(_rezip(source, {"word/document.xml": reencode(document, name=name, bom=bom)}))
    with pytest.raises(InputError) as raised:
        open_docx(bad)
    assert raised.value.exit_code == 2
    assert raised.value.format_message().startswith(f"{bad}: error: refused: word/document.xml ")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["import", str(bad), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output, result.output
    assert not out.exists()


@pytest.mark.parametrize(("name", "bom"), CASES, ids=[f"{n}-{'bom' if b else 'no-bom'}" for n, b in CASES])
def it_makes_aix_sync_refuse_a_dtd_in_any_encoding_writing_nothing(make_site, tmp_path, name, bom):
    site = make_site({"content/docs/a.md": "---\ntitle: A\n---\n\nAlpha text one.\n\nAlpha text two.\n"})
    snapshot = tmp_path / "snap.docx"
    export_docx(build_model(site), snapshot)
    with zipfile.ZipFile(snapshot) as z:
        document = z.read("word/document.xml")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(
        _rezip(
            snapshot.read_bytes(),
            {"word/document.xml": reencode(document, name=name, bom=bom, word=b"Alpha text one")},
        )
    )
    page = site / "content/docs/a.md"
    before = page.read_bytes()
    result = CliRunner().invoke(cli, ["sync", str(bad), str(site), "--write"])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output, result.output
    assert result.stderr.startswith(f"{bad}: error: refused: word/document.xml ")
    assert page.read_bytes() == before
    assert sorted(p.name for p in site.rglob("*")) == ["a.md", "content", "docs", "hugo.yaml"]


# A part may be UTF-8 or UTF-16 (OPC, ECMA-376 Part 2, 8.1.4), and UTF-16 begins with its byte order mark
# (XML 1.0, 4.3.3). Those are read; every other encoding is refused rather than guessed at.
READ = [("utf-8", False), ("utf-8", True), ("utf-16-le", True), ("utf-16-be", True)]
REFUSED = [
    ("utf-16-le", False),
    ("utf-16-be", False),
    *[(n, b) for n in ("utf-32-le", "utf-32-be") for b in (1, 0)],
]


@pytest.mark.parametrize(("name", "bom"), READ, ids=[f"{n}-{'bom' if b else 'no-bom'}" for n, b in READ])
def it_reads_a_package_in_utf8_or_utf16_with_its_bom(make_site, tmp_path, name, bom):
    site = make_site({"content/docs/a.md": "---\ntitle: A\n---\n\nAlpha text one.\n\nÜber 安全 😀 two.\n"})
    snapshot = tmp_path / "snap.docx"
    export_docx(build_model(site), snapshot)
    with zipfile.ZipFile(snapshot) as z:
        parts = {
            n: reencode(z.read(n), name=name, bom=bom, dtd=False)
            for n in z.namelist()
            if n.endswith((".xml", ".rels"))
        }
    other = tmp_path / "other.docx"
    other.write_bytes(_rezip(snapshot.read_bytes(), parts))
    before = (site / "content/docs/a.md").read_bytes()
    result = CliRunner().invoke(cli, ["sync", str(other), str(site), "--write"])
    assert result.exit_code == 0, result.output
    assert "0 file(s) changed" in result.stderr and (site / "content/docs/a.md").read_bytes() == before
    result = CliRunner().invoke(cli, ["import", str(other), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Über 安全 😀 two." in (tmp_path / "out/other.md").read_text()


def declare(xml: bytes, encoding: str) -> bytes:
    return re.sub(rb"encoding=[\"'][^\"']*[\"']", f'encoding="{encoding}"'.encode(), xml, count=1)


OTHER = {  # a declaration that names an encoding no Word part may use, and the bytes it would be read as
    "iso-8859-1": lambda xml: declare(xml, "ISO-8859-1").replace(b"hello", "h\u00e9llo".encode("latin-1")),
    "iso-8859-1-ascii": lambda xml: declare(xml, "ISO-8859-1"),
    "utf-7": lambda xml: declare(xml, "UTF-7").replace(
        b"?>", b"?>+ADw-!DOCTYPE w +AFs-+ADw-!ENTITY x +ACI-y+ACI-+AD4-+AF0-+AD4-", 1
    ),
    "ebcdic": lambda xml: declare(xml, "IBM037").decode().encode("cp037"),
    **{
        f"{n}-{'bom' if b else 'no-bom'}": functools.partial(reencode, name=n, bom=b, dtd=False)
        for n, b in REFUSED
    },
}


@pytest.mark.parametrize("case", sorted(OTHER))
def it_refuses_any_other_encoding(tmp_path, case):
    source = _valid_docx()
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        document = z.read("word/document.xml")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(_rezip(source, {"word/document.xml": OTHER[case](document)}))
    with pytest.raises(InputError, match=r"^refused: word/document.xml (is not|declares)"):
        open_docx(bad)
    result = CliRunner().invoke(cli, ["import", str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.output

"""Bad Word files: each refused before anything reads it, with one line naming the file (exit status 2)."""

from __future__ import annotations

import io
import struct
import zipfile

import docx
import pytest
from click.testing import CliRunner

from converter.__main__ import cli
from converter.docx_package import open_docx
from converter.errors import InputError


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
            dst.writestr(name, data)
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

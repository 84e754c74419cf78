"""open_docx: the one door for Word files we are sent; each bad input is a one-line InputError (exit 2)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from converter.docx_package import open_docx
from converter.errors import InputError

CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>"
)


def package(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def good() -> dict[str, bytes]:
    return {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS, "word/document.xml": DOCUMENT}


def refused(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "in.docx"
    path.write_bytes(data)
    with pytest.raises(InputError) as e:
        open_docx(path)
    assert e.value.exit_code == 2
    text = e.value.format_message()
    assert "\n" not in text and str(path) in text and message in text, text


def it_opens_a_minimal_document(tmp_path):
    path = tmp_path / "ok.docx"
    path.write_bytes(package(good()))
    pkg = open_docx(path)
    assert pkg.main == "word/document.xml"
    assert pkg.xml(pkg.main).findtext(".//{*}t") == "Hello"


def it_refuses_what_is_not_a_zip(tmp_path):
    refused(tmp_path, b"%PDF-1.7 not a word file", "not a Word document (not a zip file)")


def it_refuses_a_corrupt_zip(tmp_path):
    data = bytearray(package(good(), zipfile.ZIP_STORED))
    at = data.find(b"Hello")
    data[at : at + 5] = b"Jello"  # the stored CRC no longer matches
    refused(tmp_path, bytes(data), "corrupt zip file")


def it_refuses_a_zip_bomb_by_its_declared_size(tmp_path):
    data = bytearray(package({**good(), "word/media/big.bin": b"x" * 1000}, zipfile.ZIP_STORED))
    # declare 4 GB for the member, in both the local header and the central directory
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = -1
        while (pos := data.find(sig, pos + 1)) >= 0:
            name_len = struct.unpack("<H", data[pos + (26 if sig == b"PK\x03\x04" else 28) :][:2])[0]
            start = pos + (30 if sig == b"PK\x03\x04" else 46)
            if data[start : start + name_len] == b"word/media/big.bin":
                data[pos + offset : pos + offset + 4] = struct.pack("<I", 0xFFFFFFF0)
    refused(tmp_path, bytes(data), "zip bomb refused")


def it_refuses_a_zip_bomb_by_its_real_size(tmp_path):
    # 200 MB of zeros deflate to about 200 KB: far beyond what a document of that size holds
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = bomb.compress(b"\0" * (200 * 1024 * 1024)) + bomb.flush()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in good().items():
            z.writestr(name, data)
        info = zipfile.ZipInfo("word/media/zeros.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, b"")
    data = out.getvalue()
    # splice the bomb in as the last member's data, declaring a harmless small size
    pos = data.rfind(b"PK\x03\x04")
    header = bytearray(data[pos : pos + 30 + len("word/media/zeros.bin")])
    crc = zlib.crc32(b"\0" * (200 * 1024 * 1024))
    header[14:26] = struct.pack("<III", crc, len(raw), 10)
    central = data[data.find(b"PK\x01\x02") :]
    prefix = data[:pos]
    body = prefix + bytes(header) + raw
    central = bytearray(central)
    cpos = central.rfind(b"PK\x01\x02")
    central[cpos + 16 : cpos + 28] = struct.pack("<III", crc, len(raw), 10)
    end = central.find(b"PK\x05\x06")
    central[end + 16 : end + 20] = struct.pack("<I", len(body))
    refused(tmp_path, body + bytes(central), "zip bomb refused")


def it_refuses_xml_with_a_dtd_or_entities(tmp_path):
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&x;</w:document>'
    )
    path = tmp_path / "in.docx"
    path.write_bytes(package({**good(), "word/document.xml": evil}))
    pkg = open_docx(path)
    with pytest.raises(InputError, match="DTD or entity"):
        pkg.xml("word/document.xml")


def it_refuses_member_names_that_climb_out(tmp_path):
    for name in ("word/media/../../../evil.png", "/etc/passwd", "C:/x.png", "word\\media\\x.png"):
        refused(tmp_path, package({**good(), name: b"x"}), "climbs out of the package")


def it_refuses_a_package_without_its_parts(tmp_path):
    refused(tmp_path, package({"_rels/.rels": RELS, "word/document.xml": DOCUMENT}), "no [Content_Types].xml")
    members = good()
    del members["word/document.xml"]
    refused(tmp_path, package(members), "the main part word/document.xml is missing")


def it_refuses_a_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        open_docx(tmp_path / "nothing.docx")

"""Open a .docx safely: every check an untrusted Word file needs before anything reads its parts.

A .docx is a zip of XML parts. Before any part is parsed (by us, python-docx or pandoc) this module
refuses: a file that is not a zip or whose zip is corrupt; a zip bomb (more parts than a document has,
or a declared uncompressed size far beyond the file's size, in total or per part); part names that
could escape a folder (``../``, absolute paths, backslashes, drive letters); XML in an encoding a
package may not use (only UTF-8, and UTF-16 with its byte order mark: libxml2 would also read UTF-32,
UTF-7 or EBCDIC, where a DTD hides from any pattern); XML with a DTD or entity declarations (billion
laughs, external entities), found both in the decoded text and by lxml, parsing with DTDs, entities
and the network off; XML that does not parse; and a package without its main document part.
Every refusal is an ``InputError`` (exit status 2) with one line naming the file and the part.

API (shared with ``aix sync``)::

    with open_docx(path) as pkg:      # DocxPackage: pkg.zip (ZipFile), pkg.parts (checked names)
        xml = pkg.read(pkg.main)      # bytes, capped at the declared size, XML checked
        root = pkg.xml("word/numbering.xml")   # an lxml element, or None when the part is absent
        body = pkg.document().find(W + "body")   # the main part's root, always present
        rels = pkg.rels(pkg.main)     # {rId: Relationship}
        part = pkg.related(pkg.main, "styles")   # "word/styles.xml", or None

``open_docx`` already reads and parses every XML part once (capped, CRC, encoding and DTD checked) and
keeps its bytes, a UTF-16 part written again as UTF-8, so every reader after it (pandoc too) gets
checked UTF-8. Reads are capped by the declared size (the
zip module stops there and checks the CRC), and the declared sizes are checked up front, so a lying
header can make a read neither grow without bound nor pass unnoticed.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import InputError
from .namespaces import REL, REL_OFFICE_DOCUMENT, REL_STRICT, REL_STRICT_OFFICE_DOCUMENT

MAX_PARTS = 10_000
MAX_PART_BYTES = 256 * 1024 * 1024  # one part, uncompressed (a large embedded video would exceed it)
MAX_XML_BYTES = 64 * 1024 * 1024  # one XML part (the document part of 150 pages is about 2 MB)
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # all parts, uncompressed
MAX_RATIO = 200  # uncompressed : compressed, for parts above RATIO_FLOOR (Word XML deflates about 10:1)
RATIO_FLOOR = 1024 * 1024
MAX_TOTAL_RATIO = 100  # all parts uncompressed : the file's size, above TOTAL_FLOOR
TOTAL_FLOOR = 64 * 1024 * 1024

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ENCODING = re.compile(r"""<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")
_UTF16 = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}
_UNSAFE_NAME = re.compile(r"\A\Z|(^|/)\.\.?(/|$)|^/|\\|^[A-Za-z]:|\x00")  # empty too: zipfile fails on it
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


@dataclass(frozen=True, slots=True)
class Relationship:
    id: str
    type: str
    target: str  # a part name inside the package, or the URL when external
    external: bool


@dataclass(slots=True)
class DocxPackage:
    """An opened, checked .docx: the zip, the names of its parts, and capped, checked readers."""

    path: Path
    zip: zipfile.ZipFile
    parts: tuple[str, ...]
    main: str  # the main document part, e.g. "word/document.xml"
    checked: dict[str, bytes] = field(default_factory=dict, repr=False)  # XML parts read and checked

    def __enter__(self) -> DocxPackage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.zip.close()

    def read(self, name: str) -> bytes:
        """The bytes of a part; an XML part checked (encoding, DTD, well-formed) and in UTF-8."""
        if name in self.checked:
            return self.checked[name]
        if name not in self.parts:
            raise _refuse(self.path, f"the document has no part {name}")
        info = self.zip.getinfo(name)
        try:
            with self.zip.open(info) as f:
                data = f.read(info.file_size + 1)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError) as e:
            raise _refuse(self.path, f"corrupt Word file: part {name}: {_reason(e)}") from None
        except NotImplementedError as e:
            raise _refuse(self.path, f"unsupported compression in part {name}: {e}") from None
        if len(data) > info.file_size:
            raise _refuse(self.path, f"corrupt Word file: part {name} is larger than declared")
        if is_xml_part(name):
            root = parse_xml(data, self.path, name)
            if not data.startswith(codecs.BOM_UTF8) and data[:2] in _UTF16:
                data = serialize_xml(root)
            self.checked[name] = data
        return data

    def xml(self, name: str) -> etree._Element | None:
        """The parsed root of an XML part, or None when the package has no such part."""
        if name not in self.parts:
            return None
        return parse_xml(self.read(name), self.path, name)

    def document(self) -> etree._Element:
        """The parsed root of the main document part, which `open_docx` found and checked."""
        root = self.xml(self.main)
        assert root is not None, "open_docx refuses a package without its main part"
        return root

    def rels(self, part: str) -> dict[str, Relationship]:
        """The relationships of a part, targets resolved to part names (external ones kept as URLs)."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, Relationship] = {}
        for rel in root if root is not None else ():
            if not isinstance(rel.tag, str) or not rel.tag.endswith("}Relationship"):
                continue
            rid, target = rel.get("Id", ""), rel.get("Target", "")
            external = rel.get("TargetMode") == "External"
            if not external:
                target = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                target = posixpath.normpath(target)
            out[rid] = Relationship(rid, rel.get("Type", ""), target, external)
        return out

    def related(self, part: str, kind: str) -> str | None:
        """The part that `part` points at with a relationship of this kind ("styles", "numbering",
        "comments"), when the package holds it."""
        types = (REL + kind, REL_STRICT + kind)
        for rel in self.rels(part).values():
            if not rel.external and rel.type in types and rel.target in self.parts:
                return rel.target
        return None


def open_docx(path: str | Path) -> DocxPackage:
    """Open and check a .docx; raises InputError (exit 2) naming the file for anything unusable."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist")
    if not path.is_file():
        raise InputError(f"{path} is not a file")
    size = path.stat().st_size
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _refuse(path, "not a Word document (not a zip file, or a corrupt one)") from None
    except (OSError, EOFError, ValueError) as e:
        raise _refuse(path, f"cannot read it as a zip file: {_reason(e)}") from None
    try:
        pkg = DocxPackage(path, zf, _check_entries(zf, path, size), "")
        for name in pkg.parts:
            if is_xml_part(name):
                pkg.read(name)  # capped read, CRC and DTD checks before any other reader sees it
        pkg.main = _main_part(pkg)
        return pkg
    except BaseException:
        zf.close()
        raise


def _check_entries(zf: zipfile.ZipFile, path: Path, size: int) -> tuple[str, ...]:
    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        raise _refuse(path, f"refused: {len(infos)} parts in the zip (a zip bomb?); at most {MAX_PARTS}")
    total = 0
    names = []
    for info in infos:
        name = info.filename
        if _UNSAFE_NAME.search(name):
            raise _refuse(path, f"refused: unsafe part name {name!r} (it could escape a folder)")
        if info.flag_bits & 0x1:
            raise _refuse(path, f"refused: encrypted part {name}")
        ratio = info.file_size // max(info.compress_size, 1)
        limit = MAX_XML_BYTES if is_xml_part(name) else MAX_PART_BYTES
        if info.file_size > limit or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise _refuse(
                path,
                f"refused: part {name} declares {_mb(info.file_size)} uncompressed, {ratio}:1 (a zip bomb?)",
            )
        total += info.file_size
        if not name.endswith("/"):
            names.append(name)
    if total > MAX_TOTAL_BYTES or (total > TOTAL_FLOOR and total > MAX_TOTAL_RATIO * max(size, 1)):
        raise _refuse(path, f"refused: {_mb(total)} uncompressed from a {_mb(size)} file (a zip bomb?)")
    if len(set(names)) != len(names):
        raise _refuse(path, "refused: the zip names a part twice")
    return tuple(names)


def _main_part(pkg: DocxPackage) -> str:
    if "[Content_Types].xml" not in pkg.parts:
        raise _refuse(pkg.path, "not a Word document: no [Content_Types].xml")
    main = None
    for rel in pkg.rels("").values():
        if rel.type in (REL_OFFICE_DOCUMENT, REL_STRICT_OFFICE_DOCUMENT) and not rel.external:
            main = rel.target
    if main is None:  # Word and pandoc find the document only through this relationship
        raise _refuse(pkg.path, "not a Word document: _rels/.rels names no main document part")
    if main not in pkg.parts:
        raise _refuse(pkg.path, f"not a Word document: its main part {main} is missing")
    return main


def is_xml_part(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".vml"))


def parse_xml(data: bytes, path: Path | str, name: str) -> etree._Element:
    """The root of an XML part, parsed with DTDs, entities and the network off, after the checks of
    `_text`; a DTD that lxml still reports (in whatever encoding) is refused too."""
    if _DECLARATION.search(_text(data, path, name)):
        raise _refuse(path, f"refused: {name} holds XML with a DTD or entity declarations")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise _refuse(path, f"invalid XML in {name}: {_one_line(e)}") from None
    docinfo = root.getroottree().docinfo
    doctype = docinfo.doctype  # type: ignore[union-attr]  # lxml-stubs 0.5 lack DocInfo.doctype
    if doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _refuse(path, f"refused: {name} holds XML with a DTD or entity declarations")
    return root


def serialize_xml(root: etree._Element) -> bytes:
    """A parsed part as UTF-8 bytes, its XML declaration keeping the standalone flag it was read with."""
    standalone = root.getroottree().docinfo.standalone
    if standalone is None:  # lxml writes no standalone flag for None, but its stubs only allow a bool
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=standalone)


def _text(data: bytes, path: Path | str, name: str) -> str:
    """The part's text, decoded as an XML parser would (XML 1.0 Appendix F), when it is in an encoding a
    package may use: UTF-8, or UTF-16 beginning with its byte order mark (ECMA-376 Part 2, 8.1.4; XML 1.0,
    4.3.3). Anything else is refused, not guessed at: UTF-32, UTF-16 without a BOM, a declared ISO-8859-1,
    UTF-7 or EBCDIC would each be read by libxml2 while hiding a DTD from a search in UTF-8."""
    codec = "utf-8"
    declared: tuple[str, ...] = ("utf-8", "utf8")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _refuse(path, f"refused: {name} is not UTF-8 or UTF-16 (a UTF-32 byte order mark)")
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data[:2] in _UTF16:
        codec, declared, data = _UTF16[data[:2]], ("utf-16", "utf-16le", "utf-16be"), data[2:]
    declaration = _ENCODING.match(data[:256].decode(codec, "replace"))
    if declaration and declaration.group(1).lower() not in declared:
        what = declaration.group(1)[:40].encode("ascii", "backslashreplace").decode()
        raise _refuse(path, f"refused: {name} declares the encoding {what}; a Word part is UTF-8 or UTF-16")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as e:
        raise _refuse(
            path, f"refused: {name} is not {codec.upper()} (byte 0x{data[e.start]:02x} at offset {e.start})"
        ) from None
    if "\x00" in text:  # never in XML; the ASCII of UTF-16 or UTF-32 without a byte order mark
        raise _refuse(
            path, f"refused: {name} is not UTF-8 or UTF-16 with a byte order mark (it holds NUL bytes)"
        )
    return text


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())


def _refuse(path: Path | str, message: str) -> InputError:
    return InputError(message, where=str(path))


def _reason(e: BaseException) -> str:
    return str(e) or type(e).__name__


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"

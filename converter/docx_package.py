"""Open a .docx file that someone sent us, refusing what could hurt: the one door for `aix sync` and `aix import`.

    pkg = open_docx(path)            # raises InputError (exit 2) with a one-line reason
    pkg.names                        # member names, in zip order
    pkg.read("word/document.xml")    # bytes (every member was read and CRC-checked on opening)
    pkg.xml("word/document.xml")     # lxml element; a DOCTYPE or entity declaration is refused
    pkg.main                         # the main document part, found through _rels/.rels
    pkg.rels("word/document.xml")    # {rId: Rel(type, target part or URL, external)}
    pkg.related(part, "comments")    # the part a relationship type (its last path segment) points at

Refused, each with a one-line InputError: not a zip, a corrupt zip (bad CRC, truncated, encrypted), a zip bomb
(declared or real uncompressed size far beyond the file's own size), member names that climb out (``../``,
absolute, backslashes, drive letters) or repeat, XML with a DTD or entities, a package without its content types
or main document.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from .errors import InputError

MAX_FILE = 256 * 1024 * 1024  # a .docx larger than this is not a document we were sent to edit
MAX_TOTAL = 1024 * 1024 * 1024  # uncompressed, all members
MAX_RATIO = 100  # uncompressed / file size; real documents stay far below (aix-2026: about 8)
MIN_ALLOWANCE = 64 * 1024 * 1024  # small files may expand this much whatever their ratio
MAX_MEMBERS = 10_000
DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "officeDocument"


@dataclass(slots=True, frozen=True)
class Rel:
    type: str  # the full relationship type URI
    target: str  # a part name (resolved against the source part) or, when external, the URL as written
    external: bool


@dataclass(slots=True)
class DocxPackage:
    path: Path
    names: list[str]
    parts: dict[str, bytes] = field(repr=False)
    main: str = "word/document.xml"
    _xml: dict[str, etree._Element] = field(default_factory=dict, repr=False)

    def has(self, name: str) -> bool:
        return name in self.parts

    def read(self, name: str) -> bytes:
        try:
            return self.parts[name]
        except KeyError:
            raise InputError(f"the document has no part {name}", where=str(self.path)) from None

    def xml(self, name: str) -> etree._Element:
        """The part parsed as XML, without DTDs, entities or network access."""
        if name not in self._xml:
            self._xml[name] = parse_xml(self.read(name), f"{self.path}: {name}")
        return self._xml[name]

    def rels(self, part: str) -> dict[str, Rel]:
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.parts:
            return {}
        out: dict[str, Rel] = {}
        for rel in self.xml(rels_name).iter(f"{{{REL_NS}}}Relationship"):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target") or ""
            if not external:
                target = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
            out[rel.get("Id") or ""] = Rel(rel.get("Type") or "", target, external)
        return out

    def related(self, part: str, kind: str) -> str | None:
        """The first part that `part` relates to with a relationship type ending in '/kind'."""
        for rel in self.rels(part).values():
            if not rel.external and rel.type.rsplit("/", 1)[-1] == kind and rel.target in self.parts:
                return rel.target
        return None


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Parse one XML part; refuse DTDs and entity declarations before the parser sees them."""
    head = data
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            head = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise InputError("an XML part is not valid UTF-16", where=where) from None
    if DOCTYPE.search(head):
        raise InputError("XML with a DTD or entity declarations is refused", where=where)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise InputError(f"broken XML: {e.msg}", where=where) from None


def _check_name(name: str, where: str) -> None:
    if (
        not name
        or "\x00" in name
        or "\\" in name
        or name.startswith("/")
        or re.match(r"^[A-Za-z]:", name)
        or ".." in PurePosixPath(name).parts
    ):
        raise InputError(f"a member name that climbs out of the package: {name!r}", where=where)


def open_docx(path: str | Path) -> DocxPackage:
    """Open, check and read a .docx; raise InputError (exit 2) naming the file and the reason."""
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError("no such file" if not path.exists() else "not a file", where=where)
    size = path.stat().st_size
    if size > MAX_FILE:
        raise InputError(f"file is too large ({size / 1048576:.0f} MB)", where=where)
    if not zipfile.is_zipfile(path):
        raise InputError("not a Word document (not a zip file)", where=where)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, struct.error) as e:
        raise InputError(f"corrupt zip file: {e}", where=where) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InputError(f"too many members in the zip file ({len(infos)})", where=where)
        allowance = min(MAX_TOTAL, max(MIN_ALLOWANCE, MAX_RATIO * size))
        declared = sum(i.file_size for i in infos)
        if declared > allowance:
            raise InputError(
                f"zip bomb refused: {declared / 1048576:.0f} MB uncompressed from a {size / 1024:.0f} KB file",
                where=where,
            )
        seen: set[str] = set()
        parts: dict[str, bytes] = {}
        total = 0
        for info in infos:
            _check_name(info.filename, where)
            if info.filename in seen:
                raise InputError(f"the zip file holds {info.filename} twice", where=where)
            seen.add(info.filename)
            if info.flag_bits & 0x1:
                raise InputError("the document is encrypted", where=where)
            if info.is_dir():
                continue
            if info.compress_type != zipfile.ZIP_STORED and info.compress_size > info.file_size * 1.01 + 1024:
                # deflate never grows data that much: the declared size hides a larger real one
                raise InputError(
                    f"zip bomb refused: {info.filename} declares {info.file_size} bytes but holds "
                    f"{info.compress_size} compressed bytes",
                    where=where,
                )
            try:
                with zf.open(info) as member:
                    data = member.read(allowance - total + 1)
            except (
                zipfile.BadZipFile,
                OSError,
                EOFError,
                ValueError,
                RuntimeError,
                NotImplementedError,
            ) as e:
                raise InputError(f"corrupt zip file ({info.filename}: {e})", where=where) from None
            total += len(data)
            if total > allowance or len(data) > info.file_size:
                raise InputError("zip bomb refused: a member expands beyond its declared size", where=where)
            parts[info.filename] = data
    if "[Content_Types].xml" not in parts:
        raise InputError("not a Word document: no [Content_Types].xml", where=where)
    pkg = DocxPackage(path, [i.filename for i in infos if not i.is_dir()], parts)
    main = None
    if "_rels/.rels" in parts:
        for rel in pkg.rels("").values():
            if rel.type.rsplit("/", 1)[-1] == OFFICE_DOCUMENT and not rel.external:
                main = rel.target
    main = main or "word/document.xml"
    if main not in parts:
        raise InputError(f"not a Word document: the main part {main} is missing", where=where)
    pkg.main = main
    return pkg

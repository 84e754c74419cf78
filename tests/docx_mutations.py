"""Mutations of a Word snapshot, as JSON-able recipes: the docx fuzz suite draws them and the hostile corpus
(tests/fixtures/hostile/*.json) keeps the ones that once crashed aix, so each replays exactly.

A recipe is a list of steps ``[op, *args]``. Part steps change the parts before they are zipped: XML edited
as XML (drop, duplicate, move, retag an element, corrupt an attribute or a text), bytes edited (cut, flip,
insert, replace), a DTD injected or the part re-encoded, the store's JSON or a stored page's path changed
(checksum recomputed or not, as an attacker may); zip steps change the entries (drop, duplicate, add a
hostile name, another compression); byte steps patch the packed zip (declared sizes, compression method,
flags, CRC, cut, junk).
Indexes are taken modulo what is there, so every recipe applies to any snapshot. ``{SENTINEL}`` in a value
is replaced by a folder beside the site that nothing may write into.
"""

from __future__ import annotations

import codecs
import copy
import hashlib
import io
import json
import re
import struct
import warnings
import zipfile
from typing import Any

from lxml import etree

from converter.ooxml.namespaces import W

STORE_NS = "urn:owasp-ai-exchange:aix:snapshot"
STORE_PART = "customXml/item1.xml"
DOCUMENT = "word/document.xml"

HOSTILE_PATHS = [
    "{SENTINEL}/x.md",
    "../sentinel/x.md",
    "content/docs/../../../sentinel/x.md",
    "content/docs/1_general_controls.md",
    "docs/1_general_controls.md",
    "docs/new.md",
    "content/docs/new.md",
    "",
    "/",
    ".",
    "content/docs/",
    "docs/../../x.md",
    "C:\\x.md",
    "content/docs/x.md\x00.txt",
]
VALUES: list[Any] = [
    None,
    -1,
    0,
    1,
    10**12,
    1.5,
    True,
    "",
    "x",
    "h9",
    "tbl",
    "\n\r\t",
    "{{< x >}}",
    "a" * 5000,
    [],
    [[]],
    {},
    {"path": "x"},
    *HOSTILE_PATHS[:3],
    "<delete>",
    "<dup>",
]
ATTRIBUTE_VALUES = ["", "-1", "0", "99999999999", "1e9", "abc", "../../x", "_aixu99999", "#x", "h9", "\u202e"]
TAGS = ["p", "r", "t", "tbl", "tr", "tc", "ins", "del", "delText", "hyperlink", "bookmarkStart", "bookmarkEnd",
        "fldSimple", "instrText", "fldChar", "sdt", "numPr", "ilvl", "pStyle", "comment", "commentRangeStart",
        "body", "document", "drawing", "br", "tab", "moveFrom", "moveTo", "style", "num", "abstractNum"]  # fmt: skip
TEXTS = [
    "",
    " ",
    "x" * 2000,
    "\t\n",
    "[link](javascript:alert(1))",
    "{{< callout >}}",
    "<!--",
    "```",
    "😀" * 50,
]
SNIPPETS = [
    b"<!DOCTYPE x>",
    b"&amp;",
    b"]]>",
    b"<w:p>",
    b"</w:p>",
    b"&#0;",
    b"&#x110000;",
    b"<?xml version='1.0'?>",
    b"\x00",
    b"\xff\xfe",
    b"&xxe;",
    b"<![CDATA[x]]>",
]
DTDS = {  # kind -> the DTD, and the reference to one of its entities put into the text
    "internal": ('<!DOCTYPE w [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>', "&b;"),
    "external": ('<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
    "public": ('<!DOCTYPE w PUBLIC "-//x//EN" "http://127.0.0.1:9/x.dtd">', ""),
    "parameter": ('<!DOCTYPE w [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>', ""),
}
ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "utf-16-le",
    "utf-16-be",
    "utf-32-le",
    "utf-32-be",
    "utf-7",
    "cp037",
    "latin-1",
]
NAMES = [
    "../evil.md",
    "/tmp/evil.md",
    "word/media/../../../evil.png",
    "C:/evil.xml",
    "word\\evil.xml",
    "word/./document.xml",
    "word/document.xml/",
    "customXml/item2.xml",
    "word/media/x.png",
    "",
]
METHODS = {"stored": zipfile.ZIP_STORED, "deflated": zipfile.ZIP_DEFLATED, "bzip2": 12, "lzma": 14}


def parts_of(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return {n: z.read(n) for n in z.namelist()}


def build(recipe: list[list[Any]], parts: dict[str, bytes], sentinel: str) -> bytes:
    """The .docx the recipe makes of the snapshot's parts."""
    recipe = json.loads(json.dumps(recipe).replace("{SENTINEL}", sentinel.replace("\\", "\\\\")))
    entries = [[name, data, zipfile.ZIP_DEFLATED] for name, data in parts.items()]
    for op, *args in recipe:
        if op in PART_STEPS:
            for entry in entries:
                if entry[0] == args[0]:
                    entry[1] = PART_STEPS[op](entry[1], *args[1:])
        elif op in ZIP_STEPS:
            ZIP_STEPS[op](entries, *args)
    data = _pack(entries)
    for op, *args in recipe:
        if op in BYTE_STEPS:
            data = BYTE_STEPS[op](data, *args)
    return data


def _pack(entries: list[list[Any]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as z:
        warnings.simplefilter("ignore")  # "Duplicate name" is what a step asked for
        for name, data, method in entries:
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
    return buf.getvalue()


# -- part steps -----------------------------------------------------------------------------------------------


def _tree(data: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None


def _xml_step(change):
    """A step that edits a part as XML: `change(root, elements, *args)`; a part that does not parse stays."""

    def step(data: bytes, *args) -> bytes:
        root = _tree(data)
        if root is None:
            return data
        change(root, list(root.iter()), *args)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return step


def _drop(root, elements, i):
    element = elements[i % len(elements)]
    if element.getparent() is not None:
        element.getparent().remove(element)


def _dup(root, elements, i):
    element = elements[i % len(elements)]
    if element.getparent() is not None:
        element.addnext(copy.deepcopy(element))


def _move(root, elements, i, j):
    element, into = elements[i % len(elements)], elements[j % len(elements)]
    if element.getparent() is not None and element not in list(into.iterancestors()) + [into]:
        into.insert(j % (len(into) + 1), element)


def _attr(root, elements, i, value):
    with_attrs = [e for e in elements if e.attrib] or elements
    element = with_attrs[i % len(with_attrs)]
    names = list(element.attrib) or [W + "val"]
    element.set(names[i % len(names)], value)


def _tag(root, elements, i, tag):
    """Another Word element in this one's place: a paragraph becomes a table, a run a tracked insertion."""
    element = elements[i % len(elements)]
    element.tag = W + tag


def _text(root, elements, i, value):
    with_text = [e for e in elements if e.text and e.text.strip()] or elements
    with_text[i % len(with_text)].text = value


def _replace(data: bytes, old: str, new: str) -> bytes:
    """Every `old` in the part's bytes replaced: a targeted edit for a crasher kept in the corpus."""
    return data.replace(old.encode("utf-8"), new.encode("utf-8"))


def _cut(data: bytes, i: int) -> bytes:
    return data[: i % (len(data) + 1)]


def _flip(data: bytes, i: int, mask: int) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    out[i % len(out)] ^= mask or 1
    return bytes(out)


def _insert(data: bytes, i: int, snippet: str) -> bytes:
    at = i % (len(data) + 1)
    return data[:at] + snippet.encode("latin-1") + data[at:]


def _dtd(data: bytes, kind: str, encoding: str, bom: bool) -> bytes:
    """A DTD after the declaration, a reference to its entity in the first text, in the given encoding."""
    text = data.decode("utf-8", "replace")
    head, sep, rest = text.partition("?>")
    if not sep:
        head, rest = "", text
    doctype, reference = DTDS[kind]
    rest = doctype + rest.replace("</w:t>", reference + "</w:t>", 1)
    return _encode((head + sep + rest).encode("utf-8"), encoding, bom)


DECLARED = {"utf-8-sig": "UTF-8", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "utf-32-le": "UTF-32",
            "utf-32-be": "UTF-32", "cp037": "IBM037", "latin-1": "ISO-8859-1"}  # fmt: skip
BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE}  # fmt: skip


def _encode(data: bytes, encoding: str, bom: bool) -> bytes:
    """The part in another encoding, its declaration saying so, with or without a byte order mark."""
    text = data.decode("utf-8", "replace")
    declared = DECLARED.get(encoding, encoding.upper())
    text = re.sub(r"""encoding=["'][^"']*["']""", f'encoding="{declared}"', text, count=1)
    return (BOMS.get(encoding, b"") if bom else b"") + text.encode(encoding, "replace")


def _store(data: bytes, i: int, value: Any, checksum: bool) -> bytes:
    """Change one value anywhere in the store's JSON (delete it, or duplicate a list item)."""
    return _edit_store(data, lambda payload: _set_node(payload, i, value), checksum)


def _edit_store(data: bytes, edit, checksum: bool) -> bytes:
    root = _tree(data)
    if root is None or root.tag != f"{{{STORE_NS}}}snapshot":
        return data
    try:
        payload = json.loads(root.text or "")
    except ValueError:
        return data
    edit(payload)
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    root.text = text
    if checksum:
        root.set("sha256", hashlib.sha256(text.encode("ascii")).hexdigest())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_node(payload: Any, i: int, value: Any) -> None:
    nodes: list[tuple[Any, Any]] = []
    stack = [payload]
    while stack and len(nodes) < 200_000:
        node = stack.pop()
        children = (
            node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        )
        for key, child in children:
            nodes.append((node, key))
            stack.append(child)
    if not nodes:
        return
    container, key = nodes[i % len(nodes)]
    if value == "<delete>":
        del container[key]
    elif value == "<dup>":
        if isinstance(container, list):
            container.insert(key, copy.deepcopy(container[key]))
    else:
        container[key] = copy.deepcopy(value)


PART_STEPS = {
    "drop": _xml_step(_drop),
    "dup": _xml_step(_dup),
    "move": _xml_step(_move),
    "attr": _xml_step(_attr),
    "tag": _xml_step(_tag),
    "text": _xml_step(_text),
    "replace": _replace,
    "cut": _cut,
    "flip": _flip,
    "insert": _insert,
    "dtd": _dtd,
    "encode": _encode,
    "store": _store,
}


# -- zip steps ------------------------------------------------------------------------------------------------


def _zdrop(entries, name):
    entries[:] = [e for e in entries if e[0] != name]


def _zdup(entries, name, changed):
    for entry in list(entries):
        if entry[0] == name:
            entries.append([name, entry[1][: len(entry[1]) // 2] if changed else entry[1], entry[2]])
            return


def _zadd(entries, name, copy_of):
    source = next((e for e in entries if e[0] == copy_of), None)
    entries.append([name, source[1] if source else b"x", zipfile.ZIP_DEFLATED])


def _zmethod(entries, name, method):
    for entry in entries:
        if entry[0] == name:
            entry[2] = METHODS[method]


def _page(entries, i: int, key: str, value: Any, checksum: bool, edit: bool):
    """The attack on where sync writes: one stored page's path or rel changed and, with `edit`, a word
    of that page changed in the document, so that sync has something to write there."""
    store = next((e for e in entries if e[0] == STORE_PART), None)
    if store is None:
        return
    uids: list[int] = []

    def change(payload):
        pages = payload.get("pages") if isinstance(payload, dict) else None
        if isinstance(pages, list) and pages and isinstance(pages[i % len(pages)], dict):
            page = pages[i % len(pages)]
            page[key] = value
            uids.extend(u[0] for u in page.get("units", []) if isinstance(u, list) and u)

    store[1] = _edit_store(store[1], change, checksum)
    document = next((e for e in entries if e[0] == DOCUMENT), None)
    if edit and document is not None and len(uids) > 1 and (root := _tree(document[1])) is not None:
        marker = root.find(f".//{W}bookmarkStart[@{W}name='_aixu{uids[1]}']")
        paragraph = next((a for a in marker.iterancestors(f"{W}p")), None) if marker is not None else None
        text = next(paragraph.iter(f"{W}t"), None) if paragraph is not None else None
        if text is not None:
            text.text = (text.text or "") + " edited"
            document[1] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


ZIP_STEPS = {"zdrop": _zdrop, "zdup": _zdup, "zadd": _zadd, "zmethod": _zmethod, "page": _page}


# -- byte steps -----------------------------------------------------------------------------------------------


def _records(data: bytes, name: str) -> list[tuple[int, int]]:
    """(central directory record, local header) offsets of every entry with this name."""
    out = []
    at = 0
    encoded = name.encode("utf-8")
    while (at := data.find(b"PK\x01\x02", at)) >= 0 and at + 46 <= len(data):
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == encoded:
            out.append((at, struct.unpack_from("<I", data, at + 42)[0]))
        at += 4
    return out


def _patch(data: bytes, name: str, central: int | None, local: int | None, fmt: str, value) -> bytes:
    out = bytearray(data)
    for c, lh in _records(data, name):
        for base, offset in ((c, central), (lh, local)):
            if offset is not None and base + offset + struct.calcsize(fmt) <= len(out):
                old = struct.unpack_from(fmt, out, base + offset)[0]
                struct.pack_into(fmt, out, base + offset, value(old))
    return bytes(out)


def _size(data, name, size):
    return _patch(data, name, 24, None, "<I", lambda old: size)


def _method(data, name, method):
    return _patch(data, name, 10, 8, "<H", lambda old: method)


def _flag(data, name):
    return _patch(data, name, 8, 6, "<H", lambda old: old | 1)


def _crc(data, name):
    return _patch(data, name, 16, 14, "<I", lambda old: old ^ 0xDEADBEEF)


def _zcut(data, i):
    return data[: i % (len(data) + 1)]


def _junk(data, before):
    return b"MZ junk" * 10 + data if before else data + b"trailing junk" * 10


BYTE_STEPS = {"size": _size, "method": _method, "flag": _flag, "crc": _crc, "zcut": _zcut, "junk": _junk}

"""Transforms of pandoc's AST for `aix import`, between the reader (pandoc) and the Markdown writer.

In order: the markers of ``prepare`` back into thematic breaks and spaces; Word's automatic alt
text dropped and images moved out of headings (their alt text would become part of the anchor);
images pointed at ``images/<name>``; every heading given its GitHub-style anchor (``anchors.IdFactory``),
and every internal link (pandoc keeps Word's bookmark names, ``_Toc...``, ``_Ref...``) pointed at the
anchor of the heading its bookmark is in. A link to a bookmark that does not exist is kept as text
and reported.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..pandoc import Node, type_and_content
from ..transforms.anchors import IdFactory
from .prepare import HR_MARK, LIST_MARKER, SPACE_MARK

BLOCKS = {
    "Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote", "OrderedList", "BulletList",
    "DefinitionList", "Header", "HorizontalRule", "Table", "Figure", "Div",
}  # fmt: skip
INLINES = {
    "Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Quoted",
    "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math", "RawInline", "Link", "Image", "Note", "Span",
}  # fmt: skip
_LEAVES = {"Str", "Space", "SoftBreak", "LineBreak", "Code", "Math", "RawInline", "CodeBlock", "RawBlock"}
# Office writes these for pictures it describes itself ("A screenshot of a computer\n\nDescription
# automatically generated", "... AI-generated content may be incorrect.")
AUTO_ALT = re.compile(r"(description automatically generated|ai-generated content may be incorrect)", re.I)


@dataclass(slots=True)
class Transformed:
    blocks: list[Node]
    images: dict[str, str] = field(default_factory=dict)  # package part -> output path "images/x.png"
    warnings: list[str] = field(default_factory=list)


def transform(ast: dict[str, Any], parts: tuple[str, ...], main: str = "word/document.xml") -> Transformed:
    out = Transformed(ast["blocks"])

    def blocks(items: list[Node]) -> list[Node]:
        return _hoist_images_from_headers(_lists(_markers_in_blocks(items)))

    def inlines(items: list[Node]) -> list[Node]:
        return _images(_markers_in_inlines(items), parts, main, out)

    out.blocks = walk(out.blocks, blocks, inlines)
    _links(out)
    return out


def walk(
    node: Any,
    on_blocks: Callable[[list[Node]], list[Node]] | None,
    on_inlines: Callable[[list[Node]], list[Node]] | None,
) -> Any:
    """Complete the tree bottom-up (in place), handing every list of blocks and of inlines to its
    function and using what it returns."""
    if isinstance(node, dict):
        if "c" in node and node["t"] not in _LEAVES:
            node["c"] = walk(node["c"], on_blocks, on_inlines)
        return node
    if not isinstance(node, list):
        return node
    for i, item in enumerate(node):
        if type(item) is dict:
            if item.get("t") not in _LEAVES and "c" in item:  # most nodes are leaves: no call for them
                item["c"] = walk(item["c"], on_blocks, on_inlines)
        elif type(item) is list:
            node[i] = walk(item, on_blocks, on_inlines)
    first = node[0] if node else None
    if type(first) is dict and "t" in first:
        fn = on_blocks if first["t"] in BLOCKS else on_inlines if first["t"] in INLINES else None
        if fn is not None:
            return fn(node)
    return node


def plain_text(inlines: list[Node]) -> str:
    """What a reader sees of inline content (links and emphasis reduced to text, notes left out)."""
    out: list[str] = []
    for node in inlines:
        t, c = type_and_content(node)
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Code", "Math"):
            out.append(c[1])
        elif t in ("Emph", "Strong", "Strikeout", "Underline", "SmallCaps", "Superscript", "Subscript"):
            out.append(plain_text(c))
        elif t in ("Link", "Image", "Span", "Quoted", "Cite"):
            out.append(plain_text(c[1]))
    return "".join(out)


# ---- markers from prepare.py ----------------------------------------------------------------------


def _markers_in_inlines(inlines: list[Node]) -> list[Node]:
    out = []
    for node in inlines:
        if node["t"] == "Str" and SPACE_MARK in node["c"]:
            node = {"t": "Str", "c": node["c"].replace(SPACE_MARK, " ")}
        out.append(node)
    return out


def _markers_in_blocks(blocks: list[Node]) -> list[Node]:
    """A paragraph holding the horizontal-line marker becomes a thematic break (split around it)."""
    out: list[Node] = []
    for block in blocks:
        if block["t"] not in ("Para", "Plain") or not any(_has_hr(n) for n in block["c"]):
            out.append(block)
            continue
        current: list[Node] = []
        for node in block["c"]:
            if not _has_hr(node):
                current.append(node)
                continue
            before, _, after = node["c"].partition(HR_MARK) if node["t"] == "Str" else ("", "", "")
            if before:
                current.append({"t": "Str", "c": before})
            if _visible(current):
                out.append({"t": block["t"], "c": current})
            out.append({"t": "HorizontalRule"})
            current = [{"t": "Str", "c": after.replace(HR_MARK, "")}] if after.replace(HR_MARK, "") else []
        if _visible(current):
            out.append({"t": block["t"], "c": current})
    return out


def _has_hr(node: Node) -> bool:
    return node["t"] == "Str" and HR_MARK in node["c"]


def _visible(inlines: list[Node]) -> bool:
    return any(n["t"] not in ("Space", "SoftBreak", "LineBreak") and not _is_anchor(n) for n in inlines)


def _is_anchor(node: Node) -> bool:
    return node["t"] == "Span" and "anchor" in node["c"][0][1] and not node["c"][1]


def _drop_empty(blocks: list[Node]) -> list[Node]:
    return [b for b in blocks if b["t"] not in ("Para", "Plain") or _visible(b["c"])]


# ---- lists ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _OpenList:
    level: int
    kind: str  # "b" bullet, "n" number
    items: list[list[Node]]
    next: int = 0


def _lists(blocks: list[Node]) -> list[Node]:
    """Nest the list paragraphs marked by prepare.py (kind, Word level, number) into lists.

    A paragraph whose level shows no label continues the last item at or above its level; an ordered
    item whose number does not follow the previous one starts a new list (Word restarted it)."""
    out: list[Node] = []
    stack: list[_OpenList] = []
    for block in blocks:
        info = _list_info(block)
        if info is None:
            stack = []
            out.append(block)
            continue
        kind, level, value, para = info
        while stack and stack[-1].level > level:
            stack.pop()
        if kind == "c":
            if stack:
                stack[-1].items[-1].append(para)
            else:
                out.append(para)
            continue
        if not _visible(para["c"]):
            continue  # an empty list paragraph
        if stack and stack[-1].level == level:
            top = stack[-1]
            if top.kind == kind and (kind == "b" or value == top.next):
                top.items.append([para])
                top.next = value + 1
                continue
            stack.pop()
        items: list[list[Node]] = [[para]]
        node = (
            {"t": "BulletList", "c": items}
            if kind == "b"
            else {"t": "OrderedList", "c": [[value, {"t": "Decimal"}, {"t": "Period"}], items]}
        )
        (stack[-1].items[-1] if stack else out).append(node)
        stack.append(_OpenList(level, kind, items, value + 1))
    return out


def _list_info(block: Node) -> tuple[str, int, int, Node] | None:
    if block["t"] not in ("Para", "Plain") or not block["c"]:
        return None
    found: list[tuple[str, int, int]] = []

    def strip(inlines: list[Node]) -> list[Node]:
        result = []
        for node in inlines:
            if not found and node["t"] == "Str":
                m = LIST_MARKER.search(node["c"])
                if m is None:
                    return inlines  # the marker is always the paragraph's first text
                found.append((m.group(1), int(m.group(2)), int(m.group(3))))
                rest = node["c"][: m.start()] + node["c"][m.end() :]
                if rest:
                    result.append({"t": "Str", "c": rest})
                continue
            if not found and node["t"] in ("Strong", "Emph", "Underline", "Span", "Link"):
                node = _with_children(node, strip(_children(node)))
            result.append(node)
        return result

    inlines = strip(block["c"])
    if not found:
        return None
    while inlines and inlines[0]["t"] == "Space":
        inlines = inlines[1:]
    kind, level, value = found[0]
    return kind, level, value, {"t": block["t"], "c": inlines}


def _children(node: Node) -> list[Node]:
    return node["c"][1] if node["t"] in ("Span", "Link") else node["c"]


def _with_children(node: Node, children: list[Node]) -> Node:
    if node["t"] == "Span":
        return {"t": "Span", "c": [node["c"][0], children]}
    if node["t"] == "Link":
        return {"t": "Link", "c": [node["c"][0], children, node["c"][2]]}
    return {"t": node["t"], "c": children}


# ---- images -----------------------------------------------------------------------------------------


def _images(inlines: list[Node], parts: tuple[str, ...], main: str, out: Transformed) -> list[Node]:
    result = []
    for node in inlines:
        if node["t"] == "Image":
            attr, alt, (src, title) = node["c"]
            if AUTO_ALT.search(plain_text(alt)) or AUTO_ALT.search(title):
                alt, title = [], ""
            part = posixpath.normpath(posixpath.join(posixpath.dirname(main), src))
            if part not in parts:
                part = src if src in parts else ""
            if part:
                src = out.images.setdefault(part, _image_name(part, out.images))
            node = {"t": "Image", "c": [["", [], []], alt, [src, title]]}
        result.append(node)
    return result


def _image_name(part: str, taken: dict[str, str]) -> str:
    """images/<the part's file name>, reduced to safe characters and made unique."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", posixpath.basename(part)).lstrip(".") or "image"
    stem, dot, ext = name.rpartition(".")
    stem, ext = (stem, "." + ext) if dot and stem else (name, "")
    used = set(taken.values())
    candidate, n = f"images/{stem}{ext}", 1
    while candidate in used:
        n += 1
        candidate = f"images/{stem}-{n}{ext}"
    return candidate


def _hoist_images_from_headers(blocks: list[Node]) -> list[Node]:
    """Images leave headings (before them); a heading left without text becomes its bookmarks only."""
    out: list[Node] = []
    for block in blocks:
        if block["t"] == "Header":
            level, attr, inlines = block["c"]
            images = [n for n in inlines if _is_picture(n)]
            if images:
                out.append({"t": "Para", "c": images})
                inlines = [n for n in inlines if not _is_picture(n)]
                block = {"t": "Header", "c": [level, attr, inlines]}
            if not plain_text(inlines).strip():
                anchors = [n for n in inlines if _is_anchor(n)]
                block = {"t": "Para", "c": [{"t": "Span", "c": [[attr[0], ["anchor"], []], []]}, *anchors]}
        out.append(block)
    return out


def _is_picture(node: Node) -> bool:
    """An image, or a link made of images only (a picture that links somewhere)."""
    if node["t"] == "Image":
        return True
    return node["t"] == "Link" and bool(node["c"][1]) and all(n["t"] == "Image" for n in node["c"][1])


# ---- anchors and internal links -----------------------------------------------------------------


def _links(out: Transformed) -> None:
    """Give headings GitHub-style ids; point every internal link at the heading of its bookmark."""
    ids = IdFactory()
    target: dict[str, str] = {}  # Word bookmark or pandoc id -> heading anchor
    anchors: list[str] = []
    state: dict[str, Any] = {"current": None, "pending": []}

    def on_block(block: Node) -> None:
        if block["t"] == "Header":
            level, (old, classes, kv), inlines = block["c"]
            anchor = ids.generate(plain_text(inlines))
            anchors.append(anchor)
            block["c"][1] = [anchor, classes, kv]
            for name in [old, *_anchor_ids(inlines), *state["pending"]]:
                if name:
                    target.setdefault(name, anchor)
            state["current"], state["pending"] = anchor, []
            return
        if block["t"] in ("Para", "Plain") and not _visible(block["c"]):
            state["pending"] += _anchor_ids(block["c"])  # a bookmark alone just before a heading
            return
        names = _anchor_ids_deep(block)
        if state["current"] is None:
            state["pending"] += names
        else:
            for name in names:
                target.setdefault(name, state["current"])

    for block in out.blocks:
        on_block(block)
    if state["pending"] and state["current"] is not None:
        for name in state["pending"]:
            target.setdefault(name, state["current"])
    known = set(anchors)

    def fix(inlines: list[Node]) -> list[Node]:
        result: list[Node] = []
        for node in inlines:
            if _is_anchor(node):
                continue
            if node["t"] == "Link" and node["c"][2][0].startswith("#"):
                name = node["c"][2][0][1:]
                anchor = target.get(name) or (name if name in known else None)
                if anchor is None:
                    text = plain_text(node["c"][1])
                    out.warnings.append(
                        f"link to a bookmark that does not exist (#{name}): kept as text {text!r}"
                    )
                    result += node["c"][1]
                    continue
                node = {"t": "Link", "c": [node["c"][0], node["c"][1], ["#" + anchor, node["c"][2][1]]]}
            result.append(node)
        return result

    out.blocks = walk(out.blocks, _drop_empty, fix)


def _anchor_ids(inlines: list[Node]) -> list[str]:
    found: list[str] = []

    def collect(inl: list[Node]) -> list[Node]:
        found.extend(n["c"][0][0] for n in inl if n["t"] == "Span")
        return inl

    walk(inlines, None, collect)
    return [x for x in found if x]


def _anchor_ids_deep(block: Node) -> list[str]:
    found: list[str] = []

    def collect(inlines: list[Node]) -> list[Node]:
        found.extend(n["c"][0][0] for n in inlines if n["t"] == "Span" and n["c"][0][0])
        return inlines

    def collect_blocks(blocks: list[Node]) -> list[Node]:
        found.extend(b["c"][0][0] for b in blocks if b["t"] == "Div" and b["c"][0][0])
        return blocks

    walk([block], collect_blocks, collect)
    return found

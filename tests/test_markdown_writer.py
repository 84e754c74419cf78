"""The house-style writer: what it writes reads back (with pandoc's GFM reader) as what it was given."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from converter import pandoc
from converter.wordimport.markdown import MarkdownWriter

# Characters CommonMark and GFM give a meaning to, mixed with letters, digits and spaces.
TEXT = st.text(alphabet="*_`[]()<>&#\\!~|-+=.:;' aAbZ19", min_size=1, max_size=12)
STYLE = st.sampled_from(["plain", "Strong", "Emph", "Code", "Link", "LineBreak"])
PARAGRAPH = st.lists(st.tuples(STYLE, TEXT), min_size=1, max_size=6)


def _inlines(text: str) -> list[dict]:
    out: list[dict] = []
    for i, word in enumerate(text.split(" ")):
        if i:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def _ast(paragraph: list[tuple[str, str]]) -> dict:
    inlines: list[dict] = []
    for style, text in paragraph:
        if style == "plain":
            inlines += _inlines(text)
        elif style == "Code":
            inlines.append({"t": "Code", "c": [["", [], []], text]})
        elif style == "Link":
            inlines.append(
                {"t": "Link", "c": [["", [], []], _inlines(text), ["https://example.org/(a)", ""]]}
            )
        elif style == "LineBreak":
            inlines += [{"t": "LineBreak"}, *_inlines(text)]
        else:
            inlines.append({"t": style, "c": _inlines(text)})
    return {"t": "Para", "c": inlines}


def _spans(inlines: list[dict]) -> list[tuple[str, str]]:
    """(style, text) pieces, neighbours of one style merged, spaces collapsed, spaces counted in the
    style before them (a bold space looks like any other): what a reader sees."""
    merged: list[tuple[str, str]] = []
    for kind, text in _raw_spans(inlines):
        if kind != "Code" and not text.strip():
            kind = merged[-1][0] if merged and merged[-1][0] != "Code" else "plain"
        if merged and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return [(k, " ".join(t.split()) if k != "Code" else t) for k, t in merged if t.strip() or k == "Code"]


def _raw_spans(inlines: list[dict], style: str = "plain") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def add(kind: str, text: str) -> None:
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))

    html = {"<strong>": "Strong", "<em>": "Emph"}  # the writer's fallback where ** or * cannot be read
    stack = [style]
    for node in inlines:
        t = node["t"]
        style = stack[-1]
        if t == "RawInline" and node["c"][1] in html:
            stack.append(html[node["c"][1]] if style == "plain" else style)
        elif t == "RawInline" and node["c"][1] in ("</strong>", "</em>") and len(stack) > 1:
            stack.pop()
        elif t == "Str":
            add(style, node["c"])
        elif t in ("Space", "SoftBreak", "LineBreak"):
            add(style, " ")
        elif t == "Link":
            for kind, text in _raw_spans(node["c"][1], "Link"):
                add(kind, text)
        elif t == "Code":
            add("Code", node["c"][1])
        elif t in ("Strong", "Emph"):
            for kind, text in _raw_spans(node["c"], t if style == "plain" else style):
                add(kind, text)
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=4))
def it_writes_markdown_that_reads_back_as_the_same_text_and_emphasis(paragraphs):
    blocks = [_ast(p) for p in paragraphs]
    markdown = MarkdownWriter().document(blocks)
    back = json.loads(pandoc.run(["--from=gfm-autolink_bare_uris-emoji", "--to=json"], markdown.encode()))
    read = [b for b in back["blocks"] if b["t"] in ("Para", "Plain")]
    wanted = [_spans(b["c"]) for b in blocks if _spans(b["c"])]
    assert [_spans(b["c"]) for b in read if _spans(b["c"])] == wanted, markdown

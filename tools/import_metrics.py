"""How close a Markdown conversion of a Word file comes to the Markdown people kept by hand.

Definitions (both converters are measured with the same code):

- headings: (level, text) of every ATX/setext heading, text as rendered and whitespace-collapsed.
  Heading recall = share of the reference's headings found in the output (as a multiset).
- URLs: the distinct absolute link targets (http, https, mailto; Markdown links, autolinks and
  ``<a href>``). Image sources are not counted: the importer writes pictures into images/ by design.
  URL recall = share of the reference's URLs found in the output.
- internal links resolving: share of the output's ``#fragment`` links whose fragment is the
  GitHub-style anchor of a heading of the same output (``anchors.IdFactory``).
- word similarity: the words (``\\w+``, case kept) of the rendered text, without URLs and markup,
  compared as sequences: 2*M/(|a|+|b|) with M the matched words of difflib's SequenceMatcher
  (autojunk off), i.e. difflib's ratio over word lists.
- lines reproduced exactly: share of the reference's non-blank lines that appear in the output
  (as a multiset), compared after removing trailing whitespace (the hand-kept Markdown uses trailing
  spaces for line breaks only some of the time, and they are invisible).
- the Word file's ceiling: the word similarity between the reference and the words of the Word file
  itself (every paragraph's text in document order, tables included, the table of contents left
  out), read with python-docx. It is what a converter scores that emits exactly the document's words.

Run it: ``python tools/import_metrics.py [--corpus ../shared/corpus]`` prints the table.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import html
import re
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import mistune

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from converter.transforms.anchors import IdFactory  # noqa: E402

VERSIONS = (4, 6, 8, 11)
_parse = mistune.create_markdown(renderer=None, plugins=["table", "strikethrough", "url"])
_HREF = re.compile(r"""<a\s[^>]*href\s*=\s*["']([^"']+)["']""", re.I)
_TAG = re.compile(r"<[^>]+>")
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


@dataclass(slots=True)
class Parsed:
    headings: list[tuple[int, str]]
    urls: set[str]
    fragments: list[str]
    words: list[str]
    lines: list[str]


def parse(markdown: str) -> Parsed:
    headings: list[tuple[int, str]] = []
    urls: set[str] = set()
    fragments: list[str] = []
    text: list[str] = []

    def walk(tokens, out: list[str]) -> None:
        for tok in tokens:
            kind = tok["type"]
            if kind == "heading":
                inner: list[str] = []
                walk(tok.get("children", []), inner)
                heading = " ".join("".join(inner).split())
                headings.append((tok["attrs"]["level"], heading))
                out.append(" " + heading + " ")
                continue
            if kind == "image":
                continue
            if kind == "link":
                url = tok["attrs"]["url"]
                if url.startswith("#"):
                    fragments.append(url[1:])
                elif re.match(r"^(https?|mailto):", url):
                    urls.add(_url(url))
            if kind == "text":  # GFM links a bare e-mail address (the extended autolink)
                urls.update("mailto:" + a for a in _EMAIL.findall(tok.get("raw", "")))
            if kind in ("text", "codespan"):
                out.append(tok.get("raw", ""))
            elif kind in ("inline_html", "block_html"):
                raw = tok.get("raw", "")
                urls.update(_url(u) for u in _HREF.findall(raw) if re.match(r"^(https?|mailto):", u))
                if kind == "block_html":
                    out.append(" " + html.unescape(_TAG.sub(" ", raw)) + " ")
            elif kind in ("softbreak", "linebreak", "blank_line", "thematic_break"):
                out.append(" ")
            elif kind == "block_code":
                out.append(" " + tok.get("raw", "") + " ")
            if "children" in tok:
                walk(tok["children"], out)
            if kind in ("paragraph", "block_text", "list_item", "table_cell"):
                out.append(" ")

    walk(_parse(markdown), text)
    lines = [line.rstrip() for line in markdown.splitlines() if line.strip()]
    return Parsed(headings, urls, fragments, re.findall(r"\w+", "".join(text)), lines)


def similarity(a: list[str], b: list[str]) -> float:
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def multiset_recall(reference: list, output: list) -> float:
    if not reference:
        return 1.0
    have = collections.Counter(output)
    hits = 0
    for item in reference:
        if have[item] > 0:
            have[item] -= 1
            hits += 1
    return hits / len(reference)


def anchors_of(headings: list[tuple[int, str]]) -> set[str]:
    ids = IdFactory()
    return {ids.generate(text) for _level, text in headings}


def measure(reference: str, output: str, docx_path: Path | None = None) -> dict[str, float]:
    """The figures of one output against the reference Markdown (and the Word file, when given)."""
    ref, out = parse(reference), parse(output)
    anchors = anchors_of(out.headings)
    resolved = sum(f in anchors for f in out.fragments)
    return {
        "headings": multiset_recall(ref.headings, out.headings),
        "urls": len(ref.urls & out.urls) / len(ref.urls) if ref.urls else 1.0,
        "internal": resolved / len(out.fragments) if out.fragments else 1.0,
        "internal_n": len(out.fragments),
        "words": similarity(ref.words, out.words),
        "lines": multiset_recall(ref.lines, out.lines),
        **(word_figures(docx_path, out) if docx_path else {}),
    }


def word_figures(docx_path: Path, out: Parsed) -> dict[str, float]:
    """Headings and URLs of the output against what the Word file holds (1.0 and 1.0 when equal)."""
    headings, urls = word_headings(docx_path), word_urls(docx_path)
    return {
        "word_headings": multiset_recall(headings, out.headings),
        "word_headings_extra": len(out.headings) - len(headings),
        "word_headings_equal": out.headings == headings,
        "word_urls": len(urls & out.urls) / len(urls) if urls else 1.0,
        "word_urls_equal": urls == out.urls,
    }


# ---- what the Word file itself holds (python-docx, independent of the importer) ------------------


def word_paragraphs(docx_path: Path):
    """(style name, text) of every paragraph in document order, tables included, TOC left out."""
    import docx

    document = docx.Document(str(docx_path))

    def paragraphs(container):
        for item in container.iter_inner_content():
            if isinstance(item, docx.table.Table):
                for row in item.rows:
                    for cell in row.cells:
                        yield from paragraphs(cell)
            else:
                yield item

    for p in paragraphs(document):
        name = (p.style.name if p.style is not None else "").lower()
        if name.startswith("toc") or name in ("contents heading",):
            continue
        yield name, p.text


def word_headings(docx_path: Path) -> list[tuple[int, str]]:
    """Paragraphs in "Heading N" styles (and Title, as level 1), text whitespace-collapsed."""
    out = []
    for name, text in word_paragraphs(docx_path):
        m = re.fullmatch(r"heading (\d)", name)
        if (m or name == "title") and text.strip():
            out.append((min(int(m.group(1)), 6) if m else 1, " ".join(text.split())))
    return out


def word_urls(docx_path: Path) -> set[str]:
    """The absolute targets of the document's visible hyperlinks (relationships and HYPERLINK fields);
    a hyperlink with neither text nor a picture shows nothing and is not counted."""
    import docx

    document = docx.Document(str(docx_path))
    rels = document.part.rels
    from converter.ooxml.namespaces import R_ID as r_id
    from converter.ooxml.namespaces import A as a
    from converter.ooxml.namespaces import W as w

    urls = set()
    for link in document.element.body.iter(w + "hyperlink"):
        rid, anchor = link.get(r_id), link.get(w + "anchor")
        visible = (
            any((t.text or "").strip() for t in link.iter(w + "t")) or link.find(f".//{w}drawing") is not None
        )
        if visible and rid in rels and rels[rid].is_external:
            urls.add(rels[rid].target_ref + ("#" + anchor if anchor else ""))
    for click in document.element.body.iter(a + "hlinkClick"):  # a picture that links somewhere
        rid = click.get(r_id)
        if rid in rels and rels[rid].is_external:
            urls.add(rels[rid].target_ref)
    instr = "".join(re.findall(r"<w:instrText[^>]*>([^<]*)<", document.element.xml))
    urls.update(re.findall(r'HYPERLINK\s+"([a-z]+:[^"]+)"', instr))
    return {_url(u) for u in urls if re.match(r"^(https?|mailto):", u)}


def _url(url: str) -> str:
    """A URL compared without its percent-encoding (pandoc writes "]" as %5D)."""
    return urllib.parse.unquote(url)


def word_words(docx_path: Path) -> list[str]:
    return re.findall(r"\w+", " ".join(text for _name, text in word_paragraphs(docx_path)))


def ceiling(reference: str, docx_path: Path) -> float:
    return similarity(parse(reference).words, word_words(docx_path))


_BLOCK_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|(?:[*+-]|\d{1,9}[.)])[ \t]+)*")
_inline = mistune.create_markdown(renderer=None, plugins=["strikethrough", "url"])


def visible_line(line: str) -> str:
    """The text a reader sees of one Markdown line (block markers and inline markup removed)."""
    out: list[str] = []

    def walk(tokens) -> None:
        for tok in tokens:
            if tok["type"] in ("text", "codespan"):
                out.append(tok.get("raw", ""))
            elif tok["type"] in ("softbreak", "linebreak"):
                out.append(" ")
            if "children" in tok and tok["type"] != "image":
                walk(tok["children"])

    content = _BLOCK_PREFIX.sub("", line).strip()
    walk(_inline(content.replace("\t", " ")))
    return "".join(out).strip()


def line_ceiling(reference: str, docx_path: Path) -> float:
    """Share of the reference's lines whose visible text is the text of a line of the Word file
    (a paragraph, split at its line breaks), or a horizontal line where the Word file has one: an
    upper bound on the lines any converter can reproduce (it cannot invent line breaks or spaces)."""
    word_lines = collections.Counter()
    for _name, text in word_paragraphs(docx_path):
        for part in text.split("\n"):
            if part.strip():
                word_lines[part.strip()] += 1
    word_lines["<hr>"] = word_horizontal_lines(docx_path)
    hits = total = 0
    for line in reference.splitlines():
        if not line.strip():
            continue
        total += 1
        key = "<hr>" if re.fullmatch(r"\s*(-{3,}|\*{3,}|_{3,})\s*", line) else visible_line(line)
        if key and word_lines[key] > 0:
            word_lines[key] -= 1
            hits += 1
    return hits / total if total else 1.0


def word_horizontal_lines(docx_path: Path) -> int:
    import docx

    return len(re.findall(r'o:hr="t"', docx.Document(str(docx_path)).element.xml))


# ---- the table -----------------------------------------------------------------------------------


def plain_pandoc(docx_path: Path, *args: str) -> str:
    from converter import pandoc

    return pandoc.run(["--from=docx", "--to=gfm", *args, str(docx_path)]).decode("utf-8")


TOOLS = {
    "aix import": lambda path: aix_import(path),
    "pandoc gfm": lambda path: plain_pandoc(path),  # pandoc -f docx -t gfm, as the issue measured it
    "  --wrap=none": lambda path: plain_pandoc(path, "--wrap=none"),  # the same without hard wrapping
}


def aix_import(docx_path: Path) -> str:
    from converter.wordimport.command import convert

    return convert(docx_path).markdown


def table(corpus: Path, versions=VERSIONS) -> list[dict]:
    rows = []
    for v in versions:
        docx_path = corpus / "word" / f"owaspaiexchange-v{v}.docx"
        reference = (corpus / "word" / f"owaspaiexchange-v{v}.md").read_text(encoding="utf-8")
        limit = ceiling(reference, docx_path)
        lines_limit = line_ceiling(reference, docx_path)
        for tool, fn in TOOLS.items():
            start = time.perf_counter()
            output = fn(docx_path)
            row = {"version": f"v{v}", "tool": tool, "seconds": time.perf_counter() - start}
            row.update(measure(reference, output, docx_path))
            row["ceiling"] = limit
            row["lines_ceiling"] = lines_limit
            rows.append(row)
    return rows


def print_table(rows: list[dict]) -> None:
    """Recall against the hand-kept Markdown (md) and against the Word file (docx; '=' when equal)."""
    print(
        "                         headings        URLs         internal links   word similarity   lines exact"
    )
    print(
        "version  tool            md    docx      md    docx   resolving         output (ceiling)  output (bound)"
    )
    for r in rows:
        links = f"{r['internal']:.2f} of {r['internal_n']:>3}"
        wh = "=" if r["word_headings_equal"] else f"{r['word_headings']:.2f}"
        wu = "=" if r["word_urls_equal"] else f"{r['word_urls']:.2f}"
        print(
            f"{r['version']:<8} {r['tool']:<14} {r['headings']:.2f}  {wh:>5}    {r['urls']:.2f}  {wu:>5}   "
            f"{links:<16}  {r['words']:.3f}  ({r['ceiling']:.3f})   {r['lines']:.2f}  ({r['lines_ceiling']:.2f})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--dump", type=Path, help="also write each output here, to look at")
    args = parser.parse_args()
    if not (args.corpus / "word").is_dir():
        print(f"{args.corpus}/word is absent; nothing to measure", file=sys.stderr)
        return 1
    print_table(table(args.corpus))
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        for v in VERSIONS:
            docx_path = args.corpus / "word" / f"owaspaiexchange-v{v}.docx"
            (args.dump / f"aix-v{v}.md").write_text(aix_import(docx_path), encoding="utf-8")
            (args.dump / f"pandoc-v{v}.md").write_text(plain_pandoc(docx_path), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Block parity with Hugo: what `aix html` shows against what real Hugo renders from the same sources.

Per page, both sides become the sequence of their block texts (p, li, td, th, h2-h6, pre; whitespace
collapsed, the edges of block elements and a <br> as a space): Hugo's from the article body of OUT/docs/<page>/index.html (`div.docs-body`
in the 2026 layouts, `div.content` in older ones and in hextra's own), aix's from the page's chapter in
index.html. Parity is difflib's ratio of the two sequences: twice the blocks they share, in order, over
the blocks of both, so that a block aix leaves out and a block aix adds both count.
Heading ids are compared too: every id Hugo gives a heading (on the heading, or on a span inside it, as
hextra's heading hook writes it) against `aix outline`.

What aix adds on purpose for paper is left out of its side: the box of a task list item (Hugo draws an
<input>), an icon (an emoji where Hugo draws an SVG), the placeholder of a missing image, a tab's title (Hugo shows it on a button), a video's link
(Hugo shows a player).

    python tools/hugo_parity.py SITE [--hugo OUT] [--aix INDEX] [-v]

renders SITE with ../shared/tools/hugo-render (or reads OUT, e.g. the `public/` Hugo wrote), runs
`aix html` (or reads INDEX) and prints the parity per page and for the site.
"""

from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

BLOCKS = frozenset(("p", "li", "td", "th", "h2", "h3", "h4", "h5", "h6", "pre"))
# elements whose edges separate words however the HTML is indented (Hugo indents tables, aix does not)
SEPARATE = BLOCKS | {"br", "tr", "table", "thead", "tbody", "ul", "ol", "div", "blockquote", "dl", "dt", "dd"}
AIX_ONLY = (("span", "box"), ("span", "icon"), ("span", "missing-image"), ("p", "tab-title"), ("p", "video"))
ROOT = Path(__file__).resolve().parent.parent
HUGO_RENDER = (ROOT / ".." / "shared" / "tools" / "hugo-render").resolve()


def _drop(root, elements: tuple[tuple[str, str], ...]) -> None:
    """Remove elements (tag, class) with their content, keeping the text after them."""
    found = [el for el in root.iter() if (el.tag, el.get("class")) in elements]
    for el in found:
        tail = el.tail
        parent = el.getparent()
        if parent is not None:
            previous = el.getprevious()
            if tail:
                if previous is not None:
                    previous.tail = (previous.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
            parent.remove(el)


def blocks(root, drop: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """The block texts of an element, in document order, as `tag:text`."""
    _drop(root, drop)
    for el in root.iter(*SEPARATE):
        el.text = " " + (el.text or "")
        el.tail = " " + (el.tail or "")
    out = []
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in BLOCKS:
            out.append(f"{el.tag}:{' '.join(el.text_content().split())}")
    return out


def _body(doc):
    found = doc.xpath('//div[contains(concat(" ", normalize-space(@class), " "), " docs-body ")]')
    found = found or doc.xpath('//div[contains(concat(" ", normalize-space(@class), " "), " content ")]')
    return found[0] if found else None


def hugo_page(out: Path, url: str):
    """The parsed page Hugo wrote for a page URL (`/docs/x/`), or None."""
    path = out / url.strip("/") / "index.html"
    if not path.is_file():
        return None
    return lxml.html.fromstring(path.read_bytes().decode("utf-8"))


def hugo_ids(doc) -> list[str]:
    """The ids Hugo gave the article's headings h2-h6, in order."""
    body = _body(doc)
    ids = []
    for h in body.iter("h2", "h3", "h4", "h5", "h6") if body is not None else ():
        hid = h.get("id") or next((s.get("id") for s in h.iter("span") if s.get("id")), None)
        if hid:
            ids.append(hid)
    return ids


def aix_chapters(index: Path) -> dict[str, list[str]]:
    """Each page's block texts from aix html's index.html, by page path (`docs/x.md`)."""
    doc = lxml.html.fromstring(index.read_bytes().decode("utf-8"))
    return {sec.get("data-page"): blocks(sec, AIX_ONLY) for sec in doc.xpath('//section[@class="chapter"]')}


@dataclass
class PageParity:
    page: str
    hugo: int  # Hugo's blocks
    aix: int  # aix's blocks
    same: int  # the blocks both have, in order
    first: tuple[str, str] | None = None  # the first differing block: (Hugo's, aix's)
    diffs: list[tuple[str, str]] = field(default_factory=list)  # every differing run, one pair each


def compare(hugo: list[str], aix: list[str], page: str) -> PageParity:
    matcher = difflib.SequenceMatcher(None, hugo, aix, autojunk=False)
    same = sum(b.size for b in matcher.get_matching_blocks())
    diffs = [
        ("\n".join(hugo[i1:i2]) or "(none)", "\n".join(aix[j1:j2]) or "(none)")
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]
    return PageParity(page, len(hugo), len(aix), same, diffs[0] if diffs else None, diffs)


@dataclass
class SiteParity:
    pages: list[PageParity]
    ids: dict[str, tuple[list[str], list[str]]]  # page -> (Hugo's ids, aix's), for pages where they differ
    ids_compared: int
    ids_equal: int
    missing: list[str]  # pages Hugo wrote no HTML for

    @property
    def parity(self) -> float:
        total = sum(p.hugo + p.aix for p in self.pages)
        return 2 * sum(p.same for p in self.pages) / total if total else 1.0


def measure(site_root: Path, hugo_out: Path, index: Path) -> SiteParity:
    """Compare a site's pages (the model's, in document order) with Hugo's rendering in hugo_out."""
    from converter.pipeline import build_model

    site = build_model(site_root, None)
    chapters = aix_chapters(index)
    pages, ids, missing = [], {}, []
    compared = equal = 0
    for page in site.pages:
        doc = hugo_page(hugo_out, page.url)
        body = _body(doc) if doc is not None else None
        if body is None:
            missing.append(page.path)
            continue
        theirs = hugo_ids(doc)
        ours = [h.id for h in page.headings if not h.is_title and h.scope == 0 and 2 <= h.level <= 6]
        matcher = difflib.SequenceMatcher(None, theirs, ours, autojunk=False)
        compared += len(theirs)
        equal += sum(b.size for b in matcher.get_matching_blocks())
        if theirs != ours:
            ids[page.path] = (theirs, ours)
        pages.append(compare(blocks(body), chapters.get(page.path, []), page.path))
    return SiteParity(pages, ids, compared, equal, missing)


def hugo_render(site_root: Path, out: Path) -> None:
    """Render a site with real Hugo (../shared/tools/hugo-render), with the `hugo` this Python has when
    there is one (the test extras install it), so no other install is needed."""
    env = dict(os.environ)
    if "AIX_HUGO_VENV" not in env and (Path(sys.prefix) / "bin" / "hugo").is_file():
        env["AIX_HUGO_VENV"] = sys.prefix
    done = subprocess.run(
        [str(HUGO_RENDER), str(site_root), str(out)], env=env, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise RuntimeError(f"hugo-render {site_root} failed: {done.stderr.strip()}")


def aix_html(site_root: Path, out: Path) -> Path:
    from converter.buildlog import BuildLog
    from converter.html.document import write_html

    return write_html(site_root, out, BuildLog(quiet=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--hugo", type=Path, help="Hugo's output (default: render SITE with hugo-render)")
    parser.add_argument("--aix", type=Path, help="aix html's index.html (default: run aix html)")
    parser.add_argument("-v", "--verbose", action="store_true", help="every differing block, not the first")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        hugo_out = args.hugo
        if hugo_out is None:
            hugo_out = Path(tmp) / "hugo"
            hugo_render(args.site, hugo_out)
        docs = hugo_out / "docs" if (hugo_out / "docs").is_dir() else hugo_out
        index = args.aix or aix_html(args.site, Path(tmp) / "aix")
        result = measure(args.site, docs.parent, index)
    for p in result.pages:
        print(f"{p.page}: {p.same}/{p.hugo} (aix {p.aix})")
        for hugo, aix in p.diffs if args.verbose else p.diffs[:1]:
            print(f"   hugo: {hugo[:300]!r}\n   aix:  {aix[:300]!r}")
    for page in result.missing:
        print(f"{page}: Hugo wrote no page")
    print(f"heading ids: {result.ids_equal}/{result.ids_compared}")
    same, hugo, aix = (sum(getattr(p, k) for p in result.pages) for k in ("same", "hugo", "aix"))
    print(f"block parity: {result.parity:.4f} ({same} blocks in order of Hugo's {hugo} and aix's {aix})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

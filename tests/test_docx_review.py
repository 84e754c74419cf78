"""The aix-2026 snapshot as a reviewer reads it: LibreOffice's rendering of it (issue 14's "done when").

One LibreOffice conversion serves the looks (no raw HTML, every ✅/❌ drawn, no word broken mid-word in a
column wide enough for it, a filled contents list, one heading font); then three LibreOffice saves and a
cell edited in LibreOffice itself come back through `aix sync`.
"""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from lxml import etree
from pdf_glyphs import broken_words, shown

from converter.ooxml.namespaces import W
from converter.pipeline import build_model
from converter.roundtrip.columns import BREAKS, CELL_MARGINS, SIZE, longest_word
from converter.roundtrip.export import export_docx
from converter.roundtrip.sync import Syncer

pytestmark = [pytest.mark.corpus, pytest.mark.slow]
MARKS = "✅❌"


@pytest.fixture(scope="module")
def review(tmp_path_factory, soffice, corpus):
    site = build_model(corpus / "aix-2026")
    out = tmp_path_factory.mktemp("review") / "aix-2026.docx"
    export_docx(site, out)
    pdf = soffice(out, "pdf", out.parent / "pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return site, out, pdf, text.split("\f")


def it_shows_no_raw_html_table_markup(review):
    _, _, _, pages = review
    shown_text = "".join(pages)
    assert "Asset & Impact" in shown_text  # the two tables are there, as tables
    for markup in ("<table", "<tr", "<td", "<th", "</a>", "rowspan", "&amp;"):
        assert markup not in shown_text


def it_draws_every_check_and_cross_mark_of_the_sources(review):
    site, _, pdf, _ = review
    in_sources = sum(page.raw.count(mark) for page in site.pages for mark in MARKS)
    glyphs = [g for g in shown(str(pdf)) if g.char in MARKS]
    drawn = [g for g in glyphs if g.drawn]
    assert in_sources == 189 and len(glyphs) == in_sources
    assert len(drawn) == in_sources, {g.font for g in glyphs if not g.drawn}
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Symbola" in fonts and "NotoColorEmoji" not in fonts


def _cell_words(document: etree._Element) -> tuple[set[str], set[str], set[str]]:
    """Words of table cells that fit their cell's width, words that cannot, and every word of the text."""
    fits, too_long, known = set(), set(), set()
    for t in document.iter(W + "t"):
        known |= set(re.findall(r"\w+", t.text or ""))
    for tc in document.iter(W + "tc"):
        width = tc.find(f"{W}tcPr/{W}tcW")
        if width is None:
            continue
        room = int(width.get(W + "w")) - CELL_MARGINS
        size = next((int(s.get(W + "val")) / 2 for s in tc.iter(W + "sz")), SIZE)
        bold = any(b.get(W + "val") in (None, "1", "true", "on") for b in tc.iter(W + "b"))
        for p in tc.iter(W + "p"):
            for token in "".join(t.text or "" for t in p.iter(W + "t")).split():
                words = set(re.findall(r"\w+", token))
                (fits if longest_word(token, bold, size) <= room else too_long).update(words)
    return fits - too_long, too_long, known


def it_breaks_no_word_in_the_middle_that_fits_its_column(review):
    _, out, pdf, _ = review
    with zipfile.ZipFile(out) as z:
        document = etree.fromstring(z.read("word/document.xml"))
    fits, too_long, known = _cell_words(document)
    broken = broken_words(str(pdf), fits | too_long, known)
    assert [b for b in broken if b[1] in fits] == []
    assert BREAKS.pattern  # measured the way the writer measures


def it_fills_the_contents_list_before_any_update(review):
    site, _, _, pages = review
    contents = next(i for i, p in enumerate(pages) if p.lstrip().startswith("Contents"))
    first_chapter = next(i for i, p in enumerate(pages) if i > contents and "Category:" in p)
    listed = "\n".join(pages[contents:first_chapter])
    titles = [page.title for page in site.pages]
    positions = [listed.find(title) for title in titles]
    assert -1 not in positions and positions == sorted(positions)  # every page title, in order
    level2 = [h.text for page in site.pages for h in page.headings if h.level == 2]
    assert sum(h in listed for h in level2) == len(level2)


def it_sets_every_heading_in_one_font_family(review):
    _, _, pdf, pages = review
    contents = next(i for i, p in enumerate(pages) if p.lstrip().startswith("Contents")) + 1
    fonts = {g.font for g in shown(str(pdf)) if g.page == contents and g.char in "Contents"}
    assert fonts and all(f.startswith("LiberationSans") for f in fonts), fonts
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert not re.search(r"NotoSans-(Regular|Bold)\b", listed)  # the theme's font, once used for "Contents"


def it_gives_the_sources_back_after_three_libreoffice_saves(review, soffice, tmp_path):
    site, out, _, _ = review
    saved = out
    for n in range(3):
        saved = soffice(saved, "docx", tmp_path / f"save{n}")
    result = Syncer(saved, build_model(site.root), "accept").plan()
    assert result.changes == [] and result.edited == 0, [c.rel for c in result.changes]


def it_brings_a_periodic_table_cell_edited_in_libreoffice_back_into_its_html_cell(review, tmp_path):
    """A control typed at the end of a cell of the periodic table (a table made from raw HTML), in
    LibreOffice itself (tests/lo_edit.py, the review harness)."""
    import lo_edit

    why = lo_edit.available()
    if why:
        pytest.skip(why)
    site, out, _, _ = review
    edited = tmp_path / "periodic-cell.docx"
    typed = ["type", "Runtime model confidentiality, Model obfuscation", ", Watermarking"]
    job = {"src": str(out), "out": str(edited), "track": False, "edits": [typed]}
    (done,) = lo_edit.review([job], tmp_path / "lo")
    assert done["error"] is None, done["error"]
    result = Syncer(edited, build_model(site.root), "accept").plan()
    assert result.notes == []
    (change,) = result.changes
    assert change.rel == "content/docs/ai_security_overview.md"
    old = [line for line in change.old.splitlines() if 'href="/go/modelobfuscation/"' in line]
    (line,) = [line for line in old if "runtimemodelconfidentiality" in line]
    cell = '<a href="/go/modelobfuscation/">Model obfuscation</a>'
    assert change.new == change.old.replace(line, line.replace(cell, cell + ", Watermarking")) or (
        change.new == change.old.replace(line, line.replace(cell, cell[:-4] + ", Watermarking</a>"))
    )

"""Contents and index for print: the contents' levels and what they leave out, and the page number
printed after internal links (an index's always, the text's with `aix pdf --page-refs`, a handout's
always), checked against the pages the links really jump to."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from converter.__main__ import cli
from converter.html.document import toc_headings
from converter.html.pagerefs import index_letter
from converter.pipeline import build_model

REF = re.compile(r"^(?:, (\d+)| \(p\. (\d+)\))$")


def build(root, out, *args) -> PdfReader:
    result = CliRunner().invoke(cli, ["pdf", str(root), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return PdfReader(out)


def stamped_refs(reader: PdfReader, index: int) -> list[tuple[str, int, int]]:
    """(style, printed number, page the link before it jumps to) for each page reference on a page: the
    number is matched with the link that ends nearest before it on its line."""
    page = reader.pages[index]
    dests = reader.named_destinations
    jumps = []
    for annot in page.get("/Annots") or []:
        annot = annot.get_object()
        if "/Dest" in annot:
            x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
            target = reader.get_destination_page_number(dests[annot["/Dest"]]) + 1
            jumps.append((min(y1, y2), max(y1, y2), max(x1, x2), target))
    refs = []

    def visit(text, cm, tm, font, size):
        m = REF.match(text)
        if m is None:
            return
        x, y = tm[4], tm[5]
        before = [j for j in jumps if j[0] - 1 <= y <= j[1] + 1 and j[2] <= x + 1]
        assert before, f"no link before {text!r} on page {index + 1}"
        target = max(before, key=lambda j: j[2])[3]
        refs.append(("index" if m.group(1) else "page", int(m.group(1) or m.group(2)), target))

    page.extract_text(visitor_text=visit)
    return refs


def page_of(reader: PdfReader, title: str) -> int:
    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item

    return next(reader.get_destination_page_number(i) for i in walk(reader.outline) if i.title == title) + 1


# The contents


def it_lists_the_sample_down_to_its_numbered_levels_without_index_letters_or_landing_pages(sample):
    site = build_model(sample)
    toc = toc_headings(site)
    assert max(h.level for h in toc) == 4  # the sample numbers sections down to 2.1.1.1
    assert not any(index_letter(h) for h in toc)
    assert "Content" not in [h.text for h in toc] and "Index" in [h.text for h in toc]


def it_takes_the_contents_levels_from_aix_yaml(make_site, tmp_path):
    page = "---\ntitle: 1. A\n---\n## 1.1 B\n### 1.1.1 C\n#### D\n"
    root = make_site({"content/docs/a.md": page, "aix.yaml": "title: T\ncontents_levels: 2\n"})
    assert [h.text for h in toc_headings(build_model(root))] == ["1. A", "1.1 B"]
    out = tmp_path / "html"
    result = CliRunner().invoke(cli, ["html", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    toc = (out / "index.html").read_text(encoding="utf-8").split('<nav class="toc">')[1].split("</nav>")[0]
    assert "1.1 B" in toc and "1.1.1 C" not in toc


@pytest.mark.parametrize("value", ["deep", "0", "7", "true", "2.5"])
def it_refuses_a_bad_contents_levels_in_one_line_naming_aix_yaml(make_site, tmp_path, value):
    root = make_site(
        {"content/docs/a.md": "---\ntitle: A\n---\n", "aix.yaml": f"title: T\ncontents_levels: {value}\n"}
    )
    result = CliRunner().invoke(cli, ["html", str(root), "-o", str(tmp_path / "html")])
    assert result.exit_code == 2
    assert result.stderr.startswith("aix.yaml:2: error: contents_levels must be a heading level from 1 to 6")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def it_lists_aix_2026_without_index_letters_or_the_content_landing_page(corpus):
    site = build_model(corpus / "aix-2026")
    toc = toc_headings(site)
    texts = [h.text for h in toc]
    assert not [t for t in texts if len(t.strip()) == 1]
    assert "Content" not in texts and "Index" in texts and "AI Security References" in texts
    assert {h.level for h in toc} == {1, 2, 3}  # numbered sections go down to 2.1.1
    shown = {id(h) for h in toc}
    left = [h for h in site.headings if h.scope == 0 and h.level <= 3 and id(h) not in shown]
    assert len(left) == 21 and {h.page for h in left} == {"docs/_index.md", "docs/ai_security_index.md"}


# Page numbers after links


@pytest.fixture(scope="module")
def sample_pdfs(tmp_path_factory):
    from conftest import SAMPLE

    base = tmp_path_factory.mktemp("refs")
    return build(SAMPLE, base / "plain.pdf"), build(SAMPLE, base / "refs.pdf", "--page-refs")


def it_prints_each_index_link_with_the_page_it_jumps_to(sample_pdfs):
    reader, _ = sample_pdfs
    index = len(reader.pages) - 1
    assert "Index" in reader.pages[index].extract_text()
    refs = stamped_refs(reader, index)
    assert all(number == target for _, number, target in refs)
    # every entry but the one to /contribute/, and the introduction's link, in the text's style
    assert [style for style, _, _ in refs].count("index") == 10
    assert [style for style, _, _ in refs].count("page") == 1
    assert ("index", page_of(reader, "2.1. Evasion"), page_of(reader, "2.1. Evasion")) in refs


def it_prints_the_texts_page_references_only_when_asked(sample_pdfs):
    plain, refs = sample_pdfs
    body = range(1, len(plain.pages) - 1)  # the index's own refs are there either way
    assert [r for i in body for r in stamped_refs(plain, i)] == []
    found = [r for i in range(len(refs.pages) - 1) for r in stamped_refs(refs, i)]
    assert len(found) >= 35
    assert all(style == "page" and number == target for style, number, target in found)
    overview = refs.pages[page_of(refs, "0. AI Security Overview") - 1].extract_text()
    assert "overview/ (p." not in overview  # a section's own permalink line: the reader is there already


def it_prints_the_page_after_every_jump_inside_a_handout(sample, tmp_path):
    out = tmp_path / "h.pdf"
    args = ["handout", str(sample), "docs/ai_security_index.md", "2.1", "2.2", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    text = "\n".join(p.extract_text() for p in reader.pages)
    evasion, injection = page_of(reader, "2.1. Evasion"), page_of(reader, "2.2. Prompt injection")
    assert f"Evasion, {evasion}" in text and f"Prompt injection, {injection}" in text
    assert "Agentic systems," not in text  # outside the handout: a permalink with a note instead

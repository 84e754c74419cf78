"""The tagged PDF: its structure tree walked with pikepdf, on two parts merged from some of their pages, on
the sample and on the aix-2026 release. Heading texts come from the marked content of the pages (decoded
through the fonts' ToUnicode maps), not from anything the merge wrote."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from pdf_glyphs import marked
from pikepdf import Array, Dictionary, Name

from converter.__main__ import cli
from converter.pdf.render import Job, render
from converter.pdf.tags import merge_structure
from converter.pipeline import build_model

HEADINGS = {f"/H{n}": n for n in range(1, 7)}


@dataclass
class Tree:
    """What the structure tree of a PDF says, gathered in one walk."""

    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, text) in document order
    kinds: set[str] = field(default_factory=set)
    linked: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # annotation -> its Link
    figures_without_alt: int = 0
    foreign_pages: int = 0  # /Pg references to a page not in the document
    unmarked: dict[int, list[str]] = field(default_factory=dict)  # page -> painting outside marked content


def walk(pdf: pikepdf.Pdf) -> Tree:
    pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    texts, tree = {}, Tree()
    for i, page in enumerate(pdf.pages):
        content = marked(pdf, page)
        texts[i] = content.text
        if content.unmarked:
            tree.unmarked[i] = content.unmarked

    def kids(element):
        k = element.get("/K")
        return [] if k is None else list(k) if isinstance(k, Array) else [k]

    def visit(element: Dictionary, page) -> str:
        """The element's text, gathering what the tree says on the way."""
        kind = str(element.get("/S"))
        tree.kinds.add(kind)
        page = element.get("/Pg", page)
        if page is not None and page.objgen not in pages:
            tree.foreign_pages += 1
        if kind == "/Figure" and "/Alt" not in element:
            tree.figures_without_alt += 1
        text = []
        for kid in kids(element):
            if isinstance(kid, int):
                text.append(texts[pages[page.objgen]].get(kid, ""))
            elif kid.get("/Type") == Name.MCR:
                text.append(texts[pages[kid.Pg.objgen]].get(int(kid.MCID), ""))
            elif kid.get("/Type") == Name.OBJR:
                if kind == "/Link":
                    tree.linked[kid.Obj.objgen] = element.objgen
                if kid.Pg.objgen not in pages:
                    tree.foreign_pages += 1
            else:
                text.append(visit(kid, page))
        joined = "".join(text)
        if kind in HEADINGS:
            tree.headings.append((HEADINGS[kind], " ".join(joined.split())))
        return joined

    visit(pdf.Root.StructTreeRoot, None)
    return tree


def unembedded_fonts(pdf: pikepdf.Pdf) -> set[str]:
    """Every font, in page and form resources and Type0 descendants, without its font file."""
    missing, seen = set(), set()

    def fonts_in(resources):
        if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
            return
        seen.add(resources.objgen)
        for font in resources.get("/Font", Dictionary()).values():
            for f in [font, *font.get("/DescendantFonts", Array())]:
                descriptor = f.get("/FontDescriptor")
                if f.get("/Subtype") == Name.Type0:
                    continue
                if f.get("/Subtype") == Name.Type3:
                    fonts_in(f.get("/Resources"))
                elif descriptor is None or not any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    missing.add(str(f.get("/BaseFont")))
        for xobject in resources.get("/XObject", Dictionary()).values():
            if xobject.get("/Subtype") == Name.Form:
                fonts_in(xobject.get("/Resources"))

    for page in pdf.pages:
        fonts_in(page.obj.get("/Resources"))
    return missing


def check_tagged(pdf: pikepdf.Pdf, site_headings: list[tuple[int, str]]) -> Tree:
    """What the issue asks of the release's tags, fonts aside."""
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == "en"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    tree = walk(pdf)
    assert tree.unmarked == {}
    assert tree.foreign_pages == 0 and tree.figures_without_alt == 0
    assert {"/P", "/L", "/LI", "/Lbl", "/LBody", "/Table", "/TR", "/TH", "/TD", "/Link"} <= tree.kinds
    # spaces aside: the text is decoded from the drawing, where a heading set on two lines has no space
    found = iter([(level, "".join(text.split())) for level, text in tree.headings])
    wanted = [(level, "".join(text.split())) for level, text in site_headings]
    assert all(heading in found for heading in wanted), "a heading is missing or out of order"
    annots = [a for page in pdf.pages for a in page.obj.get("/Annots", Array())]
    assert annots and all(a.objgen in tree.linked for a in annots)
    described = [a for a in annots if str(a.get("/Contents", "")).strip()]  # PDF/UA: links say what they are
    assert len(described) == len(annots), [a.get("/A") for a in annots if a not in described][:5]
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    keys = [int(k) for k in nums[::2]]
    assert keys == sorted(set(keys))
    owner = dict(zip(keys, nums[1::2], strict=True))
    assert all(owner[int(a.StructParent)].objgen == tree.linked[a.objgen] for a in annots)
    return tree


def release(root: Path, out: Path, *extra: str) -> pikepdf.Pdf:
    result = CliRunner().invoke(cli, ["pdf", str(root), "-o", str(out), "--no-cache", *extra])
    assert result.exit_code == 0, result.output
    return pikepdf.open(out)


def outline(root: Path) -> list[tuple[int, str]]:
    return [(h.level, " ".join(h.text.split())) for h in build_model(root).headings]


# Two parts merged from some of their pages, as the build will take them


def part(tmp_path: Path, name: str, html: str) -> pikepdf.Pdf:
    pdf = tmp_path / f"{name}.pdf"
    job = Job(name, html, tmp_path.as_uri() + "/", [str(tmp_path)], str(pdf), str(tmp_path / f"{name}.json"))
    render(job)
    return pikepdf.open(pdf)


def chapter(name: str, pages: int) -> str:
    body = "".join(
        f'<section style="break-before: page"><h2>{name} {n}</h2><p>Text of {name} {n} with '
        f'<a href="https://example.org/{name}/{n}">a <strong>link</strong></a>.</p>'
        f"<ul><li>one</li><li>two</li></ul></section>"
        for n in range(pages)
    )
    return f'<!DOCTYPE html><html lang="en"><body style="margin: 0">{body}</body></html>'


def it_merges_the_trees_of_the_pages_it_takes_and_nothing_else(tmp_path):
    first, second = part(tmp_path, "a", chapter("Alpha", 3)), part(tmp_path, "b", chapter("Beta", 3))
    out = pikepdf.new()
    runs = []
    for src, taken in ((first, [1, 2]), (second, [0, 1])):  # a dummy first page dropped, a last page too
        landed = []
        for i in taken:
            out.pages.append(src.pages[i])
            landed.append(len(out.pages) - 1)
        runs.append((src, taken, landed))
    del out.pages[2].obj["/Annots"]  # links the merge removed: their text stays, not their Link
    merge_structure(out, runs, "unused").finish("en")
    out.save(tmp_path / "merged.pdf")

    merged = pikepdf.open(tmp_path / "merged.pdf")
    tree = walk(merged)
    assert [text for level, text in tree.headings] == ["Alpha 1", "Alpha 2", "Beta 0", "Beta 1"]
    assert tree.foreign_pages == 0 and tree.unmarked == {}
    assert [int(p.StructParents) for p in merged.pages] == [0, 1, 2, 3]
    annots = [a for page in merged.pages for a in page.obj.get("/Annots", Array())]
    assert len(annots) == 6 and all(a.objgen in tree.linked for a in annots)  # an <a> and its <strong>
    assert len(set(tree.linked.values())) == 3
    assert sorted(int(a.StructParent) for a in annots) == list(range(4, 10))
    assert int(merged.Root.StructTreeRoot.ParentTreeNextKey) == 10
    assert not any(isinstance(o, Dictionary) and o.get("/Type") == Name.Page for o in _unreferenced(merged))


def _unreferenced(pdf: pikepdf.Pdf) -> list:
    """Objects a saved file holds that no page tree reaches: pikepdf writes only what is reachable, so a
    page copied through a stray reference would show up as a second page object."""
    pages = {p.obj.objgen for p in pdf.pages}
    return [
        o
        for o in pdf.objects
        if isinstance(o, Dictionary) and o.get("/Type") == Name.Page and o.objgen not in pages
    ]


def it_tags_the_sample_release(sample, tmp_path):
    if not (sample / "content").is_dir():
        pytest.skip("sources/ (the sample) is not in this checkout")
    pdf = release(sample, tmp_path / "sample.pdf")
    tree = check_tagged(pdf, outline(sample))
    assert "/Figure" in tree.kinds
    navigator = pdf.pages[1]
    assert int(navigator.StructParents) == 1  # the untagged navigator, one Figure with its Alt


@pytest.fixture(scope="session")
def aix_2026(corpus, tmp_path_factory) -> pikepdf.Pdf:
    navigator = corpus / "navigator" / "owaspainavigator-2026.pdf"
    out = tmp_path_factory.mktemp("tags") / "aix-2026.pdf"
    return release(corpus / "aix-2026", out, "--navigator", str(navigator))


@pytest.mark.slow
def it_tags_the_aix_2026_release(corpus, aix_2026):
    tree = check_tagged(aix_2026, outline(corpus / "aix-2026"))
    assert len(tree.headings) >= 226 and "/Figure" in tree.kinds


@pytest.mark.slow
def it_embeds_every_font_of_the_aix_2026_release(aix_2026):
    assert unembedded_fonts(aix_2026) == set()


def it_embeds_every_font_of_the_sample(sample, tmp_path):
    assert unembedded_fonts(release(sample, tmp_path / "sample.pdf")) == set()


def it_writes_the_same_bytes_with_the_page_references_kept(monkeypatch):
    """pdf/speedups.py keeps pydyf's list of page references between calls: a tagged document of many pages
    must write to exactly the bytes it wrote before."""
    import pydyf
    from weasyprint import HTML

    from converter.pdf import speedups

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    getter = pydyf.PDF.__dict__["page_references"].fget
    monkeypatch.setattr(pydyf.PDF, "page_references", property(getattr(getter, "unpatched", getter)))
    document = HTML(string=chapter("Gamma", 12)).render()
    before = document.write_pdf(pdf_tags=True, uncompressed_pdf=True)
    speedups.apply()
    assert hasattr(pydyf.PDF.__dict__["page_references"].fget, "unpatched")
    assert document.write_pdf(pdf_tags=True, uncompressed_pdf=True) == before
    assert len(pikepdf.open(io.BytesIO(before)).pages) == 12

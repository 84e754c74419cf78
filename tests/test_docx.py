"""`aix docx`: a proper Word document (bookmarks, internal links, TOC, core properties, real lists and tables)
that carries what `aix sync` needs, and that embeds nothing from outside the site's static/."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

from converter import pandoc
from converter.__main__ import cli
from converter.errors import AixError
from converter.ooxml.namespaces import W
from converter.ooxml.package import open_docx
from converter.pipeline import build_model
from converter.roundtrip import store as roundtrip
from converter.roundtrip.bookmarks import BookmarkNames
from converter.roundtrip.export import export_docx

VALID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")


def _document(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml"))


@pytest.fixture(scope="module")
def sample_snapshot(tmp_path_factory):
    site = build_model(Path(__file__).resolve().parent.parent / "sources")
    out = tmp_path_factory.mktemp("docx") / "sample.docx"
    report = export_docx(site, out)
    return site, out, report


@pytest.fixture(scope="module")
def corpus_snapshot(tmp_path_factory, corpus):
    site = build_model(corpus / "aix-2026")
    out = tmp_path_factory.mktemp("docx") / "aix-2026.docx"
    report = export_docx(site, out)
    return site, out, report


@pytest.fixture(params=["sample", pytest.param("aix-2026", marks=pytest.mark.corpus)])
def snapshot(request):
    return request.getfixturevalue("sample_snapshot" if request.param == "sample" else "corpus_snapshot")


def it_bookmarks_every_heading_with_a_valid_unique_stable_name(snapshot):
    site, out, _ = snapshot
    names = BookmarkNames(site)
    found = [b.get(W + "name") for b in _document(out).iter(W + "bookmarkStart")]
    headings = [h for p in site.pages for h in p.headings]
    wanted = [names.heading(h) for h in headings]
    assert len(set(wanted)) == len(headings)
    assert all(VALID.match(name) for name in wanted)
    assert set(wanted) <= set(found)
    assert BookmarkNames(build_model(site.root)).mapping == names.mapping  # the same names next time


def it_keeps_the_heading_ids_inside_the_document(snapshot):
    site, out, _ = snapshot
    stored = roundtrip.find(open_docx(out))
    assert stored is not None
    ids = {(p.path, h.id) for p in site.pages for h in p.headings}
    assert set(stored.bookmarks.values()) == ids


def _in_toc(el: etree._Element) -> bool:
    p = next(el.iterancestors(W + "p"))
    return (p.find(f"{W}pPr/{W}pStyle") is not None) and p.find(f"{W}pPr/{W}pStyle").get(
        W + "val"
    ).startswith("toc")


def it_fills_the_contents_list_with_the_headings_linked_to_their_bookmarks(snapshot):
    """The TOC field's result holds every heading of levels 1-3 before anything updates it."""
    site, out, _ = snapshot
    root = _document(out)
    bookmarks = {b.get(W + "name") for b in root.iter(W + "bookmarkStart")}
    entries = [p for p in root.iter(W + "p") if (p.find(f"{W}pPr/{W}pStyle") is not None)
               and p.find(f"{W}pPr/{W}pStyle").get(W + "val").startswith("toc")]  # fmt: skip
    names = BookmarkNames(site)
    headings = [h for page in site.pages for h in page.headings if h.level <= 3]
    assert ["".join(t.text for t in p.iter(W + "t")) for p in entries] == [h.text for h in headings]
    assert [p.find(W + "hyperlink").get(W + "anchor") for p in entries] == [
        names.heading(h) for h in headings
    ]
    assert {p.find(W + "hyperlink").get(W + "anchor") for p in entries} <= bookmarks
    # still a field Word updates: begin and instruction before the first entry, the end after the last
    body = list(root.iter(W + "fldChar", W + "instrText", W + "p"))
    first, last = body.index(entries[0]), body.index(entries[-1])
    assert "TOC \\o" in "".join(e.text or "" for e in body[first:] if e.tag == W + "instrText")
    kinds = [e.get(W + "fldCharType") for e in body[first : last + 3] if e.tag == W + "fldChar"]
    assert kinds[:2] == ["begin", "separate"] and kinds[-1] == "end"


def it_links_every_internal_link_to_an_existing_bookmark(snapshot):
    site, out, _ = snapshot
    root = _document(out)
    bookmarks = {b.get(W + "name") for b in root.iter(W + "bookmarkStart")}
    anchors = [
        h.get(W + "anchor") for h in root.iter(W + "hyperlink") if h.get(W + "anchor") and not _in_toc(h)
    ]
    internal = [link for p in site.pages for link in p.links if link.target is not None]
    assert len(anchors) == len(internal)  # Markdown, raw HTML <a href> and shortcode link= alike
    assert set(anchors) <= bookmarks
    names = BookmarkNames(site)
    expected = sorted(names.target(link.target.page, link.target.anchor) for link in internal)
    assert sorted(anchors) == expected


def it_has_a_cover_a_toc_field_page_numbers_and_word_styles(sample_snapshot):
    site, out, _ = sample_snapshot
    root = _document(out)
    instructions = "".join(t.text or "" for t in root.iter(W + "instrText"))
    assert "TOC \\o" in instructions
    with zipfile.ZipFile(out) as z:
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
        settings = z.read("word/settings.xml").decode()
    assert any("PAGE" in f for f in footers)
    order = [etree.QName(el).localname for el in etree.fromstring(settings.encode())]
    # w:updateFields where CT_Settings's sequence puts it: after w:savePreviewPicture, before w:rsids
    assert order.index("savePreviewPicture") < order.index("updateFields") < order.index("rsids")
    document = docx.Document(str(out))
    styles = [p.style.name for p in document.paragraphs]
    assert styles[0] == "Title" and "Heading 1" in styles and "Heading 4" in styles
    texts = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "2.1.1.1. Query-based search" in texts  # numbers stay in the text
    assert any(p.style.name == "Source Code" for p in document.paragraphs)
    assert any(p.style.name == "Block Text" for p in document.paragraphs)
    listed = [p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    levels = {int(p._p.pPr.numPr.ilvl.val) for p in listed}
    assert {0, 1, 2} <= levels  # nested lists stay nested
    table = document.tables[0]
    assert table.style.name == "Table"
    assert table.rows[0]._tr.trPr.find(W + "tblHeader") is not None


def it_points_every_bullet_list_at_one_numbering_definition(sample_snapshot):
    _, out, _ = sample_snapshot
    with zipfile.ZipFile(out) as z:
        numbering = etree.fromstring(z.read("word/numbering.xml"))
    bullets = [
        a
        for a in numbering.iter(W + "abstractNum")
        if a.find(f"{W}lvl/{W}numFmt").get(W + "val") == "bullet"
        and (a.find(f"{W}lvl/{W}lvlText").get(W + "val") or "").strip()
    ]
    assert len(bullets) == 1


def it_makes_every_table_as_wide_as_the_text(sample_snapshot):
    root = _document(sample_snapshot[1])
    widths = [tbl.find(f"{W}tblPr/{W}tblW") for tbl in root.iter(W + "tbl")]
    assert widths and all((w.get(W + "type"), w.get(W + "w")) == ("pct", "5000") for w in widths)


@pytest.mark.parametrize(
    ("part", "tag", "named"),
    [("word/document.xml", "tblW", "w:tblW"), ("word/document.xml", "tblPr", "w:tblPr in a table")],
)
def it_stops_when_pandoc_writes_what_it_edits_differently(make_site, monkeypatch, tmp_path, part, tag, named):
    """An edit of pandoc's XML that finds nothing to edit is an error naming what it expected, not a
    snapshot silently left as pandoc wrote it."""
    from converter.roundtrip import export as export_module

    real = pandoc.ast_to_docx

    def without(doc, out, reference):
        job = real(doc, out, reference)
        wait = job.wait

        def wait_and_drop():
            wait()
            with zipfile.ZipFile(out) as z:
                members = [(i, z.read(i)) for i in z.infolist()]
            with zipfile.ZipFile(out, "w") as z:
                for info, data in members:
                    if info.filename == part:
                        root = etree.fromstring(data)
                        for el in list(root.iter(W + tag)):
                            el.getparent().remove(el)
                        data = etree.tostring(root)
                    z.writestr(info, data)

        job.wait = wait_and_drop
        return job

    monkeypatch.setattr(export_module.pandoc, "ast_to_docx", without)
    site = make_site({"content/docs/a.md": "---\ntitle: A\n---\n| x | y |\n|---|---|\n| 1 | 2 |\n"})
    with pytest.raises(AixError, match=f"pandoc's {part} has no {named}"):
        export_docx(build_model(site), tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def it_sets_the_core_properties(sample_snapshot):
    site, out, _ = sample_snapshot
    with zipfile.ZipFile(out) as z:
        core = z.read("docProps/core.xml").decode()
    props = docx.Document(str(out)).core_properties
    assert props.title == "AI Exchange sample"
    assert props.subject.startswith("A small, invented document")
    assert props.version and props.created is not None
    assert "<dc:identifier>git:" in core  # the sources' commit (the sample is in git)


def it_embeds_only_images_from_static(make_site):
    root = make_site(
        {
            "content/docs/a.md": """\
            ---
            title: A
            ---
            ![ok](/images/ok.png)
            ![passwd](/etc/passwd)
            ![up](../../secret.png)
            ![file](file:///etc/hostname)
            ![web](http://example.com/x.png)
            ![link](/images/escape.png)
            """,
            "static/images/ok.png": _PNG,
            "secret.png": _PNG + b"secret",
        }
    )
    (root / "static" / "images" / "escape.png").symlink_to(root / "secret.png")
    site = build_model(root)
    out = root.parent / "a.docx"
    report = export_docx(site, out)
    refused = "\n".join(report.warnings)
    for line, src in ((5, "/etc/passwd"), (6, "../../secret.png"), (7, "file:///etc/hostname")):
        assert f"content/docs/a.md:{line}: warning: image {src} is not embedded" in refused
    assert "http://example.com/x.png is not embedded" in refused
    assert "/images/escape.png is not embedded: it lies outside the site's static/ folder" in refused
    with zipfile.ZipFile(out) as z:
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
    assert media == [_PNG]
    with zipfile.ZipFile(out) as z:
        assert str(root).encode() not in z.read("word/document.xml")  # no local paths leak either


def it_writes_atomically_and_keeps_the_old_file_on_failure(make_site, monkeypatch):
    root = make_site({"content/docs/a.md": "---\ntitle: A\n---\nText.\n"})
    out = root.parent / "a.docx"
    out.write_bytes(b"old")

    def broken(*args, **kwargs):
        raise RuntimeError("pandoc died")  # before it could write anything

    monkeypatch.setattr(pandoc, "ast_to_docx", broken)
    with pytest.raises(RuntimeError):
        export_docx(build_model(root), out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".a.docx")] == []


def it_has_a_command_with_a_dated_default_name(make_site, monkeypatch, tmp_path):
    root = make_site({"content/docs/a.md": "---\ntitle: A\n---\n## One\nText.\n"})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    result = CliRunner().invoke(cli, ["docx", str(root)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "build" / "Test-2026-01-01.docx").is_file()
    assert "wrote build/Test-2026-01-01.docx" in result.stderr


def it_converts_to_pdf_with_libreoffice(sample_snapshot, soffice, tmp_path):
    from pypdf import PdfReader

    _, out, _ = sample_snapshot
    pdf = soffice(out, "pdf", tmp_path)
    reader = PdfReader(str(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 8
    for heading in (
        "0.1.1 How to use this document",
        "2.1.1.1. Query-based search",
        "安全 (security) glossary",
    ):
        assert heading in text
    links = [
        a
        for page in reader.pages
        for a in page.get("/Annots") or []
        if a.get_object().get("/Subtype") == "/Link"
    ]
    assert len(links) >= 60


def it_converts_aix_2026_to_pdf_with_libreoffice(corpus_snapshot, soffice, tmp_path):
    from pypdf import PdfReader

    _, out, _ = corpus_snapshot
    reader = PdfReader(str(soffice(out, "pdf", tmp_path)))
    assert len(reader.pages) > 150
    assert "2. Input threats" in "".join(
        reader.pages[n].extract_text() for n in range(len(reader.pages) // 3)
    )


def it_makes_the_reference_styles_reproducibly():
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "tools" / "make_reference_docx.py"
    spec = importlib.util.spec_from_file_location("make_reference_docx", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    first, second = module.build(), module.build()
    assert first == second
    styles = docx.Document(str(path.parent.parent / "styles" / "reference.docx")).styles
    for name in (
        "Source Code",
        "Block Text",
        "Block Text 2",
        "Hugo Source",
        "Hugo Shortcode",
        "Thematic Break",
    ):
        assert name in [s.name for s in styles]


_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def it_sizes_images_from_their_headers_only(tmp_path):
    """Pillow reads the size and resolution from the header: a PNG cut after its header is sized alike."""
    from PIL import Image

    from converter.roundtrip.export import display_size

    png, jpeg, gif = tmp_path / "a.png", tmp_path / "b.jpg", tmp_path / "c.gif"
    Image.new("RGB", (600, 300), "white").save(png, dpi=(300, 300))
    Image.new("RGB", (960, 480), "white").save(jpeg, dpi=(72, 72))
    Image.new("P", (96, 48)).save(gif)
    assert display_size(png, 6.5, 8.5) == pytest.approx((2.0, 1.0), abs=1e-3)
    assert display_size(jpeg, 6.5, 8.5) == pytest.approx((6.5, 3.25))  # 13.3 in wide, fitted
    assert display_size(gif, 6.5, 8.5) == pytest.approx((1.0, 0.5))  # no resolution: 96 dpi
    cut = tmp_path / "cut.png"
    data = png.read_bytes()
    cut.write_bytes(data[: data.index(b"IDAT") + 8])  # the pixels cut off
    assert display_size(cut, 6.5, 8.5) == display_size(png, 6.5, 8.5)
    (tmp_path / "x.png").write_bytes(b"not an image")
    assert display_size(tmp_path / "x.png", 6.5, 8.5) is None

"""`aix handout`: the selected sections and only they, links inside jumping, links out as permalinks
with numbered notes, on the paper asked for."""

import pikepdf
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from converter.__main__ import cli
from converter.pipeline import build_model
from converter.reports.sections import select


def _handout(site, out, *args):
    result = CliRunner().invoke(cli, ["handout", str(site), *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return result


def _bookmarks(reader):
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def _links(path):
    """(URI or None, destination page index or None) of every link annotation."""
    found = []
    with pikepdf.open(path) as pdf:
        pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
        names = {}
        if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
            for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items():
                names[str(name)] = dest
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                action = annot.get("/A")
                if action is not None and action.get("/S") == "/URI":
                    found.append((str(action.URI), None))
                    continue
                dest = annot.get("/Dest") if annot.get("/Dest") is not None else action.get("/D")
                if isinstance(dest, pikepdf.String | pikepdf.Name):
                    dest = names[str(dest).lstrip("/")]
                found.append((None, pages[dest[0].objgen]))
    return found


def _expected_headings(root, selectors, with_controls=False):
    selection = select(build_model(root), selectors, with_controls)
    return [h.text for s in selection.sections for h in s.headings]


def it_holds_the_selected_sections_and_the_controls_they_link_to(sample, tmp_path):
    out = tmp_path / "h.pdf"
    _handout(sample, out, "go:promptinjection", "--with-controls")
    reader = PdfReader(out)
    expected = _expected_headings(sample, ["go:promptinjection"], True)
    assert _bookmarks(reader) == expected
    assert "#OVERSIGHT" in expected and "2.2.1. Direct prompt injection" in expected
    text = "".join(page.extract_text() for page in reader.pages)
    assert "2.1. Evasion" not in text and "Query-based search" not in text


def it_jumps_inside_and_links_out_to_permalinks_with_notes(sample, tmp_path):
    out = tmp_path / "h.pdf"
    _handout(sample, out, "2.2")
    links = _links(out)
    inside = [page for uri, page in links if uri is None]
    outside = [uri for uri, _ in links if uri is not None]
    assert inside and all(0 <= page < len(PdfReader(out).pages) for page in inside)
    site = build_model(sample)
    sources = {site.base_url + r.source.lstrip("/") for r in site.redirects}
    website = [u for u in outside if u.startswith(site.base_url)]
    assert website and all(u in sources or "/docs/" in u for u in website)
    assert "https://owaspai.org/go/agenticthreats/" in website  # "Threats to agentic systems", not in 2.2
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "systems[1]" in text and "https://owaspai.org/go/agenticthreats/" in text  # marker and note


def it_leaves_notes_out_when_asked_and_prints_on_letter(sample, tmp_path):
    out = tmp_path / "h.pdf"
    _handout(sample, out, "2.2", "--no-link-notes", "--paper", "letter")
    reader = PdfReader(out)
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    assert "https://owaspai.org/go/agenticthreats/" not in "".join(p.extract_text() for p in reader.pages)
    _handout(sample, out, "2.2")
    assert [round(float(v)) for v in PdfReader(out).pages[0].mediabox[2:]] == [595, 842]


def it_refuses_a_selector_that_matches_nothing(sample, tmp_path):
    result = CliRunner().invoke(
        cli, ["handout", str(sample), "go:promptinjektion", "-o", str(tmp_path / "h.pdf")]
    )
    assert result.exit_code == 2
    assert "selector 'go:promptinjektion' matches nothing; closest: go:promptinjection" in result.stderr
    assert not (tmp_path / "h.pdf").exists()


def it_makes_the_one_page_navigator_handout(sample, tmp_path):
    out = tmp_path / "nav.pdf"
    _handout(sample, out, "--navigator")
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 1
        width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
        assert (round(width), round(height)) == (842, 595)  # the landscape navigator on landscape A4
    uris = [uri for uri, _ in _links(out)]
    assert len(uris) == 12 and all(u.startswith("https://") for u in uris)


@pytest.mark.slow
def it_makes_a_handout_of_aix_2026(corpus, tmp_path):
    out = tmp_path / "h.pdf"
    site = corpus / "aix-2026"
    _handout(site, out, "go:promptinjection", "--with-controls")
    reader = PdfReader(out)
    expected = _expected_headings(site, ["go:promptinjection"], True)
    assert _bookmarks(reader) == expected
    links = _links(out)
    assert sum(uri is None for uri, _ in links) > 10
    model = build_model(site)
    sources = {model.base_url + r.source.lstrip("/") for r in model.redirects}
    broken = {
        link.url for link in model.links if link.kind == "go" and link.via is None
    }  # aix check reports them
    website = [u for u, _ in links if u and u.startswith(model.base_url)]
    assert all(
        u in sources or "/docs/" in u or "/images/" in u or "/" + u.removeprefix(model.base_url) in broken
        for u in website
    )

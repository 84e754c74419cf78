"""Proof that aix shows what the website shows: `aix html` against real Hugo rendering the same sources.

Hugo is the `hugo` package of the test extras (the version ../shared/tools/hugo-render uses), run by
hugo-render offline with the site's own theme. Per page: every heading id Hugo gives equals aix's, and the
sequence of block texts (p, li, td, th, h2-h6, pre; tools/hugo_parity.py) is the same, typography included.
A failure names the first differing block of each page.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import hugo_parity  # noqa: E402
from conftest import CORPUS  # noqa: E402

from converter.pipeline import build_model  # noqa: E402

pytestmark = [pytest.mark.corpus, pytest.mark.slow]
SITE_FILES = ("hugo.yaml", "go.mod", "layouts", "data")


@pytest.fixture(scope="module")
def oracle():
    """hugo-render, or a skip saying what is missing (it lives in ../shared/tools, the theme in ../shared/hugo)."""
    if not hugo_parity.HUGO_RENDER.is_file():
        pytest.skip(f"{hugo_parity.HUGO_RENDER} is absent")
    return hugo_parity.hugo_render


def _parity(site: Path, tmp: Path, oracle) -> hugo_parity.SiteParity:
    oracle(site, tmp / "hugo")
    index = hugo_parity.aix_html(site, tmp / "aix")
    return hugo_parity.measure(site, tmp / "hugo", index)


def _differences(result: hugo_parity.SiteParity) -> list[str]:
    out = []
    for p in result.pages:
        if p.first is not None:
            hugo, aix = (text.split("\n", 1)[0][:200] for text in p.first)
            out.append(
                f"{p.page}: {p.same}/{p.hugo} blocks; first difference:\n  hugo: {hugo}\n  aix:  {aix}"
            )
    return out


def _held_out_site(corpus: Path, tmp: Path) -> Path:
    """hugo-2026-05's sources with the site files of the same repository (aix-2026's hugo.yaml, layouts,
    data, go.mod): a site aix was not tuned on, rendered as the website would render it."""
    site = tmp / "hugo-2026-05"
    site.mkdir()
    shutil.copytree(corpus / "hugo-2026-05" / "content", site / "content")
    shutil.copy(corpus / "hugo-2026-05" / "firebase.json", site / "firebase.json")
    for name in SITE_FILES:
        source = corpus / "aix-2026" / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, site / name)
    return site


@pytest.fixture(scope="module", params=["sample", "constructs", "aix-2026", "aix-2024", "hugo-2026-05"])
def result(request, tmp_path_factory, oracle) -> hugo_parity.SiteParity:
    """The comparison of one site, made once for the tests below."""
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "sample":
        site = Path(__file__).resolve().parent.parent / "sources"
    elif request.param == "constructs":
        site = Path(__file__).resolve().parent / "fixtures" / "hugo_constructs"
    elif not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    elif request.param == "hugo-2026-05":
        site = _held_out_site(CORPUS, tmp)
    else:
        site = CORPUS / request.param
    return _parity(site, tmp, oracle)


def it_shows_every_block_as_hugo_renders_it(result):
    assert result.missing == [], "pages Hugo did not render"
    assert sum(p.hugo for p in result.pages) > 100
    assert _differences(result) == []
    assert result.parity == 1.0


def it_gives_every_heading_the_id_hugo_gives_it(result):
    assert result.ids_compared >= 10
    assert result.ids == {}
    assert result.ids_equal == result.ids_compared


def it_renders_what_the_sample_was_written_to_show(tmp_path, oracle):
    """The sample holds the constructs aix once read unlike Hugo; each must be present to be proved."""
    sample = Path(__file__).resolve().parent.parent / "sources"
    oracle(sample, tmp_path / "hugo")
    page = hugo_parity.hugo_page(tmp_path / "hugo", "/docs/ai_security_references/")
    texts = hugo_parity.blocks(hugo_parity._body(page))
    assert "td:[Fuzzer A" in texts  # a pipe inside a link cuts the cell
    assert "td:Needs Python 3.11 or later" in texts  # a line without pipes is a row
    assert "h3:Tools for input testing" in texts  # a heading right after a quote is outside it
    assert any("The editors’ picks – “a start, not a verdict” –" in t for t in texts)
    assert any("Quote the report as «tool» «date»" in t for t in texts)
    site = build_model(sample)
    headings = [h.text for h in site.page("docs/ai_security_references.md").headings]
    assert "Tools for input testing" in headings

"""Parsed pages kept between PDF builds (hugo/parsecache.py): a model read through the cache is the model
read from the sources, whatever the cache holds."""

from __future__ import annotations

import json
import shutil

import pytest

from converter.hugo import parsecache
from converter.pipeline import build_model
from tests.conftest import write_site


def _model(site):
    """Everything parsing gives a page, and what reading reported."""
    pages = [(p.path, p.blocks, p.headings, p.links, p.images, p.shortcodes, p.notes) for p in site.pages]
    return pages, [str(w) for w in site.warnings]


def _read(root, folder=None):
    found: list = []
    if folder is None:
        return build_model(root, found.append), found
    with parsecache.kept_in(folder) as cache:
        site = build_model(root, found.append)
    return site, found, cache


@pytest.mark.parametrize("which", ["sample", "aix-2026"])
def it_reads_the_same_model_from_the_cache_as_from_the_sources(which, sample, request, tmp_path):
    root = sample if which == "sample" else request.getfixturevalue("corpus") / "aix-2026"
    fresh, fresh_found = _read(root)
    _, filled_found, filling = _read(root, tmp_path)
    cached, cached_found, reading = _read(root, tmp_path)
    assert len(filling.used) == len(fresh.pages) > 0
    assert reading.used == filling.used
    assert {f.name for f in tmp_path.iterdir()} == filling.used  # nothing parsed again
    assert _model(cached) == _model(fresh)
    assert [str(f) for f in cached_found] == [str(f) for f in filled_found] == [str(f) for f in fresh_found]


def it_reports_what_a_page_says_when_its_tokens_come_from_the_cache(tmp_path):
    """A list item indented under paragraph text is noted on the token when parsing (blocks.py): a page
    read from the cache must give the same warning at the same line."""
    root = write_site(
        tmp_path / "site",
        {
            "content/docs/a.md": "---\ntitle: A\n---\n# A\n\nSome text\n    - not an item\n\n| a | b |\n|---|---|\n| 1 |\n"
        },
    )
    fresh, _ = _read(root)
    _read(root, tmp_path / "cache")
    cached, _, _ = _read(root, tmp_path / "cache")
    assert {n.code for n in fresh.pages[0].notes} >= {"lazy-list"}
    assert [(n.code, n.file, n.line, n.message) for n in cached.pages[0].notes] == [
        (n.code, n.file, n.line, n.message) for n in fresh.pages[0].notes
    ]


def it_parses_again_what_the_cache_cannot_give(sample, tmp_path):
    """A changed page misses (the key is its text), and a damaged or foreign file is not taken."""
    root = tmp_path / "site"
    shutil.copytree(sample, root)
    folder = tmp_path / "cache"
    folder.mkdir()
    _, _, first = _read(root, folder)
    damaged = sorted(first.used)
    (folder / damaged[0]).write_text("{not json", encoding="utf-8")
    (folder / damaged[1]).write_text(json.dumps({"type": "paragraph"}), encoding="utf-8")
    (folder / damaged[2]).write_text(json.dumps([["not", "a", "token"]]), encoding="utf-8")
    page = next((root / "content").rglob("*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\nA paragraph added.\n", encoding="utf-8")
    site, _, again = _read(root, folder)
    fresh, _ = _read(root)
    assert _model(site) == _model(fresh)
    assert len(again.used - first.used) == 1  # the edited page, under a new key
    for name in damaged[:3]:
        if name in again.used:
            assert isinstance(json.loads((folder / name).read_text(encoding="utf-8")), list)

"""A hostile round-trip store: a snapshot whose store names pages other than the site's own cannot make
`aix sync` write outside SITE/content/, over another page, or anywhere the store says. Each variant is a
real snapshot whose store was rewritten, its checksum recomputed as an attacker would."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from converter.__main__ import cli
from converter.pipeline import build_model
from converter.roundtrip.export import export_docx

NS = "urn:owasp-ai-exchange:aix:snapshot"
PAGE_A = "---\ntitle: A\n---\n\nAlpha text one.\n\nAlpha text two.\n"
PAGE_B = "---\ntitle: B\n---\n\nBeta text.\n"
PAGE_C = "---\ntitle: C\n---\n\n" + "".join(f"Gamma paragraph {n}.\n\n" for n in range(6))  # so that the
# snapshot still passes for one of this site's when page a goes missing from it


def tree(*roots: Path) -> dict[str, str]:
    """Every file and symlink under the roots (not following links), with a hash of its bytes."""
    out = {}
    for root in roots:
        for p in sorted(root.rglob("*")):
            key = str(p)
            if p.is_symlink():
                out[key] = "-> " + os.readlink(p)
            elif p.is_file():
                out[key] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def rewrite_store(snapshot: Path, out: Path, edit, document=None) -> Path:
    """The snapshot with its store's JSON changed by `edit(data)` and the checksum made to match."""
    with zipfile.ZipFile(snapshot) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for name, data in parts.items():
        if name.startswith("customXml/item") and not name.startswith("customXml/itemProps"):
            root = etree.fromstring(data)
            if root.tag != f"{{{NS}}}snapshot":
                continue
            payload = json.loads(root.text)
            edit(payload)
            text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
            root.text = text
            root.set("sha256", hashlib.sha256(text.encode("ascii")).hexdigest())
            parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if document is not None:
        parts["word/document.xml"] = document(parts["word/document.xml"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    out.write_bytes(buf.getvalue())
    return out


def edit_word(xml: bytes) -> bytes:
    """An edit made in Word, so that sync has something to write."""
    assert b"Alpha text one" in xml
    return xml.replace(b"Alpha text one", b"Edited text one")


def page_entry(data: dict, path: str) -> dict:
    return next(p for p in data["pages"] if p["path"] == path)


@pytest.fixture
def setup(tmp_path):
    """A two-page site, its snapshot, a folder beside the site (the attacker's target) with a file in it,
    and a folder inside content/docs that is a symlink to the outside folder."""
    site = tmp_path / "site"
    (site / "content/docs").mkdir(parents=True)
    (site / "hugo.yaml").write_text("baseURL: https://owaspai.org/\ntitle: Test\n")
    (site / "content/docs/a.md").write_text(PAGE_A)
    (site / "content/docs/b.md").write_text(PAGE_B)
    (site / "content/docs/c.md").write_text(PAGE_C)
    snapshot = tmp_path / "snap.docx"
    export_docx(build_model(site), snapshot)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "existing.md").write_text("---\ntitle: Outside\n---\n\nNot part of the site.\n")
    (site / "content/docs/linked").symlink_to(outside, target_is_directory=True)
    return site, snapshot, outside


def _rel(value):
    def edit(data):
        page_entry(data, "docs/a.md")["rel"] = value(data) if callable(value) else value

    return edit


def _both(path):
    def edit(data):
        page = page_entry(data, "docs/a.md")
        page["path"], page["rel"] = path, "content/" + path

    return edit


HOSTILE = {
    "absolute-rel": lambda outside: _rel(str(outside / "x.md")),
    "absolute-rel-over-a-file": lambda outside: _rel(str(outside / "existing.md")),
    "dotdot-rel": lambda outside: _rel("../outside/x.md"),
    "dotdot-rel-over-a-file": lambda outside: _rel("../outside/existing.md"),
    "dotdot-inside-content": lambda outside: _rel("content/docs/../../hugo.yaml"),
    "another-page-rel": lambda outside: _rel("content/docs/b.md"),
    "another-page-path-and-rel": lambda outside: _both("docs/b.md"),
    "absolute-path-and-rel": lambda outside: _both(str(outside / "x.md").lstrip("/")),
    "through-symlinked-folder": lambda outside: _rel("content/docs/linked/x.md"),
    "through-symlinked-folder-over-a-file": lambda outside: _rel("content/docs/linked/existing.md"),
    "symlinked-page-path-and-rel": lambda outside: _both("docs/linked/existing.md"),
    "page-that-does-not-exist": lambda outside: _both("docs/new_page.md"),
    "rel-not-text": lambda outside: _rel(["content", "docs", "a.md"]),
}


def errors(stderr: str) -> list[str]:
    """The lines of stderr but the warnings of loading the site: the test site has a folder symlinked out of
    content/, which every command skips with a warning."""
    return [line for line in stderr.strip().splitlines() if ": warning: skipped: " not in line]


@pytest.mark.parametrize("write", [True, False], ids=["write", "dry-run"])
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def it_refuses_a_store_that_names_anything_but_the_sites_own_pages(kind, write, setup, tmp_path):
    site, snapshot, outside = setup
    hostile = rewrite_store(snapshot, tmp_path / f"{kind}.docx", HOSTILE[kind](outside), edit_word)
    before = tree(tmp_path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(cli, ["sync", str(hostile), str(site), *(["--write"] if write else [])])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    lines = errors(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{hostile}: ") and ": error: " in lines[0], lines[0]
    assert result.stdout == ""  # no diff either
    assert tree(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    assert not (outside / "x.md").exists()


def it_refuses_a_store_that_names_a_page_twice(setup, tmp_path):
    site, snapshot, _ = setup

    def twice(data):
        data["pages"].append(json.loads(json.dumps(page_entry(data, "docs/b.md"))))
        for n, unit in enumerate(data["pages"][-1]["units"]):
            unit[0] = 1000 + n

    hostile = rewrite_store(snapshot, tmp_path / "twice.docx", twice, edit_word)
    before = tree(tmp_path)
    result = CliRunner().invoke(cli, ["sync", str(hostile), str(site), "--write"])
    assert result.exit_code == 2, result.output
    assert len(errors(result.stderr)) == 1 and "docs/b.md" in errors(result.stderr)[0]
    assert tree(tmp_path) == before


def it_writes_a_word_edit_to_the_sites_own_page_and_shows_site_relative_paths(setup, tmp_path):
    site, snapshot, _ = setup
    edited = rewrite_store(snapshot, tmp_path / "edited.docx", lambda data: None, edit_word)
    result = CliRunner().invoke(cli, ["sync", str(edited), str(site), "--write"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("--- a/content/docs/a.md\n+++ b/content/docs/a.md\n")
    assert (site / "content/docs/a.md").read_text() == PAGE_A.replace("Alpha text one", "Edited text one")


def it_refuses_to_write_a_page_that_leads_out_of_content(setup, tmp_path):
    """The store names the page as the site has it, but the site's file is a symlink out of content/."""
    site, _, outside = setup
    page = site / "content/docs/z.md"
    page.write_text((outside / "existing.md").read_text())
    snapshot = tmp_path / "z.docx"
    export_docx(build_model(site), snapshot)
    page.unlink()
    page.symlink_to(outside / "existing.md")

    def edit(xml: bytes) -> bytes:
        return xml.replace(b"Not part of the site", b"Written through a symlink")

    edited = rewrite_store(snapshot, tmp_path / "edited.docx", lambda data: None, edit)
    before = tree(tmp_path)
    result = CliRunner().invoke(cli, ["sync", str(edited), str(site), "--write"])
    assert result.exit_code == 2, result.output
    assert len(errors(result.stderr)) == 1, result.stderr
    assert "content/docs/z.md: warning: skipped: it is a symlink to a file outside" in result.stderr
    assert tree(tmp_path) == before

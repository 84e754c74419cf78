"""Loading a Hugo site: pages in the website's order, front matter and body kept verbatim, lines known."""

import pytest

from converter.errors import InputError
from converter.hugo.loader import load_site
from converter.pipeline import build_model


def it_orders_aix_2026_by_weight_with_the_section_page_first(corpus):
    site = load_site(corpus / "aix-2026")
    assert [p.path for p in site.pages] == [
        "docs/_index.md",
        "docs/ai_security_overview.md",
        "docs/1_general_controls.md",
        "docs/2_threats_through_use.md",
        "docs/3_development_time_threats.md",
        "docs/4_runtime_application_security_threats.md",
        "docs/5_testing.md",
        "docs/6_privacy.md",
        "docs/ai_security_references.md",
        "docs/ai_security_index.md",
    ]


def it_orders_aix_2024_sections_by_title_as_hugo_does(corpus):
    # No weights and no dates: Hugo sorts by link title, so "AI Privacy" comes before "AI Security",
    # and each section's own page leads its pages.
    site = load_site(corpus / "aix-2024")
    assert [p.path for p in site.pages] == [
        "docs/_index.md",
        "docs/privacy/_index.md",
        "docs/security/_index.md",
        "docs/security/1_general_controls.md",
        "docs/security/2_threats_through_use.md",
        "docs/security/3_development_time_threats.md",
        "docs/security/4_runtime_application_security_threats.md",
    ]
    assert site.page("docs/security/_index.md").url == "/docs/security/"


def it_follows_an_explicit_order_from_aix_yaml(make_site):
    root = make_site(
        {
            "content/docs/a.md": "---\ntitle: A\nweight: 1\n---\n",
            "content/docs/b.md": "---\ntitle: B\nweight: 2\n---\n",
            "aix.yaml": "order: [b.md, a.md]\n",
        }
    )
    assert [p.path for p in load_site(root).pages] == ["docs/b.md", "docs/a.md"]


def it_keeps_front_matter_and_body_verbatim(corpus):
    for page in load_site(corpus / "aix-2026").pages:
        assert page.front_matter_raw + page.body == page.raw
    page = load_site(corpus / "aix-2026").page("docs/1_general_controls.md")
    assert list(page.front_matter) == ["title", "heroTitle", "heroText", "weight"]


def it_knows_the_line_of_every_heading(corpus):
    site = build_model(corpus / "aix-2026")
    for page in site.pages:
        lines = page.raw.splitlines()
        for h in page.headings:
            if h.is_title or h.scope:
                continue
            assert lines[h.source.line - 1].lstrip().startswith("#"), (h.source, h.text)
            assert h.markdown.split()[0] in lines[h.source.line - 1]


def it_knows_the_line_of_every_link(corpus):
    site = build_model(corpus / "aix-2026")
    for page in site.pages:
        lines = page.raw.splitlines()
        for link in page.links:
            assert link.url in lines[link.source.line - 1] or link.origin == "reference", (
                link.source,
                link.url,
            )


def it_keeps_crlf_files_byte_exact(make_site):
    root = make_site({"content/docs/a.md": b"---\r\ntitle: A\r\n---\r\n## One\r\ntext\r\n"})
    page = build_model(root).pages[0]
    assert page.raw == "---\r\ntitle: A\r\n---\r\n## One\r\ntext\r\n"
    assert page.headings[1].source.line == 4


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"content/docs/a.md": "---\ntitle: [unclosed\n---\n"},
            "content/docs/a.md:2: error: invalid YAML front matter",
        ),
        (
            {"content/docs/a.md": "---\ntitle: A\n"},
            "content/docs/a.md:1: error: front matter opened with '---' is never closed",
        ),
        ({"content/docs/a.md": b"---\ntitle: A\n---\ncaf\xe9\n"}, "content/docs/a.md:4: error: not UTF-8"),
        ({"content/docs/a.md": b"\x89PNG\r\n\x1a\n\x00\x00"}, "content/docs/a.md: error: not a text file"),
        ({"content/docs/a.md": ""}, "content/docs/a.md: error: the page is empty"),
    ],
)
def it_refuses_bad_input_naming_file_and_line(make_site, files, message):
    root = make_site(files)
    with pytest.raises(InputError) as info:
        build_model(root)
    assert info.value.format_message().startswith(message)
    assert info.value.exit_code == 2


# -- pages resolve inside the site -----------------------------------------------------------------------------

SECRET = "---\ntitle: Secret\n---\nTOP-SECRET-LINE\n"


def _site_with_links(make_site, tmp_path):
    """A site whose docs/ holds a page, a symlink to a file outside, one to a page inside, and a folder
    symlinked out of the site."""
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.md").write_text(SECRET)
    (outside / "folder" / "more.md").write_text(SECRET)
    root = make_site(
        {
            "content/docs/a.md": "---\ntitle: A\nweight: 1\n---\n## One\n",
            "content/shared/b.md": "---\ntitle: B\nweight: 2\n---\n## Two\n",
        }
    )
    docs = root / "content" / "docs"
    (docs / "secret.md").symlink_to(outside / "secret.md")
    (docs / "passwd.md").symlink_to("/etc/passwd")
    (docs / "b.md").symlink_to(root / "content" / "shared" / "b.md")
    (docs / "folder").symlink_to(outside / "folder", target_is_directory=True)
    return root


def it_skips_pages_that_resolve_outside_the_site_with_a_warning(make_site, tmp_path):
    site = build_model(_site_with_links(make_site, tmp_path), warn=None)
    assert [p.path for p in site.pages] == ["docs/a.md", "docs/b.md"]
    assert [(w.file, w.code) for w in site.warnings] == [
        ("content/docs/folder", "outside-site"),
        ("content/docs/passwd.md", "outside-site"),
        ("content/docs/secret.md", "outside-site"),
    ]
    assert all("skipped" in w.message for w in site.warnings)


def it_reads_a_symlink_that_stays_inside_content(make_site, tmp_path):
    site = build_model(_site_with_links(make_site, tmp_path), warn=None)
    assert site.page("docs/b.md").headings[1].text == "Two"


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["outline"],
        ["normalize"],
        ["html", "-o", "{out}/html"],
        ["docx", "-o", "{out}/x.docx"],
        ["pdf", "-o", "{out}/x.pdf", "--no-cache", "--jobs", "1"],
        ["handout", "{site}", "docs/a.md", "-o", "{out}/h.pdf"],
    ],
    ids=lambda c: c[0],
)
def it_warns_and_skips_a_page_outside_the_site_in_every_command(make_site, tmp_path, command):
    from click.testing import CliRunner

    from converter.__main__ import cli

    root = _site_with_links(make_site, tmp_path)
    out = tmp_path / "out"
    args = [a.format(out=out, site=root) for a in command]
    args = args if command[0] == "handout" else [args[0], str(root), *args[1:]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert "content/docs/secret.md: warning: skipped: it is a symlink to a file outside the site" in (
        result.output
    )
    seen = result.output + _written(out)
    assert "TOP-SECRET-LINE" not in seen and "root:x:0" not in seen


def _written(out) -> str:
    """The text of everything a command wrote: files as they are, a .docx's XML, a PDF's text."""
    import zipfile

    import pypdf

    texts = []
    for path in sorted(out.rglob("*")) if out.exists() else []:
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        elif path.suffix == ".pdf":
            texts += [page.extract_text() for page in pypdf.PdfReader(path).pages]
        elif path.is_file():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "".join(texts)


def it_syncs_a_site_whose_page_links_outside_without_reading_it(make_site, tmp_path):
    from click.testing import CliRunner

    from converter.__main__ import cli
    from converter.roundtrip.export import export_docx

    root = _site_with_links(make_site, tmp_path)
    snapshot = tmp_path / "s.docx"
    export_docx(build_model(root, warn=None), snapshot)
    result = CliRunner().invoke(cli, ["sync", str(snapshot), str(root)])
    assert result.exit_code == 0, result.output
    assert "content/docs/secret.md: warning: skipped" in result.stderr
    assert "TOP-SECRET-LINE" not in result.output


def it_fails_a_strict_build_that_skipped_a_page(make_site, tmp_path):
    from click.testing import CliRunner

    from converter.__main__ import cli

    root = _site_with_links(make_site, tmp_path)
    result = CliRunner().invoke(cli, ["html", str(root), "-o", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 1 and "--strict makes them errors" in result.stderr
    assert not (tmp_path / "out").exists()

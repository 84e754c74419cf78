"""Loading a Hugo site: pages in the website's order, front matter and body kept verbatim, lines known."""

import pytest

from converter.errors import InputError
from converter.pipeline import build_model
from converter.site import load_site


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

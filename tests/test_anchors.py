"""Heading ids are Hugo's: goldmark's github-style auto ids, made unique per page."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from converter.transforms.anchors import IdFactory, sanitize, section_number

# Expected values come from Hugo's own tests (markup/goldmark/autoid_test.go, toc_integration_test.go).
HUGO_CASES = [
    ("God is good: 神真美好", "god-is-good-神真美好"),
    ("Number 32", "number-32"),
    ("Question?", "question"),
    ("1+2=3", "123"),
    ('Special !"#$%&(parens)=?´* chars', "special-parens-chars"),
    ("Resumé", "resumé"),
    ("One-Hyphen", "one-hyphen"),
    ("Multiple--Hyphens", "multiple--hyphens"),
    ("Trailing hyphen-", "trailing-hyphen-"),
    ("Many   spaces  here", "many---spaces--here"),
    ("Forward/slash", "forwardslash"),
    ("Backward\\slash", "backwardslash"),
    ("Under_score", "under_score"),
    ("Nonbreaking\u00a0Space", "nonbreakingspace"),
    ("Tab\tSpace", "tab-space"),
    ("Trailing Space ", "trailing-space"),
    ("Something to escape A < B && C > B", "something-to-escape-a--b--c--b"),
    ("2.0. Input threats - introduction", "20-input-threats---introduction"),
    ("#MONITOR USE", "monitor-use"),
    ("📚 Journal & Conference Papers", "-journal--conference-papers"),
]


@pytest.mark.parametrize(("text", "expected"), HUGO_CASES)
def it_sanitizes_heading_text_as_hugo_does(text, expected):
    assert sanitize(text) == expected


def it_makes_repeated_ids_unique_with_a_counter():
    ids = IdFactory()
    assert [ids.generate("Controls") for _ in range(3)] == ["controls", "controls-1", "controls-2"]


def it_skips_ids_already_taken_by_explicit_ones():
    ids = IdFactory()
    ids.put("controls-1")
    assert ids.generate("Controls") == "controls"
    assert ids.generate("Controls") == "controls-2"


def it_names_an_empty_heading_heading():
    assert IdFactory().generate("!!!") == "heading"


@given(st.lists(st.text(max_size=30), max_size=20))
def it_gives_unique_ids_of_allowed_characters(texts):
    ids = IdFactory()
    made = [ids.generate(t) for t in texts]
    assert len(set(made)) == len(made)
    for made_id in made:
        assert all(c == "-" or c == "_" or c.isalnum() or not c.isascii() for c in made_id)
        assert made_id == made_id.lower() or not made_id.isascii()


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2.1.3 Evasion", "2.1.3"),
        ("2.0. Input threats", "2.0"),
        ("1. Use limitation", "1"),
        ("2024 roadmap", None),
        ("Introduction", None),
        ("#MONITOR USE", None),
        ("3.1.2. x", "3.1.2"),
    ],
)
def it_reads_section_numbers(text, number):
    assert section_number(text) == number


def _ids(make_site, body, config=""):
    from converter.pipeline import build_model

    root = make_site({"content/docs/a.md": "---\ntitle: A\n---\n" + body})
    if config:
        (root / "hugo.yaml").write_text(config)
    return [h.id for h in build_model(root).headings if not h.is_title]


def it_takes_ids_from_rendered_text_as_hugo_does(make_site):
    body = (
        "## A [link](https://example.org)\n## Some *emphasized* text\n## An image ![kitten](a.jpg)\n"
        "## Some <span>raw</span> HTML\n## Some `inline` code\n## Caf&eacute; &amp; more\n"
        "## Input -- threats\n## Same\n## Same\n## Custom {#same-1}\n## Same\n"
    )
    assert _ids(make_site, body) == [
        "a-link",
        "some-emphasized-text",
        "an-image-kitten",
        "some-raw-html",
        "some-inline-code",
        "café--more",
        "input--threats",
        "same",
        "same-1",
        "same-1",
        "same-2",
    ]


def it_follows_the_typographer_setting(make_site):
    config = "markup:\n  goldmark:\n    extensions:\n      typographer:\n        disable: true\n"
    assert _ids(make_site, "## Input -- threats\n", config) == ["input----threats"]


def it_takes_the_last_line_of_a_setext_heading(make_site):
    assert _ids(make_site, "First line\nsecond line\n===\n") == ["second-line"]

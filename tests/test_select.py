"""Selecting sections for handouts: by number, id, permalink or page; with the controls they link to."""

import pytest

from converter.errors import InputError
from converter.pipeline import build_model
from converter.reports.sections import select


@pytest.fixture(scope="module")
def site():
    from tests.conftest import SAMPLE

    return build_model(SAMPLE)


@pytest.mark.parametrize(
    ("selector", "heading"),
    [
        ("2.1", "2.1. Evasion"),
        ("2.1.", "2.1. Evasion"),
        ("#21-evasion", "2.1. Evasion"),
        ("21-evasion", "2.1. Evasion"),
        ("go:evasion", "2.1. Evasion"),
        ("docs/2_threats_through_use.md", "2. Input threats"),
        ("content/docs/2_threats_through_use.md", "2. Input threats"),
        ("2_threats_through_use#21-evasion", "2.1. Evasion"),
    ],
)
def it_finds_a_section_by_what_people_call_it(site, selector, heading):
    assert select(site, [selector]).sections[0].heading.text == heading


def it_keeps_the_order_given_and_each_section_once(site):
    sections = select(site, ["2.2", "2.1", "go:evasion"]).sections
    assert [s.heading.number for s in sections] == ["2.2", "2.1"]


def it_takes_a_section_with_its_subsections_only(site):
    section = select(site, ["2.1"]).sections[0]
    numbers = [h.number for h in section.headings]
    assert numbers[0] == "2.1" and "2.1.1" in numbers and "2.2" not in numbers


def it_adds_the_controls_a_threat_links_to_once(site):
    plain = select(site, ["go:promptinjection"])
    both = select(site, ["go:promptinjection"], with_controls=True)
    added = both.sections[len(plain.sections) :]
    assert added and all(
        s.heading.text.startswith("#") or "control" in s.blocks[1].text.lower() for s in added
    )
    assert len({s.key for s in both.sections}) == len(both.sections)
    assert len(both.notes) == len(added)


def it_names_the_closest_matches_when_nothing_matches(site):
    with pytest.raises(InputError) as info:
        select(site, ["go:evasio"])
    assert "selector 'go:evasio' matches nothing; closest: go:evasion" in info.value.format_message()
    assert info.value.exit_code == 2


def it_says_which_heading_it_took_when_several_match(make_site):
    root = make_site(
        {
            "content/docs/a.md": "---\ntitle: A\nweight: 1\n---\n## Introduction\ntext a\n",
            "content/docs/b.md": "---\ntitle: B\nweight: 2\n---\n## Introduction\ntext b\n",
        }
    )
    selection = select(build_model(root), ["#introduction"])
    assert selection.sections[0].page.path == "docs/a.md"
    assert selection.notes == [
        "'#introduction' matches 2 headings; took Introduction (content/docs/a.md:5); "
        "to take another, give page#id, e.g. b#introduction"
    ]
    assert select(build_model(root), ["b#introduction"]).sections[0].page.path == "docs/b.md"

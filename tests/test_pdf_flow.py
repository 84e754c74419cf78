"""Chapters flow across renders: a rebuild that renders only around an edit gives the very pages a cold
build of the same sources gives (pdf/flow.py), and the layout logic on its own."""

from __future__ import annotations

import re

import pikepdf
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from converter.__main__ import cli
from converter.pdf.flow import LOOKAHEAD, Flow, Layout, Request, Sheet


def ids(text: str) -> list[str]:
    return list(text)


def it_renders_a_chapter_whole_without_a_last_layout():
    flow = Flow("ctx", ids("abcdefgh"), None)
    assert flow.next_request() == Request(0, 8)
    flow.accept(Request(0, 8), "r1", [None, 3, None, 6], first=0)
    assert flow.done and [(s.render, s.index, s.start) for s in flow.sheets] == [
        ("r1", 0, 0),
        ("r1", 1, 3),
        ("r1", 2, None),
        ("r1", 3, 6),
    ]
    assert flow.next_request() is None


def old_layout(pieces: str, starts: list[int | None]) -> Layout:
    return Layout("ctx", ids(pieces), [Sheet("old", i, s) for i, s in enumerate(starts)])


def it_keeps_every_page_of_an_unchanged_chapter():
    flow = Flow("ctx", ids("abcdefghijklmnop"), old_layout("abcdefghijklmnop", [0, 4, None, 9, 13]))
    assert flow.next_request() is None and len(flow.sheets) == 5


def it_forgets_the_last_layout_when_what_surrounds_the_pieces_changed():
    flow = Flow("other", ids("abcdefgh"), old_layout("abcdefgh", [0, 4]))
    assert flow.next_request() == Request(0, 8)


def it_renders_from_the_last_page_it_can_keep_and_takes_the_old_pages_back_where_a_break_lines_up():
    pieces = "abcdefghijklmnopqrstuvwxyz"
    starts = [0, 4, 8, None, 12, 16, 20, 24]
    edited = pieces[:9] + "J" + pieces[10:]  # piece 9 changed
    flow = Flow("ctx", ids(edited), old_layout(pieces, starts))
    request = flow.next_request()
    # pages [0, 4) are kept: the break before 8 needs pieces up to 8 + LOOKAHEAD unchanged, and 9 changed
    assert request.start == 4 and [s.index for s in flow.sheets] == [0]
    assert request.end >= 16 + LOOKAHEAD or request.end == len(edited)
    # the new render breaks before 8 (new page), inside 10, then before 16: where an old page began
    flow.accept(request, "new", [4 - 4, 8 - 4, None, 16 - 4, 18 - 4], first=0)
    assert flow.next_request() is None and flow.done
    assert [(s.render, s.index, s.start) for s in flow.sheets] == [
        ("old", 0, 0),
        ("new", 0, 4),
        ("new", 1, 8),
        ("new", 2, None),
        ("old", 5, 16),
        ("old", 6, 20),
        ("old", 7, 24),
    ]


def it_takes_the_old_pages_back_where_a_page_begins_inside_a_piece_as_before():
    pieces = "abcdefghijklmnopqrstuvwxyz"
    old = Layout(
        "ctx",
        ids(pieces),
        [Sheet("old", 0, 0), Sheet("old", 1, None, (6, 120)), Sheet("old", 2, 12), Sheet("old", 3, 18)],
    )
    flow = Flow("ctx", ids("ab" + "X" + pieces[3:]), old)  # piece 2 changed
    request = flow.next_request()
    assert request.start == 0
    # the new render's second page begins inside piece 6 after 120 characters, as the old one did
    flow.accept(request, "new", [0, None, None], first=0, insides=[None, (6, 120), (7, 10)])
    assert flow.next_request() is None and flow.done
    assert [(s.render, s.index) for s in flow.sheets] == [("new", 0), ("old", 1), ("old", 2), ("old", 3)]
    # the same piece entered after another number of characters is another page: no match
    other = Flow("ctx", ids("ab" + "X" + pieces[3:]), old)
    request = other.next_request()
    other.accept(request, "new", [0, None, None], first=0, insides=[None, (6, 121), None])
    assert other.sheets == [] and not other.done  # nothing taken yet: it renders on from piece 0


def it_renders_further_when_the_new_pages_never_line_up():
    pieces = "abcdefghijklmnopqrstuvwxyz"
    flow = Flow("ctx", ids("X" + pieces[1:]), old_layout(pieces, [0, 5, 10, 15, 20]))
    first = flow.next_request()
    assert first.start == 0 and first.end < len(pieces)
    flow.accept(first, "n1", [0, 3, 7, 11], first=0)  # breaks that line up with no old page
    second = flow.next_request()
    assert second is not None and second.start > 0  # kept the valid pages, goes on from the last break
    flow.accept(second, "n2", [0] + [None] * 3, first=0)
    while (request := flow.next_request()) is not None:
        flow.accept(request, "n3", [0], first=0)
    assert flow.done and flow.sheets[0].render == "n1"


# Whole builds: a rebuild equals a cold build


def long_chapter(n: int) -> str:
    """A chapter of about a dozen pages: sections, paragraphs of varied length, lists, a table."""
    out = ["---\ntitle: Long\nweight: 2\n---\n"]
    for i in range(n):
        out.append(f"## Section {i}\n\n")
        out.append("**Objective**\n\n")
        out.append(
            " ".join(
                f"Sentence {i}.{k} says a little more about the matter at hand." for k in range(3 + i % 7)
            )
        )
        out.append("\n\n")
        if i % 3 == 0:
            out.append("".join(f"- item {i}.{k} of a list that goes on\n" for k in range(2 + i % 4)) + "\n")
        if i % 5 == 0:
            out.append(
                "| A | B |\n|---|---|\n" + "".join(f"| cell {k} | more text {k} |\n" for k in range(4)) + "\n"
            )
        if i % 4 == 1:
            out.append(f"See [section {n - 1 - i}](#section-{n - 1 - i}).\n\n")
    return "".join(out)


@pytest.fixture
def flowing_site(make_site):
    return make_site(
        {
            "hugo.yaml": "baseURL: https://owaspai.org/\ntitle: Flow\n",
            "content/docs/_index.md": "---\ntitle: Content\n---\n",
            "content/docs/1_intro.md": "---\ntitle: Intro\nweight: 1\n---\n## Start\n\nSee [the end](#section-59).\n",
            "content/docs/2_long.md": long_chapter(60),
        }
    )


def pages_text(pdf) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def destinations(pdf) -> dict[str, tuple]:
    with pikepdf.open(pdf) as doc:
        index = {page.objgen: i for i, page in enumerate(doc.pages)}
        names = doc.Root.Names.Dests.Names
        return {
            str(names[i]): (
                index[names[i + 1][0].objgen],
                round(float(names[i + 1][2]), 1),
                round(float(names[i + 1][3]), 1),
            )
            for i in range(0, len(names), 2)
        }


EDITS = {
    "a sentence added": lambda t: t.replace(
        "Sentence 30.1 says", "Sentence 30.1, longer now by a clause or two, says"
    ),
    "paragraphs added": lambda t: t.replace(
        "## Section 20\n", "## Section 20\n\n" + "More words to push the pages. " * 60 + "\n\n"
    ),
    "a section removed": lambda t: re.sub(r"## Section 41\n.*?(?=## Section 42\n)", "", t, flags=re.S),
    "the first paragraph edited": lambda t: t.replace("Sentence 0.0 says", "Sentence zero says"),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def it_rebuilds_the_pages_a_cold_build_gives(edit, flowing_site, tmp_path):
    out, cold = tmp_path / "out" / "a.pdf", tmp_path / "cold" / "a.pdf"
    first = CliRunner().invoke(
        cli, ["pdf", str(flowing_site), "-o", str(out), "--cache-dir", str(tmp_path / "c")]
    )
    assert first.exit_code == 0, first.output
    assert len(PdfReader(out).pages) > 12
    page = flowing_site / "content" / "docs" / "2_long.md"
    before = page.read_text(encoding="utf-8")
    page.write_text(EDITS[edit](before), encoding="utf-8")
    assert page.read_text(encoding="utf-8") != before
    again = CliRunner().invoke(
        cli, ["pdf", str(flowing_site), "-o", str(out), "--cache-dir", str(tmp_path / "c")]
    )
    assert again.exit_code == 0, again.output
    fresh = CliRunner().invoke(cli, ["pdf", str(flowing_site), "-o", str(cold), "--no-cache"])
    assert fresh.exit_code == 0, fresh.output
    rendered = re.search(
        r"\((\d+) pages? rendered in (\d+) of 4 chapters, (\d+) from the cache\)", again.stderr
    )
    assert rendered, again.stderr
    assert int(rendered[3]) > 0  # some pages came from the cache, so the flow was composed
    assert pages_text(out) == pages_text(cold)
    assert destinations(out) == destinations(cold)

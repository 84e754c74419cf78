"""The Markdown reader: Hugo shortcodes, heading attributes and the lines of blocks."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.hugo.markdown import parse_markdown, plain_text, split_attributes
from converter.hugo.shortcodes import find_close, parse_args, scan_tag
from converter.hugo.typographer import SUBSTITUTIONS


def _types(tokens):
    return [t["type"] for t in tokens if t["type"] != "blank_line"]


def it_gives_each_top_level_block_its_file_line():
    tokens = parse_markdown("# A\n\npara\nline two\n\n- item\n- item\n\n```\n# code\n```\n", first_line=10)
    lines = {t["type"]: t["_line"] for t in tokens if t["type"] != "blank_line"}
    assert lines == {"heading": 10, "paragraph": 12, "list": 15, "block_code": 18}


def it_keeps_lines_starting_with_hash_inside_fences_out_of_headings():
    tokens = parse_markdown("```sh\n# not a heading\n```\n## Real\n")
    assert _types(tokens) == ["block_code", "heading"]


def it_reads_a_paired_shortcode_with_markdown_inside():
    src = '{{< callout type="info" >}}\n- one [x](/go/x/)\n- two\n{{< /callout >}}\nafter\n'
    tokens = parse_markdown(src)
    sc = tokens[0]
    assert sc["type"] == "shortcode" and sc["name"] == "callout" and sc["paired"]
    assert sc["args"] == {"type": "info"}
    assert "list" in _types(sc["children"])
    assert tokens[-1]["_line"] == 5


def it_reads_inline_shortcodes_inside_a_paragraph():
    tokens = parse_markdown('Marked {{< icon "zero" >}} CC0.\n')
    inline = [t for t in tokens[0]["children"] if t["type"] == "shortcode"]
    assert inline[0]["name"] == "icon" and inline[0]["args"] == ["zero"]


def it_does_not_read_indented_shortcodes_inside_cards_as_code():
    src = '{{< cards >}}\n    {{< small-card link="/docs/a/" title="A" >}}\n{{< /cards >}}\n'
    children = parse_markdown(src)[0]["children"]
    assert [t["name"] for t in children if t["type"] == "shortcode"] == ["small-card"]


def it_marks_a_paired_shortcode_without_closing_tag():
    assert parse_markdown("{{< callout >}}\ntext\n")[0].get("unclosed") is True


def it_shows_escaped_shortcodes_literally():
    tokens = parse_markdown("Write {{</* callout */>}} like this.\n")
    assert "{{< callout >}}" in plain_text(tokens[0]["children"])


def it_scans_tags_with_quotes_and_newlines():
    text = '{{< card link="/a/" title="x >}} y"\n  icon=`raw` >}}'
    tag = scan_tag(text, 0)
    assert tag is not None and tag.end == len(text)
    assert tag.args == {"link": "/a/", "title": "x >}} y", "icon": "raw"}


def it_pairs_nested_tags_of_the_same_name():
    text = "{{< tab >}}a{{< tab >}}b{{< /tab >}}c{{< /tab >}}"
    close = find_close(text, scan_tag(text, 0))
    assert text[close.end :] == ""


def it_parses_positional_args():
    assert parse_args('"creative-commons" 12') == ["creative-commons", "12"]


def it_splits_goldmark_heading_attributes():
    assert split_attributes("Title {#my-id .big}") == ("Title", {"id": "my-id", "class": "big"})
    assert split_attributes("Set {a, b}") == ("Set {a, b}", {})
    assert split_attributes("Literal \\{#x}") == ("Literal \\{#x}", {})


def it_reduces_headings_to_the_text_a_reader_sees():
    tokens = parse_markdown(
        "## A [link](https://x.org) *em* `code` <span>raw</span> &amp; ![kitten](a.png)\n"
    )
    assert plain_text(tokens[0]["children"]) == "A link em code raw & kitten"


def it_links_bare_urls_without_trailing_punctuation():
    tokens = parse_markdown("*https://owaspai.org/go/x/* and (see https://a.org/b_(c)). www.d.org!\n")
    urls = []

    def walk(ts):
        for t in ts:
            if t["type"] == "link":
                urls.append(t["attrs"]["url"])
            walk(t.get("children") or [])

    walk(tokens)
    assert urls == ["https://owaspai.org/go/x/", "https://a.org/b_(c)", "http://www.d.org"]


TAGS = [
    "{{< a >}}",
    "{{< /a >}}",
    "{{< b >}}",
    "{{< /b >}}",
    "{{< a />}}",
    "{{</* a */>}}",
    '{{< a x="{{" >}}',
    "x",
]


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.lists(st.sampled_from(TAGS), max_size=30))
def it_pairs_shortcode_tags_once_per_text_as_the_scan_does(parts):
    """find_close pairs tags from one pass over the text; the scan it replaced (still used with a limit)
    is the reference."""
    text = " ".join(parts)
    pos = 0
    while (pos := text.find("{{", pos)) >= 0:
        tag = scan_tag(text, pos)
        if tag is not None and not (tag.closing or tag.self_closing or tag.escaped):
            assert find_close(text, tag) == find_close(text, tag, limit=len(text))
        pos += 2


CONSTRUCTS = Path(__file__).parent / "fixtures" / "hugo_constructs" / "content" / "docs"
# What Hugo 0.168 (goldmark's Typographer) printed for paragraphs of tests/fixtures/hugo_constructs (the
# quote count runs through a page, so each paragraph is read with its page)
HUGO_TYPOGRAPHY = [
    (
        "b.md",
        "Decades",
        "Intra_word_underscores and strong and emphasis and both and **not closed. Escapes: *not em*, "
        "\"straight\", 'also', -- no dash, <<no angles. Quote after link: x’s and “quoted link”. Across lines: "
        "“start of a quote that ends here” and ‘one more’. Decades ’80s and 1990’s; feet 6’ tall; plural "
        'possessive the players’ ball; it’s ‘hers’. (She said “yes.”) [He said ’no’.] {“braces”} x"y"z '
        "and ‘a’b’c’. Em—dash and en–dash and –leading and trailing– dashes.",
    ),
    (
        "c.md",
        "Numbers",
        "“emphasized quote” and “quote around emphasis” and ‘strong single’. A code “after” code and "
        "“before” code. Links: “a” ‘b’. Unicode: «existing» and „German“ and ‘already curly’. A tab "
        '“inside”. Numbers: 1’ 2" 3’’. The ’00s; ‘99; ’tis; ’em; ’net; ’ll. Punctuation: “Hello,” she '
        "said. ‘Hi!’ he said. “What?” “Yes.” (“paren”) [‘bracket’]. Apostrophe after digit: 1990’s and "
        "90’s. Quote after dash: –“x”– and -‘y’-.",
    ),
]


@pytest.mark.parametrize(("page", "marker", "hugo"), HUGO_TYPOGRAPHY)
def it_sets_quotes_and_dashes_as_hugos_typographer_does(page, marker, hugo):
    body = (CONSTRUCTS / page).read_text(encoding="utf-8").split("---\n", 2)[2]
    tokens = parse_markdown(body, 1, SUBSTITUTIONS)
    para = next(t for t in tokens if t["type"] == "paragraph" and marker in plain_text(t["children"]))
    shown = " ".join(plain_text(para["children"], typographer=True).split())
    assert shown == hugo
    source = " ".join(plain_text(para["children"]).split())  # what Word and sync see: the source
    assert "--" in source and "'" in source and '"' in source and "—" not in source


def it_reads_a_table_as_goldmark_does():
    tokens = parse_markdown("Intro\n| a | b |\n|:--|--:|\n| [x | y](/z) | 2 | 3 |\nno pipe\n")
    assert [t["type"] for t in tokens] == ["paragraph", "table"]
    table = tokens[1]
    assert table["_line"] == 2
    head, body = table["children"]
    assert [c["attrs"]["align"] for c in head["children"]] == ["left", "right"]
    rows = [[plain_text(c["children"]) for c in row["children"]] for row in body["children"]]
    assert rows == [["[x", "y](/z)"], ["no pipe", ""]]


def it_ends_a_quote_at_a_heading_and_a_paragraph_at_a_line_of_spaces():
    tokens = parse_markdown("> quote\n## Heading\ntext\n      \nmore\n")
    assert [t["type"] for t in tokens] == ["block_quote", "heading", "paragraph", "blank_line", "paragraph"]
    assert [t["_line"] for t in tokens] == [1, 2, 3, 4, 5]

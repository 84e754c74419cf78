"""Word numbering as Word shows it: levels, restarts, overrides, formats (ECMA-376 part 1, 17.9)."""

from __future__ import annotations

from lxml import etree

from converter.ooxml.namespaces import W_NS
from converter.ooxml.numbering import Numbering, format_number
from converter.ooxml.styles import Styles

W = f'xmlns:w="{W_NS}"'


def lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
    )


def numbering(body: str, styles: str = "") -> Numbering:
    root = etree.fromstring(f"<w:numbering {W}>{body}</w:numbering>")
    return Numbering(root, Styles(etree.fromstring(f"<w:styles {W}>{styles}</w:styles>")))


def labels(n: Numbering, paragraphs: list[tuple[str, int]]) -> list[str]:
    return [n.next_label(num, ilvl).text for num, ilvl in paragraphs]


OUTLINE = (
    '<w:abstractNum w:abstractNumId="0">'
    + lvl(0, "decimal", "%1.")
    + lvl(1, "decimal", "%1.%2.")
    + lvl(2, "lowerLetter", "%3)")
    + "</w:abstractNum>"
)


def it_counts_levels_and_restarts_the_deeper_ones():
    n = numbering(OUTLINE + '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')
    got = labels(n, [("1", 0), ("1", 1), ("1", 2), ("1", 2), ("1", 1), ("1", 0), ("1", 1), ("1", 2)])
    assert got == ["1.", "1.1.", "a)", "b)", "1.2.", "2.", "2.1.", "a)"]


def it_continues_a_list_across_instances_unless_one_restarts_it():
    n = numbering(
        OUTLINE
        + '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        + '<w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>'
        + '<w:num w:numId="3"><w:abstractNumId w:val="0"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    )
    assert labels(n, [("1", 0), ("1", 0), ("2", 0), ("3", 0), ("3", 0)]) == ["1.", "2.", "3.", "1.", "2."]


def it_keeps_deeper_levels_going_when_lvl_restart_says_never():
    body = (
        '<w:abstractNum w:abstractNumId="0">'
        + lvl(0, "decimal", "%1.")
        + lvl(1, "decimal", "(%2)", extra='<w:lvlRestart w:val="0"/>')
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    assert labels(numbering(body), [("1", 0), ("1", 1), ("1", 0), ("1", 1)]) == ["1.", "(1)", "2.", "(2)"]


def it_shows_legal_numbers_as_decimals_and_formats_letters_and_romans():
    body = (
        '<w:abstractNum w:abstractNumId="0">'
        + lvl(0, "upperRoman", "%1.")
        + lvl(1, "decimal", "%1.%2", extra="<w:isLgl/>")
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    assert labels(numbering(body), [("1", 0), ("1", 0), ("1", 1)]) == ["I.", "II.", "2.1"]
    assert [format_number(n, "lowerLetter") for n in (1, 26, 27, 28)] == ["a", "z", "aa", "bb"]
    assert format_number(1994, "lowerRoman") == "mcmxciv" and format_number(7, "decimalZero") == "07"


def it_merges_the_override_libreoffice_writes_twice():
    body = (
        OUTLINE + '<w:num w:numId="4"><w:abstractNumId w:val="0"/>'
        '<w:lvlOverride w:ilvl="1"><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        '<w:lvlText w:val="\u25e6"/></w:lvl></w:lvlOverride><w:lvlOverride w:ilvl="1"/></w:num>'
    )
    label = numbering(body).next_label("4", 1)
    assert label.kind == "bullet" and label.text == "\u25e6"


def it_finds_the_level_of_a_style_tied_to_a_list():
    styles = (
        '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>'
        '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    )
    body = (
        '<w:abstractNum w:abstractNumId="0">'
        + lvl(0, "decimal", "%1", extra='<w:pStyle w:val="Heading1"/>')
        + lvl(1, "decimal", "%1.%2", extra='<w:pStyle w:val="Heading2"/>')
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    n = numbering(body, styles)
    assert n.paragraph(None, "Heading2") == ("1", 1)
    assert n.paragraph(("0", None), "Heading2") is None  # numId 0 takes the paragraph out of the list


def it_shows_nothing_for_a_level_without_a_visible_label():
    body = (
        '<w:abstractNum w:abstractNumId="0">'
        + lvl(0, "bullet", " ")
        + lvl(1, "none", "%2")
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    n = numbering(body)
    assert [n.next_label("1", i).kind for i in (0, 1)] == ["none", "none"]

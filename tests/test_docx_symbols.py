"""Symbols and emoji in the snapshot: a run font of their own (converter/roundtrip/symbols.py)."""

from __future__ import annotations

from lxml import etree

from converter.ooxml.namespaces import W_NS, W
from converter.roundtrip.symbols import DRAWN_FONT, WORD_FONT, segments, symbol_fonts


def it_cuts_text_into_symbols_and_the_rest():
    assert segments("Yes ✅, no ❌.") == [
        ("Yes ", False),
        ("✅", True),
        (", no ", False),
        ("❌", True),
        (".", False),
    ]
    # a variation selector, a flag (two regional indicators), a ZWJ sequence and a skin tone stay together
    assert segments("⚠️ 🇦🇺 👩‍💻👍🏽 → ©") == [("⚠️", True), (" ", False), ("🇦🇺", True), (" ", False),
                                           ("👩‍💻👍🏽", True), (" → ©", False)]  # fmt: skip


def it_gives_symbols_runs_of_their_own_with_the_symbol_fonts():
    p = etree.fromstring(
        f'<w:p xmlns:w="{W_NS}"><w:r><w:rPr><w:rStyle w:val="Strong"/><w:b/></w:rPr><w:t>ok ✅ done</w:t>'
        "<w:tab/><w:t>❌</w:t></w:r><w:r><w:t>plain</w:t></w:r></w:p>"
    )
    assert symbol_fonts(p) == 2
    runs = [
        ("".join(t.text or "\t" for t in r if t.tag in (W + "t", W + "tab")), r.find(f"{W}rPr/{W}rFonts"))
        for r in p.iter(W + "r")
    ]
    assert [text for text, _ in runs] == ["ok ", "✅", " done\t", "❌", "plain"]
    fonts = [f for _, f in runs]
    assert fonts[0] is None and fonts[2] is None and fonts[4] is None
    for font in (fonts[1], fonts[3]):
        assert font.get(W + "ascii") == DRAWN_FONT and font.get(W + "hAnsi") == WORD_FONT
        assert font.getprevious().tag == W + "rStyle" and font.getnext().tag == W + "b"  # rPr order kept

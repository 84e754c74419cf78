"""Column widths of the snapshot's tables from their content (converter/roundtrip/columns.py)."""

from __future__ import annotations

from converter.roundtrip.columns import CELL_MARGINS, SIZE, longest_word, text_size, widths

TOTAL = 9412  # twips: A4 less the reference's margins
LONG = "GenAI models are controlled by natural language in prompts, creating the risk of injection. " * 4


def it_gives_a_short_column_little_and_a_long_text_the_rest():
    rows = [
        [("Nr.", 1, True), ("GenAI security particularities", 1, True), ("OWASP for LLM TOP 10", 1, True)]
    ]
    rows += [
        [(str(n), 1, False), (LONG, 1, False), ("(OWASP for LLM 01: Prompt injection)", 1, False)]
        for n in range(7)
    ]
    nr, text, owasp = widths(rows, 3, TOTAL)
    assert nr + text + owasp == TOTAL
    assert nr < 0.1 * TOTAL and nr < owasp < text  # was a third each
    assert nr >= longest_word("Nr.", bold=True) + CELL_MARGINS


def it_keeps_every_column_as_wide_as_its_longest_word():
    rows = [[("Criteria", 1, True), ("High", 1, True), ("Medium", 1, True), ("Low", 1, True)]]
    rows += [[("Integration", 1, True), ("✅", 1, False), ("", 1, False), ("", 1, False)]] * 4
    got = widths(rows, 4, TOTAL)
    for n, word in enumerate(("Integration", "High", "Medium", "Low")):
        assert got[n] >= longest_word(word, bold=True) + CELL_MARGINS


def it_sets_a_crowded_table_smaller_until_its_longest_words_fit():
    words = ["Vulnerabilities", "Intermediate", "Applications", "Intelligence", "Membership", "Checkmarx",
             "Portswigger", "Interactive"]  # fmt: skip
    rows = [[(w, 1, True) for w in words]] * 3
    size = text_size(rows, len(words), TOTAL)
    assert size < SIZE
    got = widths(rows, len(words), TOTAL, size)
    assert all(w >= longest_word(word, True, size) + CELL_MARGINS for w, word in zip(got, words, strict=True))

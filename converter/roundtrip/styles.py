"""Style names of the Word snapshot: the contract between `aix docx`, styles/reference.docx and `aix sync`.

Word and LibreOffice rename style ids on saving (BodyText becomes TextBody) but keep the names, so the
reader matches styles by name, folded by `key()`.
"""

from __future__ import annotations

CODE = "Source Code"  # a fenced or indented code block, one paragraph, lines joined by line breaks
QUOTE = "Block Text"  # a block quote; deeper quotes get "Block Text 2", "Block Text 3"
MAX_QUOTE = 4
HUGO_SOURCE = "Hugo Source"  # raw HTML blocks, shown as their source text
HUGO_SHORTCODE = "Hugo Shortcode"  # a block shortcode's opening or closing tag line
HUGO_SOURCE_CHAR = "Hugo Source Char"  # inline raw HTML
HUGO_SHORTCODE_CHAR = "Hugo Shortcode Char"  # inline shortcodes
SHORTCODE_LABEL = "Shortcode Label"  # the label over a callout, details or tab shown as its content
THEMATIC_BREAK = "Thematic Break"
COVER_NOTE = "Cover Note"
RULE_TEXT = "* * *"


def quote_style(depth: int) -> str:
    depth = min(depth, MAX_QUOTE)
    return QUOTE if depth <= 1 else f"{QUOTE} {depth}"


def key(name: str) -> str:
    """A style name folded the way Word and LibreOffice variants agree: 'heading 2' == 'Heading 2'."""
    return "".join(name.split()).lower()

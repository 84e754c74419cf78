"""CSS from raw HTML (``style`` attributes, SVG presentation attributes) through allowlists.

Read with tinycss2, the tokenizer WeasyPrint itself uses, so that what is checked is what would be
rendered: escapes are decoded before anything is compared (``u\\rl(`` and ``\\75 rl(`` are ``url(``),
and a declaration is kept only when its property is on the list and its value holds no URL and no
function but those that compute a value (colours, lengths, gradients, grid tracks, transforms).
``image-set()``, ``image()``, ``cross-fade()``, ``element()``, ``expression()``, ``var()``, ``attr()``
and every other function are refused with their declaration. What is kept is written out again by
tinycss2, not copied, and read once more before it is trusted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import tinycss2

_SIDES = ("top", "right", "bottom", "left")
# What a page's raw HTML may style: its own boxes and text. Not the document around it (position, page,
# string-set, bookmark-*, content, running elements), not fetches (cursor, border-image, list-style-image,
# mask, filter), not behaviour (behavior, -moz-binding, transition, animation).
CSS_PROPERTIES = frozenset(
    (
        "color", "background", "background-color", "background-image", "background-position",
        "background-repeat", "background-size", "opacity",
        "font", "font-family", "font-size", "font-style", "font-variant", "font-weight", "line-height",
        "letter-spacing", "word-spacing", "text-align", "text-decoration", "text-decoration-line",
        "text-decoration-color", "text-decoration-style", "text-indent", "text-transform", "text-shadow",
        "vertical-align", "white-space", "word-break", "overflow-wrap", "word-wrap", "hyphens",
        "display", "float", "clear", "visibility", "overflow", "box-sizing", "box-shadow",
        "width", "height", "min-width", "max-width", "min-height", "max-height",
        "margin", "padding", "border", "border-width", "border-style", "border-color", "border-radius",
        *(f"margin-{s}" for s in _SIDES), *(f"padding-{s}" for s in _SIDES),
        *(f"border-{s}" for s in _SIDES),
        *(f"border-{s}-{p}" for s in _SIDES for p in ("width", "style", "color")),
        *(f"border-{v}-{h}-radius" for v in ("top", "bottom") for h in ("left", "right")),
        "border-collapse", "border-spacing", "table-layout", "caption-side", "empty-cells",
        "list-style", "list-style-type", "list-style-position",
        "gap", "row-gap", "column-gap", "grid-template-columns", "grid-template-rows", "grid-column",
        "grid-row", "flex", "flex-direction", "flex-wrap", "flex-flow", "flex-grow", "flex-shrink",
        "flex-basis", "order", "align-items", "align-self", "align-content", "justify-content",
        "justify-items", "justify-self", "columns", "column-count", "column-width",
        "break-before", "break-after", "break-inside", "page-break-before", "page-break-after",
        "page-break-inside", "orphans", "widows",
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
        "stroke-linejoin", "stroke-dasharray", "text-anchor",
    )
)  # fmt: skip
# Functions that compute a value and fetch nothing.
CSS_FUNCTIONS = frozenset(
    (
        "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch",
        "calc", "min", "max", "clamp",
        "linear-gradient", "radial-gradient", "repeating-linear-gradient", "repeating-radial-gradient",
        "repeat", "minmax", "fit-content",
        "translate", "translatex", "translatey", "rotate", "scale", "scalex", "scaley", "skew", "skewx",
        "skewy", "matrix", "cubic-bezier",
    )
)  # fmt: skip


def clean_style(style: str) -> str:
    """The declarations of a style attribute that may stay, written out again; "" when none may."""
    kept = []
    for decl in tinycss2.parse_blocks_contents(style, skip_comments=True, skip_whitespace=True):
        if decl.type != "declaration" or decl.lower_name not in CSS_PROPERTIES or not safe_value(decl.value):
            continue
        value = tinycss2.serialize(decl.value).strip()
        if value and safe_value(tinycss2.parse_component_value_list(value)):
            kept.append(f"{decl.lower_name}: {value}" + (" !important" if decl.important else ""))
    return "; ".join(kept)


def safe_value(tokens: Iterable[Any]) -> bool:
    """Whether a value (tinycss2 tokens) holds no URL, no block or rule, and only allowlisted functions."""
    stack = list(tokens)
    while stack:
        token = stack.pop()
        if token.type in ("url", "error", "at-keyword", "{} block"):
            return False
        if token.type == "function":
            if token.lower_name not in CSS_FUNCTIONS:
                return False
            stack += token.arguments
        elif token.type in ("() block", "[] block"):
            stack += token.content
    return True


def safe_attribute_value(value: str) -> bool:
    """An SVG presentation attribute (fill, transform, d, ...) read as a CSS value, by the same rule."""
    return safe_value(tinycss2.parse_component_value_list(value))

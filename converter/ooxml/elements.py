"""Reading WordprocessingML attributes: one set of rules for values, numbers and on/off properties.

Hostile or hand-made files hold anything in an attribute, so every reader goes through these: a number that
is not a number is the default, and an on/off property follows ECMA-376's ST_OnOff.
"""

from __future__ import annotations

from typing import overload

from lxml import etree

from .namespaces import W_VAL, W

TRUE = ("1", "true", "on")  # ST_OnOff (ECMA-376 part 1, 22.9.2.7); "0", "false", "off" are false


def val(el: etree._Element | None, default: str | None = None) -> str | None:
    """The w:val attribute of an element, or the default when the element or the attribute is absent."""
    if el is None:
        return default
    return el.get(W_VAL, default)


@overload
def int_val(el: etree._Element | None, default: int) -> int: ...
@overload
def int_val(el: etree._Element | None, default: int | None = None) -> int | None: ...
def int_val(el: etree._Element | None, default: int | None = None) -> int | None:
    return int_attr(el, W_VAL, default)


@overload
def int_attr(el: etree._Element | None, name: str, default: int) -> int: ...
@overload
def int_attr(el: etree._Element | None, name: str, default: int | None = None) -> int | None: ...
def int_attr(el: etree._Element | None, name: str, default: int | None = None) -> int | None:
    """An integer attribute; the default when it is absent or not a number (a hostile file's "abc")."""
    try:
        return int(el.get(name))  # type: ignore[arg-type,union-attr]
    except (AttributeError, TypeError, ValueError):
        return default


def is_on(value: str | None) -> bool:
    """An ST_OnOff value. Values outside the schema ("none", "TRUE", "") count as off, as LibreOffice reads
    them (tests/test_ooxml.py asks LibreOffice)."""
    return value in TRUE


def on(el: etree._Element | None) -> bool:
    """An on/off property such as ``<w:b/>``, ``<w:b w:val="0"/>`` or ``<w:vanish w:val="off"/>``: on when
    present without w:val, or with a true value."""
    return el is not None and is_on(el.get(W_VAL, "true"))


def child_val(el: etree._Element | None, path: str, default: str | None = None) -> str | None:
    """The w:val of the first element at `path` below `el` ("pPr/pStyle"), each step in the w namespace."""
    if el is None:
        return default
    return val(el.find("/".join(W + step for step in path.split("/"))), default)


def parent(el: etree._Element) -> etree._Element:
    """The element holding `el`. Passes over a body only visit elements below its root, so a missing parent
    is a bug in the pass, not in the file."""
    holder = el.getparent()
    if holder is None:
        raise ValueError(f"{etree.QName(el).localname} has no parent: it was already removed")
    return holder


def remove(el: etree._Element) -> None:
    parent(el).remove(el)

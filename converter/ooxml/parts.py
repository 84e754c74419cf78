"""Editing the XML parts of a package another program wrote (pandoc), as XML.

A byte replacement on another program's output silently does nothing the day that program spells its XML
differently; an edit through lxml that does not find the element it expects stops with an AixError that
names the element and the part.
"""

from __future__ import annotations

from lxml import etree

from ..errors import AixError
from .package import parse_xml, serialize_xml


class Parts:
    """The parts of a package by name, as bytes; an XML part is parsed when first edited and written again
    by `flush`. Parts are checked like any input (no DTD, UTF-8 or UTF-16)."""

    def __init__(self, data: dict[str, bytes], producer: str):
        self.data = data
        self.producer = producer  # who wrote the package, for messages: "pandoc"
        self.trees: dict[str, etree._Element] = {}

    def xml(self, name: str) -> etree._Element:
        if name not in self.trees:
            if name not in self.data:
                raise AixError(f"{self.producer}'s .docx has no part {name}; cannot finish the snapshot")
            self.trees[name] = parse_xml(self.data[name], self.producer, name)
        return self.trees[name]

    def expect(self, name: str, found: etree._Element | None, what: str) -> etree._Element:
        """`found`, or an AixError saying that the part lacks what the edit needs."""
        if found is None:
            raise AixError(
                f"{self.producer}'s {name} has no {what}; {self.producer} may write .docx differently now"
            )
        return found

    def flush(self) -> dict[str, bytes]:
        """Write every parsed part back into the bytes, keeping its XML declaration's standalone flag."""
        for name, root in self.trees.items():
            self.data[name] = serialize_xml(root)
        self.trees.clear()
        return self.data

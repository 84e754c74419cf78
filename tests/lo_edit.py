"""Edit a .docx *in LibreOffice* (through UNO), as a person would, and save it as .docx again.

Run with the system Python that has LibreOffice's `uno` module (Debian python3-uno, pulled in by
libreoffice-writer-nogui), not the project's virtual environment:

    /usr/bin/python3 tests/lo_edit.py SNAPSHOT.docx OUTDIR PROFILE_DIR edit [edit ...]

Writes OUTDIR/<edit>.docx for each edit named in EDITS.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from pathlib import Path

import uno  # noqa: F401  (registers the com.sun.star importer)
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

PARAGRAPH_BREAK = 0
BOLD = 150.0


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def find(doc, text):
    search = doc.createSearchDescriptor()
    search.SearchString = text
    found = doc.findFirst(search)
    if found is None:
        raise KeyError(text)
    return found


def word(doc):
    find(doc, "approve everything").setString("approve nearly everything")


def bold(doc):
    find(doc, "rotate").CharWeight = BOLD


def paragraph(doc):
    found = find(doc, "measure how often they disagree with the model.")
    text = found.getText()
    cursor = text.createTextCursorByRange(found.getEnd())
    text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    text.insertString(cursor, "A new paragraph typed in LibreOffice.", False)


def item_insert(doc):
    found = find(doc, "a list of actions that always need approval")
    text = found.getText()
    cursor = text.createTextCursorByRange(found.getEnd())
    text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    text.insertString(cursor, "a second reviewer for large amounts", False)


def item_delete(doc):
    found = find(doc, "sampling of past decisions for later audit")
    text = found.getText()
    cursor = text.createTextCursorByRange(found.getStart())
    cursor.gotoStartOfParagraph(False)
    cursor.goLeft(1, False)  # the end of the item before: take this item's paragraph break with it
    cursor.gotoRange(found.getEnd(), True)
    cursor.setString("")


def cell(doc):
    find(doc, "Low to medium").setString("Medium")


def periodic_cell(doc):
    """aix-2026: a control typed at the end of a cell of the periodic table (a table made from raw HTML)."""
    search = doc.createSearchDescriptor()
    search.SearchString = "Runtime model confidentiality, Model obfuscation"
    search.SearchCaseSensitive = True
    found = doc.findFirst(search)
    if found is None or found.TextTable is None:
        raise KeyError("the periodic table's cell")
    text = found.getText()
    cursor = text.createTextCursorByRange(found.getEnd())
    text.insertString(cursor, ", Watermarking", False)


EDITS = {
    f.__name__.replace("_", "-"): f
    for f in (word, bold, paragraph, item_insert, item_delete, cell, periodic_cell)
}


def main() -> int:
    src, outdir, profile = (
        Path(sys.argv[1]).resolve(),
        Path(sys.argv[2]).resolve(),
        Path(sys.argv[3]).resolve(),
    )
    outdir.mkdir(parents=True, exist_ok=True)
    pipe = f"aixtest{int(time.time() * 1000) % 100000}"
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo",
         f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        else:
            print("LibreOffice did not start", file=sys.stderr)
            return 1
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        for name in sys.argv[4:]:
            doc = desktop.loadComponentFromURL(src.as_uri(), "_blank", 0, (prop("Hidden", True),))
            EDITS[name](doc)
            doc.storeToURL((outdir / f"{name}.docx").as_uri(), (prop("FilterName", "MS Word 2007 XML"),))
            doc.close(True)
        with contextlib.suppress(Exception):
            desktop.terminate()
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())

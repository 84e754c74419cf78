"""A reviewer in LibreOffice: edits a .docx through LibreOffice's own UI commands, with Track Changes on or
off, and saves it as .docx again.

The edits run *inside* soffice, as a Python macro (`aix_review`), because the remote-socket bridge crashed
soffice when it inserted comments. `review(jobs, workdir)` is the side the tests call (plain Python, no `uno`
needed): it puts this file into a fresh LibreOffice profile, writes the jobs as JSON, starts
`soffice --headless` once with the macro's script URL, and reads back what each job did. Many jobs share one
start of LibreOffice, which is most of the cost.

A job is `{"src": docx, "out": docx, "track": bool, "edits": [[op, arg...], ...]}`, plus optional
`"via"` ("odt" or "doc": saved in that format first, opened again, then saved as .docx) and `"accept"` /
`"reject"`: where to save the saved file, loaded again, after LibreOffice's own Accept All or
Reject All (the oracle for `aix sync --changes accept|reject`). Every edit finds its place by searching for
text, then selects it with the view cursor and dispatches the command a person would use (.uno:InsertText,
.uno:Bold, .uno:Cut and .uno:Paste, ...).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

MACRO = "lo_edit.py"
AUTHOR = "Rita Reviewer"


# -- the side the tests run ----------------------------------------------------------------------------------


def available() -> str | None:
    """Why the harness cannot run here, or None when it can."""
    if shutil.which("soffice") is None:
        return "LibreOffice (soffice) is not installed"
    for where in ("/usr/lib/libreoffice/program/pythonscript.py", "/opt/libreoffice/program/pythonscript.py"):
        if Path(where).exists():
            return None
    return "LibreOffice's Python script provider is missing (Debian: libreoffice-script-provider-python)"


def review(jobs: list[dict], workdir: Path, timeout: int = 900) -> list[dict]:
    """Run the jobs in one LibreOffice; each job's result gets "error" (None, or the traceback)."""
    workdir.mkdir(parents=True, exist_ok=True)
    profile = workdir / "profile"
    scripts = profile / "user" / "Scripts" / "python"
    scripts.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(__file__, scripts / MACRO)
    jobfile, logfile = workdir / "jobs.json", workdir / "done.json"
    jobfile.write_text(json.dumps({"jobs": jobs, "log": str(logfile)}))
    logfile.unlink(missing_ok=True)
    env = dict(os.environ, AIX_LO_JOBS=str(jobfile))
    proc = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--invisible",
         "--norestore", "--nologo", f"vnd.sun.star.script:{MACRO}$aix_review?language=Python&location=user"],
        env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if not logfile.exists():
        raise RuntimeError(
            f"the LibreOffice macro did not finish (exit {proc.returncode}): {proc.stderr[-2000:]}"
        )
    return json.loads(logfile.read_text())


# -- the side LibreOffice runs -------------------------------------------------------------------------------


def aix_review(*_args) -> None:
    """The macro: every job of $AIX_LO_JOBS, then LibreOffice quits."""
    spec = json.loads(Path(os.environ["AIX_LO_JOBS"]).read_text())
    ctx = XSCRIPTCONTEXT.getComponentContext()  # type: ignore[name-defined]  # noqa: F821
    desktop = XSCRIPTCONTEXT.getDesktop()  # type: ignore[name-defined]  # noqa: F821
    done = []
    try:
        _set_author(ctx, AUTHOR)
        for job in spec["jobs"]:
            try:
                _job(ctx, desktop, job)
                done.append(dict(job, error=None))
            except Exception:
                done.append(dict(job, error=traceback.format_exc()))
    finally:
        Path(spec["log"]).write_text(json.dumps(done))
        desktop.terminate()


def _prop(name, value):
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _set_author(ctx, name: str) -> None:
    """Tracked changes and comments carry the user's name, as they would in a reviewer's LibreOffice."""
    provider = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx
    )
    node = _prop("nodepath", "/org.openoffice.UserProfile/Data")
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (node,)
    )
    first, _, last = name.partition(" ")
    access.setPropertyValue("givenname", first)
    access.setPropertyValue("sn", last)
    access.commitChanges()


def _load(desktop, path: str):
    return desktop.loadComponentFromURL(Path(path).as_uri(), "_blank", 0, (_prop("Hidden", True),))


def _store(doc, path: str) -> None:
    doc.storeToURL(Path(path).as_uri(), (_prop("FilterName", "MS Word 2007 XML"),))


def _job(ctx, desktop, job: dict) -> None:
    doc = _load(desktop, job["src"])
    try:
        ui = _UI(ctx, doc)
        doc.RecordChanges = bool(job.get("track"))
        for op, *args in job["edits"]:
            getattr(ui, "op_" + op)(*args)
        if job.get("via"):  # saved in another format first (File, Save As .odt or .doc), then as .docx
            between = job["out"] + "." + job["via"]
            doc.storeToURL(Path(between).as_uri(), (_prop("FilterName", VIA[job["via"]]),))
            doc.close(True)
            doc = _load(desktop, between)
        _store(doc, job["out"])
    finally:
        doc.close(True)
    for verdict in ("accept", "reject"):
        if job.get(verdict):
            doc = _load(desktop, job["out"])
            try:
                doc.RecordChanges = False
                _UI(ctx, doc).run(
                    ".uno:AcceptAllTrackedChanges" if verdict == "accept" else ".uno:RejectAllTrackedChanges"
                )
                _store(doc, job[verdict])
            finally:
                doc.close(True)


def _in_contents(found) -> bool:
    """Whether a found range lies in the contents list (an index, or a paragraph in a Contents style): a
    reviewer edits the heading in the text, not its entry in the list."""
    try:
        if found.DocumentIndex is not None:
            return True
    except AttributeError:
        pass
    style = getattr(found, "ParaStyleName", "") or ""
    return style.startswith(("Contents", "TOC"))


def _followed_by_table(cursor) -> bool:
    """Whether a table comes right after the paragraph that starts at `cursor` (a text cursor's goRight
    there jumps over the whole table)."""
    text = cursor.getText()
    items = text.createEnumeration()
    found = False
    while items.hasMoreElements():
        item = items.nextElement()
        if found:
            return item.supportsService("com.sun.star.text.TextTable")
        found = (
            item.supportsService("com.sun.star.text.Paragraph")
            and text.compareRegionStarts(item, cursor) == 0
        )
    return False


VIA = {"odt": "writer8", "doc": "MS Word 97"}


class _UI:
    """What a person does with the keyboard and menus: select with the view cursor, then a command."""

    def __init__(self, ctx, doc):
        self.doc = doc
        self.controller = doc.getCurrentController()
        self.frame = self.controller.getFrame()
        self.dispatcher = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", ctx
        )

    def run(self, command: str, **args) -> None:
        self.dispatcher.executeDispatch(
            self.frame, command, "", 0, tuple(_prop(k, v) for k, v in args.items())
        )

    def find(self, text: str, after=None):
        """The first place that shows `text` (after the range `after`, when given); `^...$` is a regular
        expression over one paragraph."""
        search = self.doc.createSearchDescriptor()
        search.SearchString = text
        search.SearchCaseSensitive = True
        search.SearchRegularExpression = text.startswith("^")
        found = self.doc.findFirst(search) if after is None else self.doc.findNext(after.getEnd(), search)
        # the snapshot's filled contents list repeats every heading: a reviewer edits the heading itself
        while found is not None and _in_contents(found):
            found = self.doc.findNext(found.getEnd(), search)
        if found is None:
            raise KeyError(f"not in the document: {text!r}")
        return found

    def select(self, where) -> None:
        self.controller.select(where)

    def cursor(self, where):
        return where.getText().createTextCursorByRange(where)

    def paragraph(self, text: str):
        """A cursor over the whole paragraph that holds `text`, with a paragraph break: its own, or, when a
        table follows (a selection cannot end inside it), the one before it. The second value says which."""
        cursor = self.cursor(self.find(text))
        cursor.gotoStartOfParagraph(False)
        table_next = _followed_by_table(cursor)
        cursor.gotoEndOfParagraph(True)
        if not table_next:
            cursor.goRight(1, True)
            return cursor, "own"
        end = cursor.getEnd()
        cursor.gotoStartOfParagraph(False)
        cursor.goLeft(1, False)
        cursor.gotoRange(end, True)
        return cursor, "before"

    def at(self, text: str, where: str, after=None):
        """A collapsed cursor at the start or end of `text`, or of the paragraph that holds it."""
        found = self.find(text, after)
        cursor = self.cursor(found.getEnd() if where in ("end", "paragraph-end") else found.getStart())
        if where == "paragraph-end":
            cursor.gotoEndOfParagraph(False)
        elif where == "paragraph-start":
            cursor.gotoStartOfParagraph(False)
        return cursor

    def type(self, text: str) -> None:
        """Typed at the view cursor: paragraphs split at newlines, each with Enter."""
        for n, line in enumerate(text.split("\n")):
            if n:
                self.run(".uno:InsertPara")
            if line:
                self.run(".uno:InsertText", Text=line)

    # -- the edits --------------------------------------------------------------------------------------------

    def op_replace(self, old: str, new: str) -> None:
        """Select words and type over them."""
        self.select(self.find(old))
        self.type(new)

    def op_type(self, after: str, text: str) -> None:
        """Click after some words and type."""
        self.select(self.at(after, "end"))
        self.type(text)

    def op_enter(self, within: str, text: str) -> None:
        """Go to the end of a paragraph, press Enter and type (a new paragraph or list item)."""
        self.select(self.at(within, "paragraph-end"))
        self.run(".uno:InsertPara")
        self.type(text)

    def op_style(self, within: str, style: str) -> None:
        """Click into a paragraph and pick a paragraph style (Heading 3, Text Body...)."""
        self.select(self.at(within, "start"))
        self.run(".uno:StyleApply", Style=style, FamilyName="ParagraphStyles")

    def op_delete_paragraph(self, within: str) -> None:
        self.select(self.paragraph(within)[0])
        self.run(".uno:Delete")

    def op_bold(self, words: str) -> None:
        self.select(self.find(words))
        self.run(".uno:Bold")

    def op_italic(self, words: str) -> None:
        self.select(self.find(words))
        self.run(".uno:Italic")

    def op_link(self, words: str, url: str) -> None:
        """Insert, Hyperlink over selected words (the dialog sets the selection's hyperlink)."""
        self.select(self.find(words))
        selection = self.controller.getSelection().getByIndex(0)
        selection.HyperLinkURL = url

    def op_comment(self, words: str, text: str) -> None:
        """Insert, Comment on selected words."""
        found = self.find(words)
        note = self.doc.createInstance("com.sun.star.text.textfield.Annotation")
        note.Author = AUTHOR
        note.Content = text
        found.getText().insertTextContent(found, note, True)

    def op_row(self, in_cell: str, *cells: str) -> None:
        """Click into a table cell, Table, Insert, Rows Below, and type into the new row's cells."""
        found = self.find(in_cell)
        self.select(self.at(in_cell, "start"))
        self.run(".uno:InsertRowsAfter")
        table, name = found.TextTable, found.Cell.CellName
        column, row = name.rstrip("0123456789"), int(name[len(name.rstrip("0123456789")) :])
        del column
        for n, text in enumerate(cells):
            cell = table.getCellByPosition(n, row)  # the new row, below the one clicked into
            self.select(cell.getText().getStart())
            self.type(text)

    def op_move(self, within: str, before: str) -> None:
        """Select a whole paragraph, Cut, click at the start of another paragraph, Paste (or at the end of
        the paragraph before it, when the selection began with the break before the paragraph)."""
        selection, which = self.paragraph(within)
        self.select(selection)
        self.run(".uno:Cut")
        cursor = self.at(before, "paragraph-start")
        if which == "before":
            cursor.goLeft(1, False)
        self.select(cursor)
        self.run(".uno:Paste")

    def op_copy(self, first: str, upto: str, before: str) -> None:
        """Select from the paragraph holding `first` up to (not into) the one holding `upto`, Copy, Paste
        at the start of the paragraph holding `before`."""
        cursor = self.at(first, "paragraph-start")
        cursor.gotoRange(self.at(upto, "paragraph-start", after=self.find(first)), True)
        self.select(cursor)
        self.run(".uno:Copy")
        self.select(self.at(before, "paragraph-start"))
        self.run(".uno:Paste")


g_exportedScripts = (aix_review,)  # noqa: N816  (the name LibreOffice looks for)


if __name__ == "__main__":  # /usr/bin/python3 tests/lo_edit.py JOBS.json WORKDIR: for trying edits by hand
    results = review(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]))
    for r in results:
        print(r["out"], "ok" if not r["error"] else r["error"])

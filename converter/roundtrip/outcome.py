"""What a sync gives: the files it changes, with the diff `git diff` will show, and the conflicts between
Word's and git's edits; and, for a file without round-trip data, which program lost it."""

from __future__ import annotations

import difflib
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..ooxml.package import DocxPackage
from . import store


@dataclass(slots=True)
class FileChange:
    rel: str
    path: Path
    old: str | None  # the file now (None: it does not exist)
    new: str | None  # what it becomes (None: deleted)

    def diff(self) -> str:
        """The unified diff `git diff` shows once the change is written: git's own, where git runs."""
        head = f"--- {'a/' + self.rel if self.old is not None else '/dev/null'}\n"
        head += f"+++ {'b/' + self.rel if self.new is not None else '/dev/null'}\n"
        hunks = _git_hunks(self.old or "", self.new or "", self.path)
        if hunks is None:
            hunks = _hunks(self.old or "", self.new or "")
        return head + hunks if hunks else ""


def _git_hunks(old: str, new: str, path: Path) -> str | None:
    """The hunks of `git diff --no-index` between the two texts (run where the file is, so that git's
    configuration applies), or None when git cannot run. git's diff differs from difflib's where several
    alignments are possible (blank lines, repeated lines), and the printed diff must be the one git shows."""
    with tempfile.TemporaryDirectory(prefix="aix-diff-") as tmp:
        a, b = Path(tmp, "a", path.name), Path(tmp, "b", path.name)
        for file, text in ((a, old), (b, new)):
            file.parent.mkdir()
            file.write_bytes(text.encode("utf-8"))
        try:
            done = subprocess.run(
                ["git", "diff", "--no-index", "--text", "--no-color", "--no-ext-diff", "--no-textconv", "--",
                 str(a), str(b)],
                capture_output=True, cwd=path.parent if path.parent.is_dir() else None, timeout=60,
                env={**os.environ, "LC_ALL": "C"},
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            return None
    if done.returncode not in (0, 1):
        return None
    text = done.stdout.decode("utf-8", "surrogateescape")
    at = text.find("\n@@ ")
    if at < 0:
        return "" if old == new else None
    return text[at + 1 :]


def _hunks(old: str, new: str) -> str:
    """difflib's unified hunks, without its junk heuristic (which pairs unchanged blank lines as -/+)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(3):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@\n")
        for tag, k1, k2, l1, l2 in group:
            lines = [(" ", x) for x in a[k1:k2]] if tag == "equal" else []
            if tag in ("replace", "delete"):
                lines += [("-", x) for x in a[k1:k2]]
            if tag in ("replace", "insert"):
                lines += [("+", x) for x in b[l1:l2]]
            for sign, line in lines:
                out.append(
                    sign + line if line.endswith("\n") else sign + line + "\n\\ No newline at end of file\n"
                )
    return "".join(out)


def _range(start: int, stop: int) -> str:
    length = stop - start
    first = start + 1 if length else start
    return f"{first}" if length == 1 else f"{first},{length}"


@dataclass(slots=True)
class PageConflict:
    """Word and git changed the same lines of a page differently since the snapshot."""

    rel: str
    line: int  # in the file as it is now (git's side)
    snapshot: str | None
    git: str
    word: str | None  # None: Word deleted the page

    def report(self) -> str:
        def side(name: str, text: str | None) -> str:
            if text is None:
                return f"  {name}: (the page deleted)"
            label = f"{name}:".ljust(9)
            lines = text.splitlines() or [""]
            return "\n".join(f"  {label if n == 0 else ' ' * 9} {line}" for n, line in enumerate(lines))

        return "\n".join(
            [f"{self.rel}:{self.line}: error: edited in Word and in git since the snapshot",
             side("snapshot", self.snapshot), side("git", self.git), side("word", self.word)]
        )  # fmt: skip


@dataclass(slots=True)
class SyncResult:
    changes: list[FileChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # file:line: what happened that a reviewer should know
    comments: list[str] = field(default_factory=list)  # the review list
    tracked: list[str] = field(default_factory=list)  # pending tracked changes, when refused
    conflicts: list[PageConflict] = field(default_factory=list)  # Word and git edits of the same lines
    snapshot_commit: str = ""  # the commit the snapshot was made from ("" outside git)
    units: int = 0
    edited: int = 0
    removed: int = 0
    added_after: int = 0


def no_store(pkg: DocxPackage, where: str) -> InputError:
    """No round-trip data: a Word file aix did not make, or a snapshot re-saved by a program that dropped
    it (the snapshot's hidden markers, styles or properties still show), named from docProps/app.xml."""
    traces = [
        (pkg.main, b"_aixu"),
        (pkg.main, b"sources at commit"),
        ("word/styles.xml", b"Hugo Shortcode"),
        ("docProps/core.xml", b"made by aix"),
    ]
    if not any(part in pkg.parts and needle in pkg.read(part) for part, needle in traces):
        return InputError(
            "not a snapshot made by aix docx (it holds no round-trip data)",
            where=where,
            hint="aix import converts other Word documents",
        )
    program = _saved_by(pkg)
    return InputError(
        f"the round-trip data was lost when {program} saved this file: it is an aix snapshot, but the part "
        "aix sync reads the sources back from is gone",
        where=where,
        hint="make the edits in the snapshot from aix docx and save it as a Word document (.docx) from Word "
        "or LibreOffice, not through .odt, .doc or another program; or bring this file in with aix import",
    )


PANDOC_APP = ("Microsoft Word 12.0.0", "12.0000")  # what pandoc writes into every .docx it makes


def _saved_by(pkg: DocxPackage) -> str:
    """The program docProps/app.xml names ('LibreOffice/7.4.7.2'), or what is known to write that name."""
    root = pkg.xml("docProps/app.xml")
    if root is None:
        return "a program that names itself nowhere (no docProps/app.xml)"
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    app = " ".join((root.findtext(ns + "Application") or "").split())
    version = (root.findtext(ns + "AppVersion") or "").strip()
    if (app, version) == PANDOC_APP:
        return f"pandoc (docProps/app.xml: {store.quote(app)}, which pandoc writes)"
    if not app:
        return "a program that leaves its name out of docProps/app.xml"
    return store.quote(app.split("$", 1)[0], 60).strip("'")

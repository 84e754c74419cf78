"""What a build tells its user: progress on a terminal, warnings with file:line, a short report at the end.

Progress shows only on an interactive terminal outside CI; `-q` silences everything but errors. Under
`--strict` any warning fails the build (exit 1) and nothing is written.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from .errors import AixError
from .model import Finding, Source


class BuildLog:
    def __init__(self, quiet: bool = False, strict: bool = False, stream: TextIO | None = None):
        self.quiet = quiet
        self.strict = strict
        self.stream = stream or sys.stderr
        self.interactive = (
            not quiet and hasattr(self.stream, "isatty") and self.stream.isatty() and not os.environ.get("CI")
        )
        self.warnings: list[Finding] = []
        self._seen: set[tuple[str, int, str]] = set()
        self.started = time.perf_counter()
        self._line = False
        self.stages: dict[str, float] = {}  # seconds spent in each stage, in order
        self._stage: tuple[str, float] | None = None

    def warn(self, where: Source | None, code: str, message: str) -> None:
        file, line = (where.file, where.line) if where else ("", 0)
        key = (file, line, message)
        if key not in self._seen:
            self._seen.add(key)
            self.warnings.append(Finding(file, line, "warning", code, message))

    def add(self, finding: Finding) -> None:
        """A warning found before the build began (a page skipped while reading the site)."""
        self.warn(Source(finding.file, finding.line), finding.code, finding.message)

    def note(self, text: str) -> None:
        """Something the user should know that is not a problem (which heading a selector took)."""
        if not self.quiet:
            self.done()
            self.stream.write(f"note: {text}\n")

    def count(self, code: str) -> int:
        return sum(w.code == code for w in self.warnings)

    def stage(self, name: str | None) -> None:
        """Start timing a stage (the previous one ends); None ends the last."""
        now = time.perf_counter()
        if self._stage is not None:
            previous, since = self._stage
            self.stages[previous] = self.stages.get(previous, 0.0) + now - since
        self._stage = (name, now) if name else None

    def timings(self) -> str:
        return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.stages.items())

    def progress(self, text: str) -> None:
        """One status line, rewritten in place (terminal only)."""
        if self.interactive:
            self.stream.write(f"\r\x1b[2K{text}")
            self.stream.flush()
            self._line = True

    def done(self) -> None:
        if self._line:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._line = False

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def print_warnings(self) -> None:
        if not self.quiet:
            for w in self.warnings:
                where = (f"{w.file}:{w.line}: " if w.line else f"{w.file}: ") if w.file else ""
                self.stream.write(f"{where}warning: {w.message}\n")

    def gate(self) -> None:
        """Before writing: under --strict, any warning fails the build (they are printed first)."""
        if self.strict and self.warnings:
            self.done()
            self.print_warnings()
            raise AixError(
                f"{len(self.warnings)} warning(s), and --strict makes them errors; nothing was written"
            )

    def finish(self, report: list[str]) -> None:
        """After writing: the warnings, then the report."""
        self.done()
        self.print_warnings()
        if not self.quiet:
            for line in report:
                self.stream.write(line + "\n")

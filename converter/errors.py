"""Typed errors with honest exit codes: 2 for unusable input, 1 for a failed check or build."""

from __future__ import annotations

import sys

import click


class AixError(click.ClickException):
    """A failure the user can act on; printed as one line, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str, where: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.where = where
        self.hint = hint

    def format_message(self) -> str:
        text = f"{self.where}: error: {self.message}" if self.where else f"error: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def show(self, file=None) -> None:
        click.echo(self.format_message(), file=file or sys.stderr)


class InputError(AixError):
    """The input cannot be used at all: a missing path, a file that is not text, broken YAML or JSON."""

    exit_code = 2

"""The one module that talks to pandoc (pypandoc-binary bundles a pinned pandoc)."""

from __future__ import annotations

import functools
import json
import subprocess
import threading
from pathlib import Path
from typing import Any

from .errors import AixError

API_VERSION = [1, 23, 1]  # pandoc-types of pandoc 3.x


@functools.cache
def executable() -> str:
    import pypandoc

    try:
        return pypandoc.get_pandoc_path()
    except OSError as e:
        raise AixError(f"pandoc is not available: {e}", hint="reinstall with make setup") from None


@functools.cache
def version() -> str:
    out = subprocess.run([executable(), "--version"], capture_output=True, text=True, check=False)
    return out.stdout.split("\n", 1)[0].removeprefix("pandoc").strip()


def document(blocks: list[dict[str, Any]], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"pandoc-api-version": API_VERSION, "meta": meta or {}, "blocks": blocks}


GC = ["+RTS", "-A128m", "-RTS"]  # a larger allocation area: a tenth less time on a 700 KB document


class Job:
    """A pandoc run in the background: start it, do other work, then wait()."""

    def __init__(self, args: list[str], stdin: bytes):
        self.proc = subprocess.Popen(
            [executable(), *GC, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.result: list[bytes] = []
        self.thread = threading.Thread(target=lambda: self.result.extend(self.proc.communicate(stdin)))
        self.thread.start()

    def wait(self) -> None:
        self.thread.join()
        if self.proc.returncode != 0:
            message = (self.result[1] if len(self.result) > 1 else b"").decode("utf-8", "replace").strip()
            raise AixError(f"pandoc failed: {message.splitlines()[0] if message else self.proc.returncode}")


def ast_to_docx(doc: dict[str, Any], out: Path, reference: Path) -> Job:
    """Start writing a pandoc AST (JSON) as .docx; the AST only names image files the caller has allowed."""
    return Job(
        ["-f", "json", "-t", "docx", f"--reference-doc={reference}", "-o", str(out)],
        json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
    )


def run(args: list[str], stdin: bytes | None = None, cwd: Path | None = None) -> bytes:
    """Run pandoc; its warnings about missing resources cannot happen with our ASTs, errors raise AixError."""
    proc = subprocess.run([executable(), *args], input=stdin, capture_output=True, cwd=cwd, check=False)
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AixError(f"pandoc failed: {message[0] if message else proc.returncode}")
    return proc.stdout

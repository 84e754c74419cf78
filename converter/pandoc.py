"""The one place that runs pandoc (the binary bundled with pypandoc-binary).

Small API: ``path()``, ``run(args, data)``, ``docx_to_ast(data)`` (aix import) and
``ast_to_docx(doc, out, reference)`` (aix docx). Everything else in aix talks to pandoc through these, so the
dependency stays behind one door.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from .errors import AixError

Node = dict[str, Any]  # a node of pandoc's JSON AST: {"t": type, "c": content}

TIMEOUT = 300  # seconds; a 150-page document takes about half a second


def type_and_content(node: Node) -> tuple[str, Any]:
    """A node's type and its content, None for the types that have none (Space, LineBreak, HorizontalRule)."""
    return node["t"], node.get("c")


@functools.cache
def path() -> str:
    """The pandoc executable: pypandoc-binary's bundled copy, else the one pypandoc finds."""
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        # where pypandoc-binary puts it (pypandoc looks there first); importing pypandoc takes 80 ms
        bundled = Path(folder) / "files" / ("pandoc.exe" if sys.platform == "win32" else "pandoc")
        if bundled.is_file():
            return str(bundled)
    import pypandoc

    try:
        return pypandoc.get_pandoc_path()
    except OSError as e:
        raise AixError(f"pandoc is not available: {e}", hint="reinstall aix (pypandoc-binary)") from None


def run(args: list[str], data: bytes | None = None) -> bytes:
    """Run pandoc with the arguments, feeding `data` on stdin; its stdout, or an AixError."""
    try:
        done = subprocess.run([path(), *args], input=data, capture_output=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise AixError(f"pandoc failed to run: {e}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AixError(f"pandoc failed: {message[-1] if message else f'exit status {done.returncode}'}")
    return done.stdout


def docx_to_ast(data: bytes) -> dict[str, Any]:
    """Pandoc's JSON AST of a .docx given as bytes (read from stdin; nothing touches the disk)."""
    return json.loads(run(["--from=docx", "--to=json"], data))


API_VERSION = [1, 23, 1]  # pandoc-types of pandoc 3.x
GC = ["+RTS", "-A128m", "-RTS"]  # a larger allocation area: a tenth less time on a 700 KB document


def document(blocks: list[dict[str, Any]], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"pandoc-api-version": API_VERSION, "meta": meta or {}, "blocks": blocks}


class Job:
    """A pandoc run in the background: start it, do other work, then wait()."""

    def __init__(self, args: list[str], stdin: bytes):
        self.proc = subprocess.Popen(
            [path(), *GC, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.result: list[bytes] = []
        self.thread = threading.Thread(target=lambda: self.result.extend(self.proc.communicate(stdin)))
        self.thread.start()

    def wait(self) -> None:
        self.thread.join(TIMEOUT)
        if self.thread.is_alive():
            self.proc.kill()
            self.thread.join()
            raise AixError(f"pandoc took more than {TIMEOUT} s")
        if self.proc.returncode != 0:
            message = (self.result[1] if len(self.result) > 1 else b"").decode("utf-8", "replace").strip()
            raise AixError(f"pandoc failed: {message.splitlines()[-1] if message else self.proc.returncode}")


def ast_to_docx(doc: dict[str, Any], out: Path, reference: Path) -> Job:
    """Start writing a pandoc AST (JSON) as .docx; the AST only names image files the caller has allowed."""
    return Job(
        ["-f", "json", "-t", "docx", f"--reference-doc={reference}", "-o", str(out)],
        json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
    )

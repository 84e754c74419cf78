"""`aix import FILE.docx -o DIR`: a Word document without aix's markers into house-style Markdown.

Stages: ``ooxml.package.open_docx`` (every safety check, before anything is parsed), ``prepare``
(the XML rewritten for pandoc: TOC dropped, heading numbers, headings, markers), pandoc's docx reader
(to its JSON AST), ``transform`` (markers, images, anchors and internal links), ``markdown`` (the writer).
Nothing is written until the whole document has been converted; then the images and the Markdown
file are written atomically, and an existing Markdown file is only replaced with ``force``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import pandoc
from ..errors import AixError
from ..fileio import write_atomic
from ..ooxml.package import open_docx
from .markdown import MarkdownWriter
from .prepare import Heading, prepare
from .transform import transform


@dataclass(slots=True)
class Imported:
    markdown: str
    images: dict[str, bytes] = field(default_factory=dict)  # "images/x.png" -> bytes
    headings: list[Heading] = field(default_factory=list)  # as the Word file holds them
    warnings: list[str] = field(default_factory=list)
    dropped_toc: int = 0


def convert(path: str | Path) -> Imported:
    """Convert without writing anything; raises InputError for unusable input."""
    with open_docx(path) as pkg:
        prepared = prepare(pkg)
        ast = pandoc.docx_to_ast(prepared.docx)
        done = transform(ast, pkg.parts, pkg.main)
        images = {name: pkg.read(part) for part, name in done.images.items()}
    markdown = MarkdownWriter().document(done.blocks)
    notes = []
    if prepared.tracked_changes:
        notes.append(f"{prepared.tracked_changes} tracked change(s) accepted")
    if prepared.comments:
        notes.append(f"{prepared.comments} comment(s) left out")
    if prepared.hidden_runs:
        notes.append(f"{prepared.hidden_runs} run(s) of hidden text left out")
    return Imported(markdown, images, prepared.headings, notes + done.warnings, prepared.dropped_toc)


def import_docx(path: str | Path, out_dir: str | Path, force: bool = False) -> tuple[Path, Imported]:
    """Convert, then write DIR/<stem>.md and DIR/images/*; refuses to replace files unless `force`."""
    path, out_dir = Path(path), Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise AixError(f"{out_dir} is not a folder", hint="give -o a folder to write into")
    target = out_dir / (path.stem + ".md")
    if target.exists() and not force:
        raise AixError(f"{target} exists", hint="pass --force to overwrite it")
    result = convert(path)
    images_dir = out_dir / "images"
    if not force:
        for name, data in result.images.items():
            existing = out_dir / name
            if existing.exists() and existing.read_bytes() != data:
                raise AixError(f"{existing} exists with other content", hint="pass --force to overwrite it")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if result.images:
            images_dir.mkdir(exist_ok=True)
        root = images_dir.resolve()
        for name, data in result.images.items():
            dest = (out_dir / name).resolve()
            if dest.parent != root:  # names are made safe in transform.py; this is the last line of defence
                raise AixError(f"refused to write {dest}: outside {root}")
            write_atomic(dest, data)
        write_atomic(target, result.markdown)
    except OSError as e:
        raise AixError(f"cannot write into {out_dir}: {e.strerror or e}") from None
    return target, result

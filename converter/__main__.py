"""The `aix` command line: thin wrappers that hand each command to its module."""

from __future__ import annotations

import json
import sys

import click

from .errors import AixError

SITE = click.argument("site", type=click.Path(path_type=str), default="sources", required=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="aix")
def cli() -> None:
    """aix: the OWASP AI Exchange document toolchain (Hugo sources, release PDF, Word round trip)."""


@cli.command()
@SITE
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check(site: str, fmt: str, strict: bool) -> None:
    """Report broken links, dead redirects, heading and numbering problems, missing images."""
    from .check import check_site
    from .pipeline import build_model

    findings = check_site(build_model(site))
    if fmt == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            click.echo(str(finding))
        errors = sum(f.severity == "error" for f in findings)
        click.echo(f"{errors} error(s), {len(findings) - errors} warning(s)", err=True)
    failed = any(f.severity == "error" or strict for f in findings)
    sys.exit(1 if failed else 0)


@cli.command()
@SITE
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of headings in document order.")
def outline(site: str, as_json: bool) -> None:
    """The heading tree of the document with numbers, ids and lines."""
    from .outline import outline_rows
    from .pipeline import build_model

    rows = outline_rows(build_model(site))
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        indent = "  " * (row["level"] - 1)
        click.echo(f"{indent}{row['text']}  #{row['id']}  ({row['page']}:{row['line']})")


@cli.command()
@SITE
@click.option("--write", is_flag=True, help="Apply the changes (default: show them as a diff).")
@click.option("--force", is_flag=True, help="Write even into files with uncommitted git changes.")
def normalize(site: str, write: bool, force: bool) -> None:
    """House-style fixes (permalink case and slashes, old URLs, number punctuation) as a diff."""
    from . import normalize as norm
    from .fileio import refuse_uncommitted, write_atomic
    from .pipeline import build_model

    model = build_model(site)
    edits = norm.plan(model)
    changed = norm.apply(edits)
    for edit in edits:
        click.echo(str(edit), err=True)
    if not write:
        for page, text in changed:
            click.echo(norm.unified_diff(page, text), nl=False)
        click.echo(f"{len(edits)} change(s) in {len(changed)} file(s); run with --write to apply", err=True)
        return
    refuse_uncommitted([page.file for page, _ in changed], model.root, force)
    for page, text in changed:
        write_atomic(page.file, text)
    click.echo(f"wrote {len(changed)} file(s)", err=True)


@cli.command()
@SITE
@click.option(
    "-o", "--output", type=click.Path(path_type=str), help="Where to write (build/<title>-<date>.docx)."
)
def docx(site: str, output: str | None) -> None:
    """The Word snapshot of the site, made for review in Word and for `aix sync`."""
    from pathlib import Path

    from .docx_export import default_output, export_docx, meta_of
    from .pipeline import build_model

    model = build_model(site)
    meta = meta_of(model)
    report = export_docx(model, Path(output) if output else default_output(meta), meta)
    for warning in report.warnings:
        click.echo(warning, err=True)
    click.echo(
        f"wrote {report.path}: {report.pages} pages, {report.bookmarks} heading bookmarks, "
        f"{report.internal_links} internal links, {report.images} images",
        err=True,
    )


def main(args: list[str] | None = None) -> None:
    try:
        cli.main(args=args, prog_name="aix", standalone_mode=True)
    except AixError as e:  # raised outside Click's own handling
        e.show()
        sys.exit(e.exit_code)


if __name__ == "__main__":
    main()

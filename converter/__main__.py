"""The `aix` command line: thin wrappers that hand each command to its module."""

from __future__ import annotations

import json
import signal
import sys

import click

from . import ending
from .errors import AixError

SITE = click.argument("site", type=click.Path(path_type=str), default="sources", required=False)
PAGE_TIMEOUT = click.option(
    "--page-timeout",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Fail a part whose rendering takes longer (its worker is stopped).",
)


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
    from .pipeline import build_model
    from .reports.check import check_site

    findings = check_site(build_model(site, warn=None))
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
    from .pipeline import build_model
    from .reports.outline import outline_rows

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
    from .fileio import refuse_uncommitted, write_atomic
    from .pipeline import build_model
    from .reports import normalize as norm

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


@cli.command("import")
@click.argument("docx_file", metavar="FILE.docx", type=click.Path(path_type=str))
@click.option(
    "-o", "--output", "out_dir", required=True, type=click.Path(path_type=str), help="Folder to write into."
)
@click.option("--force", is_flag=True, help="Overwrite an existing DIR/<stem>.md (and its images).")
def import_(docx_file: str, out_dir: str, force: bool) -> None:
    """Word document (without aix markers) to Markdown: DIR/<stem>.md and DIR/images/."""
    from .wordimport.command import import_docx

    target, result = import_docx(docx_file, out_dir, force)
    for warning in result.warnings:
        click.echo(f"{docx_file}: warning: {warning}", err=True)
    click.echo(f"wrote {target} ({len(result.headings)} headings, {len(result.images)} image(s))", err=True)


@cli.command("html")
@SITE
@click.option("-o", "--output", "out", default="build/html", show_default=True, help="Folder to write.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on any warning, writing nothing.")
@click.option("-q", "--quiet", is_flag=True, help="No progress, warnings or report; errors only.")
def html_command(site: str, out: str, strict: bool, quiet: bool) -> None:
    """The whole document as one HTML page (DIR/index.html), images and styles beside it."""
    from .buildlog import BuildLog
    from .html.document import write_html

    write_html(site, out, BuildLog(quiet=quiet, strict=strict))


@cli.command("pdf")
@SITE
@click.option("-o", "--output", "out", default="build/aix.pdf", show_default=True, help="PDF to write.")
@click.option("--navigator", type=click.Path(path_type=str), help="Navigator PDF (overrides aix.yaml).")
@click.option("--no-cache", is_flag=True, help="Render every chapter afresh (a cold build).")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=str),
    help="Keep renders here for fast rebuilds (default: $XDG_CACHE_HOME/aix/pdf).",
)
@click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes (default: the CPUs, at most 4).")
@PAGE_TIMEOUT
@click.option(
    "--page-refs", is_flag=True, help='Print the page after every internal link: "Evasion (p. 57)".'
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on any warning, writing nothing.")
@click.option("-q", "--quiet", is_flag=True, help="No progress, warnings or report; errors only.")
def pdf_command(
    site: str,
    out: str,
    navigator: str | None,
    no_cache: bool,
    cache_dir: str | None,
    jobs: int | None,
    page_timeout: float,
    page_refs: bool,
    strict: bool,
    quiet: bool,
) -> None:
    """The release PDF: cover, navigator, contents with page numbers, every link a jump inside."""
    from .buildlog import BuildLog
    from .pdf.build import build_pdf

    log = BuildLog(quiet=quiet, strict=strict)
    build_pdf(
        site,
        out,
        log,
        navigator,
        cache=not no_cache,
        jobs=jobs,
        page_timeout=page_timeout,
        cache_dir=cache_dir,
        page_refs=page_refs,
    )


@cli.command("handout")
@click.argument("site", type=click.Path(path_type=str))
@click.argument("selectors", nargs=-1)
@click.option("-o", "--output", "out", default="build/handout.pdf", show_default=True, help="PDF to write.")
@click.option("--with-controls", is_flag=True, help="Add the control sections the threats link to.")
@click.option("--navigator", "nav", is_flag=True, help="The one-page navigator handout.")
@click.option("--navigator-file", type=click.Path(path_type=str), help="Navigator PDF (overrides aix.yaml).")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option("--no-link-notes", is_flag=True, help="Leave out the numbered notes of outside links.")
@PAGE_TIMEOUT
@click.option("--strict", is_flag=True, help="Fail (exit 1) on any warning, writing nothing.")
@click.option("-q", "--quiet", is_flag=True, help="Errors only.")
def handout_command(
    site,
    selectors,
    out,
    with_controls,
    nav,
    navigator_file,
    paper,
    no_link_notes,
    page_timeout,
    strict,
    quiet,
):
    """Printable sections: SELECTOR is 2.1, #heading-id, go:<name> or docs/<page>.md (several allowed)."""
    from .buildlog import BuildLog
    from .pdf.handout import build_handout, navigator_handout

    log = BuildLog(quiet=quiet, strict=strict)
    if nav:
        navigator_handout(site, out, log, navigator_file, paper)
        return
    if not selectors:
        raise click.UsageError("give at least one SELECTOR (e.g. go:promptinjection or 2.1), or --navigator")
    build_handout(site, list(selectors), out, log, with_controls, paper, not no_link_notes, page_timeout)


@cli.command()
@SITE
@click.option(
    "-o", "--output", type=click.Path(path_type=str), help="Where to write (build/<title>-<date>.docx)."
)
def docx(site: str, output: str | None) -> None:
    """The Word snapshot of the site, made for review in Word and for `aix sync`."""
    from pathlib import Path

    from .fileio import output_path
    from .pipeline import build_model
    from .roundtrip.export import default_output, export_docx, meta_of

    if output:
        output_path(output, "-o", site)
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


@cli.command()
@click.argument("snapshot", type=click.Path(path_type=str))
@SITE
@click.option("--write", is_flag=True, help="Apply the changes (default: show them as a diff).")
@click.option("--force", is_flag=True, help="Write even into files with uncommitted git changes.")
@click.option("--allow-delete", is_flag=True, help="Delete a page whose every block was deleted in Word.")
@click.option(
    "--changes",
    type=click.Choice(["refuse", "accept", "reject"]),
    default="refuse",
    show_default=True,
    help="Tracked changes: list them and stop, or accept or reject them all.",
)
@click.option(
    "--comments", "comments_file", type=click.Path(path_type=str), help="Also write the comments here."
)
@click.option(
    "--rename-anchors", is_flag=True, help="Let renamed headings take new anchors (default: keep the old)."
)
@click.option(
    "--conflicts",
    type=click.Choice(["refuse", "markers"]),
    default="refuse",
    show_default=True,
    help="Word and git edits of the same lines: list them all and write nothing, or write git-style "
    "conflict blocks (<<<<<<< git / ======= / >>>>>>> word) with --write.",
)
def sync(
    snapshot: str,
    site: str,
    write: bool,
    force: bool,
    allow_delete: bool,
    changes: str,
    comments_file: str | None,
    rename_anchors: bool,
    conflicts: str,
) -> None:
    """Bring the edits made in a Word snapshot (from aix docx) back into the Markdown sources."""
    from pathlib import Path

    from .fileio import output_path, refuse_uncommitted, why, write_all, write_atomic
    from .pipeline import build_model
    from .roundtrip.sync import Syncer

    if comments_file:
        output_path(comments_file, "--comments", site, inputs=(snapshot,))
    model = build_model(site)
    syncer = Syncer(Path(snapshot), model, changes, not rename_anchors, conflicts)  # type: ignore[arg-type]
    result = syncer.plan()
    if result.tracked:
        for line in result.tracked:
            click.echo(line, err=True)
        raise AixError(
            f"{len(result.tracked)} tracked change(s) pending in {snapshot}",
            hint="review them in Word, or pass --changes accept or --changes reject",
        )
    if result.conflicts and conflicts == "refuse":
        for note in result.notes:
            click.echo(note, err=True)
        _conflicts(result, model.root)
    for change in result.changes:
        click.echo(change.diff(), nl=False)
    for note in result.notes:
        click.echo(note, err=True)
    if result.comments:
        click.echo(f"{len(result.comments)} comment(s):", err=True)
        for line in result.comments:
            click.echo(f"  {line}", err=True)
    if comments_file:  # asked for by name, so written on a dry run too (never inside the site: see above)
        try:
            write_atomic(Path(comments_file), "".join(line + "\n" for line in result.comments))
        except OSError as e:
            raise AixError(f"cannot write {comments_file}: {why(e)}", where="--comments") from None
    deleted = [c for c in result.changes if c.new is None]
    summary = (
        f"{len(result.changes)} file(s) to change ({result.edited} block(s) edited, {result.removed} removed"
        f"{', ' + str(len(deleted)) + ' page(s) deleted' if deleted else ''}) of {result.units} in the snapshot"
    )
    if not write:
        click.echo(summary + ("; run with --write to apply" if result.changes else ""), err=True)
        if result.conflicts:
            _conflicts(
                result, model.root, "would be written as conflict blocks; run with --write to write them"
            )
        return
    if deleted and not allow_delete:
        names = ", ".join(c.rel for c in deleted)
        raise AixError(f"would delete {names}", hint="pass --allow-delete to delete pages deleted in Word")
    refuse_uncommitted([c.path for c in result.changes], model.root, force)
    try:
        write_all([(c.path, c.new) for c in result.changes])
    except OSError as e:
        raise AixError(f"writing failed ({e}); no source file was changed") from None
    click.echo(summary.replace("to change", "changed"), err=True)
    if result.conflicts:
        _conflicts(result, model.root, "written as markers: resolve them as after a git merge, then commit")


def _conflicts(result, root, done: str = "") -> None:
    """Every conflict with its three texts, then one error naming the snapshot's commit and HEAD."""
    from .roundtrip.export import git_commit

    for conflict in result.conflicts:
        click.echo(conflict.report(), err=True)
    made = result.snapshot_commit or "no git commit"
    head = git_commit(root).removesuffix("+changes")
    now = f"HEAD ({head[:12]})" if head else "the sources now (not in git)"
    count = len(result.conflicts)
    if done:
        raise AixError(f"{count} conflict(s) {done}", hint=f"snapshot from {made[:12]}, sources at {now}")
    raise AixError(
        f"{count} conflict(s): edited in Word and in git since the snapshot (made from {made[:12]}; "
        f"the sources are at {now}); nothing was written",
        hint="commit or undo one side and sync again, or pass --conflicts markers --write to write them "
        "as conflict blocks",
    )


def _terminated(signum, frame) -> None:
    """SIGTERM ends a command as Ctrl-C does: workers stopped, temporary files removed, "Aborted!"."""
    raise KeyboardInterrupt


def main(args: list[str] | None = None) -> None:
    signal.signal(signal.SIGTERM, _terminated)
    ending.activate()
    code: object = 0
    try:
        cli.main(args=args, prog_name="aix", standalone_mode=True)
    except AixError as e:  # raised outside Click's own handling
        e.show()
        code = e.exit_code
    except SystemExit as e:
        code = e.code
    ending.end(code)


if __name__ == "__main__":
    main()

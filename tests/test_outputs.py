"""Outputs never land among the sources, and a write that fails is one line: every command checks every
output path (`-o`, `--comments`, the PDF cache) with `fileio.output_path` before any work."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_site

from converter.__main__ import cli
from converter.pipeline import build_model
from converter.roundtrip.export import export_docx

PAGE = "content/docs/_index.md"


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("outputs") / "site"
    return write_site(
        root,
        {
            PAGE: "---\ntitle: Doc\n---\nIntro.\n",
            "content/docs/a.md": "---\ntitle: A\nweight: 1\n---\n## One\nText with a [link](#one).\n",
        },
    )


@pytest.fixture(scope="module")
def word_copy(site, tmp_path_factory) -> Path:
    """A snapshot with one comment, made once: `aix sync` must read it before writing the comments."""
    import docx

    out = tmp_path_factory.mktemp("snap") / "snap.docx"
    export_docx(build_model(site), out)
    doc = docx.Document(str(out))
    para = next(p for p in doc.paragraphs if "Text with" in p.text)
    doc.add_comment(para.runs, text="Check this.", author="Ann", initials="A")
    doc.save(str(out))
    return out


def run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.stderr


INSIDE = {
    "pdf over a page": lambda s, o: (["pdf", s, "-o", s / PAGE], "-o"),
    "pdf into content/": lambda s, o: (["pdf", s, "-o", s / "content/new/x.pdf"], "-o"),
    "pdf cache by symlink": lambda s, o: (
        ["pdf", s, "-o", o / "x.pdf", "--cache-dir", o / "cached/.aix-cache"],
        "--cache-dir",
    ),
    "pdf through a symlinked folder": lambda s, o: (["pdf", s, "-o", o / "into-site/x.pdf"], "-o"),
    "docx over a page": lambda s, o: (["docx", s, "-o", s / PAGE], "-o"),
    "docx over the site": lambda s, o: (["docx", s, "-o", s], "-o"),
    "handout over a page": lambda s, o: (["handout", s, "docs/a.md", "-o", s / PAGE], "-o"),
    "html into the site": lambda s, o: (["html", s, "-o", s], "-o"),
    "html into a new folder of the site": lambda s, o: (["html", s, "-o", s / "public"], "-o"),
    "html styles by symlink": lambda s, o: (["html", s, "-o", o / "cached"], "-o"),
}


@pytest.mark.parametrize("case", sorted(INSIDE))
def it_refuses_an_output_inside_the_site_before_any_work(case, site, tmp_path):
    (tmp_path / "cached").mkdir()
    (tmp_path / "cached" / ".aix-cache").symlink_to(site / "static", target_is_directory=True)
    (tmp_path / "cached" / "styles").symlink_to(site / "static", target_is_directory=True)
    (tmp_path / "into-site").symlink_to(site / "content", target_is_directory=True)
    (site / "static").mkdir(exist_ok=True)
    args, option = INSIDE[case](site, tmp_path)
    before = snapshot(site)
    code, err = run(*args)
    assert code == 2, err
    assert (
        err.count("\n") == 1
        and err.startswith(f"{option}")
        and "aix writes no output into the sources" in err
    ), err
    assert str(args[5] if option == "--cache-dir" else args[3]) in err
    assert snapshot(site) == before


def it_refuses_comments_inside_the_site_even_on_a_dry_run(site, word_copy):
    before = snapshot(site)
    code, err = run("sync", word_copy, site, "--comments", site / PAGE)
    assert code == 2 and err.startswith("--comments: error:") and str(site / PAGE) in err, err
    assert snapshot(site) == before


def it_writes_comments_outside_the_site_on_a_dry_run(site, word_copy, tmp_path):
    code, err = run("sync", word_copy, site, "--comments", tmp_path / "review.txt")
    assert code == 0, err
    assert "Ann" in (tmp_path / "review.txt").read_text()
    code, err = run("sync", word_copy, site, "--comments", word_copy)
    assert code == 2 and "also an input" in err, err


# -- outputs that cannot be written ---------------------------------------------------------------------------


def _mount(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@pytest.fixture
def unwritable(tmp_path):
    """A folder nobody may write into: a read-only tmpfs as root (root ignores modes), mode 0555 otherwise."""
    folder = tmp_path / "ro"
    if os.geteuid() == 0:
        if not _mount(folder, "ro,size=64k"):
            pytest.skip("cannot mount a read-only tmpfs here")
        yield folder
        _umount(folder)
    else:
        folder.mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


@pytest.fixture
def full_disk(tmp_path):
    """A folder on a small file system with 8 KB left: a full disk, without filling the real one."""
    folder = tmp_path / "full"
    if not _mount(folder, "size=256k"):
        pytest.skip("mounting a small tmpfs needs root")
    (folder / "filler").write_bytes(b"\0" * (248 * 1024))
    yield folder
    _umount(folder)


UNWRITABLE = {
    "pdf": lambda s, d: ["pdf", s, "-o", d / "x.pdf"],
    "pdf in a new folder": lambda s, d: ["pdf", s, "-o", d / "new" / "x.pdf"],
    "pdf without the cache": lambda s, d: ["pdf", s, "--no-cache", "-o", d / "x.pdf"],
    "docx": lambda s, d: ["docx", s, "-o", d / "x.docx"],
    "html": lambda s, d: ["html", s, "-o", d / "html"],
    "handout": lambda s, d: ["handout", s, "docs/a.md", "-o", d / "x.pdf"],
}


@pytest.mark.parametrize("case", sorted(UNWRITABLE))
def it_says_in_one_line_that_an_output_folder_cannot_be_written(case, site, unwritable):
    code, err = run(*UNWRITABLE[case](site, unwritable))
    assert code == 1, err
    assert err.count("\n") == 1 and err.startswith("-o: error: cannot write into"), err


def it_says_in_one_line_that_the_comments_cannot_be_written(site, word_copy, unwritable):
    code, err = run("sync", word_copy, site, "--comments", unwritable / "review.txt")
    assert code == 1 and err.count("\n") == 1 and err.startswith("--comments: error: cannot write"), err


@pytest.mark.parametrize("args", [["pdf"], ["pdf", "--no-cache"], ["pdf", "--jobs", "1"], ["docx"]])
def it_fails_in_one_line_when_the_disk_fills_up(args, full_disk, sample):
    out = full_disk / ("x.docx" if args[0] == "docx" else "x.pdf")
    code, err = run(args[0], sample, *args[1:], "-o", out, *(["-q"] if args[0] == "pdf" else []))
    assert code == 1, err
    lines = [line for line in err.splitlines() if "error" in line]
    assert len(lines) == 1 and "No space left on device" in lines[0], err
    assert not out.exists()
    assert not [p for p in full_disk.rglob("*") if p.name.endswith((".tmp", ".aix-tmp"))]
    assert sorted(p.name for p in full_disk.iterdir()) in (["filler"], [".aix-cache", "filler"])

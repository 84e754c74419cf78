"""`aix normalize`: a dry run shows the diff; --write applies it atomically; a second run changes nothing."""

import os
import subprocess

import pytest
from click.testing import CliRunner

from converter import fileio
from converter.__main__ import cli

PAGE = """\
---
title: 2. Threats
weight: 2
---
## 2.1. Evasion
## 2.2. Poisoning
## 2.3 Leaks
- [a](go/evasion/) [b](/go/EVASION/) [c](/go/evasion/) [d](/docs/old/threats/#22-poisoning)
- [e](https://github.com/OWASP/www-project-ai-security-and-privacy-guide/blob/main/owaspaiexchange.md#23-leaks)
- <a href="/go/POISONING/">f</a> [g](/go/nothere/)
"""
REDIRECTS = [("/go/evasion/", "/docs/threats/#21-evasion"), ("/go/poisoning/", "/docs/threats/#22-poisoning")]


def _site(make_site):
    return make_site({"content/docs/threats.md": PAGE}, firebase=REDIRECTS)


def it_shows_a_diff_and_writes_nothing_by_default(make_site):
    root = _site(make_site)
    result = CliRunner().invoke(cli, ["normalize", str(root)])
    assert result.exit_code == 0
    assert "\n-## 2.3 Leaks\n" in result.stdout and "\n+## 2.3. Leaks\n" in result.stdout
    assert "+- [a](/go/evasion/) [b](/go/evasion/) [c](/go/evasion/) [d](/go/poisoning/)\n" in result.stdout
    assert "+- [e](/docs/threats/#23-leaks)\n" in result.stdout
    assert '+- <a href="/go/poisoning/">f</a> [g](/go/nothere/)\n' in result.stdout
    assert "content/docs/threats.md:8: link go/evasion/ lacks its leading '/'" in result.stderr
    assert (root / "content/docs/threats.md").read_text() == PAGE


def it_writes_with_write_and_then_has_nothing_left_to_do(make_site):
    root = _site(make_site)
    assert CliRunner().invoke(cli, ["normalize", str(root), "--write"]).exit_code == 0
    text = (root / "content/docs/threats.md").read_text()
    assert "## 2.3. Leaks" in text and "(/go/EVASION/)" not in text
    again = CliRunner().invoke(cli, ["normalize", str(root)])
    assert again.stdout == "" and "0 change(s) in 0 file(s)" in again.stderr


def it_never_changes_an_anchor(make_site):
    root = _site(make_site)
    from converter.pipeline import build_model

    before = [h.id for h in build_model(root).headings]
    CliRunner().invoke(cli, ["normalize", str(root), "--write"])
    assert [h.id for h in build_model(root).headings] == before


def it_refuses_files_with_uncommitted_changes(make_site):
    root, page = _committed_site(make_site)
    result = CliRunner().invoke(cli, ["normalize", str(root), "--write"])
    assert result.exit_code == 1 and "uncommitted changes: content/docs/threats.md" in result.stderr
    assert page.read_text().endswith("local edit\n")
    assert CliRunner().invoke(cli, ["normalize", str(root), "--write", "--force"]).exit_code == 0
    assert "(/go/EVASION/)" not in page.read_text()


def _committed_site(make_site):
    root = _site(make_site)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    page = root / "content/docs/threats.md"
    page.write_text(PAGE + "\nlocal edit\n")
    return root, page


def _dubious_ownership(root, monkeypatch):
    """What git says of a repository someone else owns: owned by another uid, with no safe.directory
    in any config git reads (the tests run as root in CI: root may chown)."""
    if os.geteuid() != 0:
        pytest.skip("making a repository someone else's needs root")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for path in [root, *root.rglob("*")]:
        os.lchown(path, 4242, 4242)


def _git_times_out(root, monkeypatch):
    def run(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs.get("timeout"))

    monkeypatch.setattr(fileio.subprocess, "run", run)


GIT_REFUSES = {
    "dubious ownership": _dubious_ownership,
    "a corrupt index": lambda root, mp: (root / ".git" / "index").write_bytes(b"DIRC garbage"),
    "a corrupt HEAD": lambda root, mp: (root / ".git" / "HEAD").write_text("garbage\n"),
    "no git installed": lambda root, mp: mp.setenv("PATH", str(root / "no-such-bin")),
    "a timeout": _git_times_out,
}


@pytest.mark.parametrize("case", sorted(GIT_REFUSES))
def it_refuses_to_write_when_git_cannot_tell_what_is_committed(make_site, monkeypatch, case):
    root, page = _committed_site(make_site)
    GIT_REFUSES[case](root, monkeypatch)
    result = CliRunner().invoke(cli, ["normalize", str(root), "--write"])
    assert result.exit_code == 1, result.output
    assert "cannot tell whether the files to write have uncommitted changes" in result.stderr
    assert result.stderr.count("error:") == 1 and "--force" in result.stderr
    assert "(/go/EVASION/)" in page.read_text()
    result = CliRunner().invoke(cli, ["normalize", str(root), "--write", "--force"])
    assert result.exit_code == 0, result.output
    assert "(/go/EVASION/)" not in page.read_text()


def it_writes_outside_git_without_asking_it(make_site, monkeypatch):
    root = _site(make_site)
    monkeypatch.setenv("PATH", str(root / "no-such-bin"))
    assert CliRunner().invoke(cli, ["normalize", str(root), "--write"]).exit_code == 0
    assert "(/go/EVASION/)" not in (root / "content/docs/threats.md").read_text()

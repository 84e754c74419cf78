"""Bad input: a one-line error naming the file (and line), exit status 2, no traceback, nothing written."""

import hashlib
import json

import pytest
from click.testing import CliRunner

from converter.__main__ import cli

BAD_SITES = {
    "invalid-yaml": {"content/docs/a.md": "---\ntitle: A\nweight: [1\n---\nbody\n"},
    "not-utf8": {"content/docs/a.md": b"---\ntitle: A\n---\n\xff\xfe caf\xe9\n"},
    "binary": {"content/docs/a.md": bytes(range(256)) * 4},
    "empty": {"content/docs/a.md": ""},
    "huge": {"content/docs/a.md": "---\ntitle: A\n---\n" + ("x" * 99 + "\n") * 100_000},
    "not-a-site": {"notes/readme.md": "# hello\n"},
    "bad-firebase": {
        "content/docs/a.md": "---\ntitle: A\n---\n",
        "firebase.json": '{"hosting": {"redirects": [\n}',
    },
    "firebase-shape": {
        "content/docs/a.md": "---\ntitle: A\n---\n[x](/go/x/)\n",
        "firebase.json": '{"hosting": {"redirects": {"source": "/go/x/"}}}',
    },
    "firebase-rule": {
        "content/docs/a.md": "---\ntitle: A\n---\n",
        "firebase.json": '{"hosting": {"redirects": [{"source": "/go/x/"}]}}',
    },
    "config-list": {
        "hugo.yaml": "- baseURL: https://owaspai.org/\n",
        "content/docs/a.md": "---\ntitle: A\n---\n",
    },
    "params-list": {"hugo.yaml": "params: [1, 2]\n", "content/docs/a.md": "---\ntitle: A\n---\n"},
    "aix-yaml-text": {"aix.yaml": "just text\n", "content/docs/a.md": "---\ntitle: A\n---\n"},
    "deep-shortcodes": {
        "content/docs/a.md": "---\ntitle: A\n---\n"
        + "{{< callout >}}\n" * 5000
        + "x\n"
        + "{{< /callout >}}\n" * 5000
    },
    "deep-inline-shortcodes": {
        "content/docs/a.md": "---\ntitle: A\n---\nText\n\nsee "
        + "{{< badge >}}" * 5000
        + "{{< /badge >}}" * 5000
    },
}
EXPECTED = {
    "invalid-yaml": "content/docs/a.md:3: error: invalid YAML front matter",
    "not-utf8": "content/docs/a.md:4: error: not UTF-8",
    "binary": "content/docs/a.md: error: not a text file",
    "empty": "content/docs/a.md: error: the page is empty",
    "huge": "content/docs/a.md: error: file is too large (9.5 MB",
    "not-a-site": "error: ",
    "bad-firebase": "firebase.json:2: error: invalid JSON",
    "firebase-shape": 'firebase.json: error: "redirects" is an object, not a list; expected {"hosting": {"redirects"',
    "firebase-rule": 'firebase.json: error: redirect 1 (/go/x/) has no "destination"; expected',
    "config-list": "hugo.yaml: error: the site configuration must be a mapping of keys to values, not a list",
    "params-list": "hugo.yaml: error: params must be a mapping of keys to values, not a list",
    "aix-yaml-text": "aix.yaml: error: aix.yaml must be a mapping of keys to values, not text",
    "deep-shortcodes": "content/docs/a.md:54: error: shortcodes nested more than 50 deep",
    "deep-inline-shortcodes": "content/docs/a.md:6: error: shortcodes nested more than 50 deep",
}


def _snapshot(root):
    return {
        p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("command", [["check"], ["outline", "--json"], ["normalize", "--write"]])
@pytest.mark.parametrize("case", sorted(BAD_SITES))
def it_refuses_bad_input_in_one_line(make_site, case, command):
    root = make_site(BAD_SITES[case], name=case)
    before = _snapshot(root)
    result = CliRunner().invoke(cli, [command[0], str(root), *command[1:]])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(EXPECTED[case]), lines[0]
    assert _snapshot(root) == before


@pytest.mark.parametrize("path", ["does/not/exist", "pyproject.toml"])
def it_refuses_a_path_that_is_not_a_site_folder(path):
    result = CliRunner().invoke(cli, ["check", path])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and path in result.stderr


def it_prints_the_outline_as_json(make_site):
    root = make_site({"content/docs/a.md": "---\ntitle: 1. A\n---\n## 1.1 B\n### C {#c}\n"})
    result = CliRunner().invoke(cli, ["outline", str(root), "--json"])
    rows = json.loads(result.stdout)
    assert rows == [
        {
            "page": "docs/a.md",
            "level": 1,
            "number": "1",
            "text": "1. A",
            "id": "page-docs-a",
            "line": 2,
            "title": True,
        },
        {
            "page": "docs/a.md",
            "level": 2,
            "number": "1.1",
            "text": "1.1 B",
            "id": "11-b",
            "line": 4,
            "title": False,
        },
        {"page": "docs/a.md", "level": 3, "number": None, "text": "C", "id": "c", "line": 5, "title": False},
    ]


BAD_URLS = "---\ntitle: A\n---\n## B\n\nsee [x](http://[::1) and http://] here\n\n![i](http://[::1)\n"


@pytest.mark.parametrize(
    "command", [["check"], ["outline"], ["normalize"], ["html", "-o"], ["docx", "-o"], ["pdf", "-o"]]
)
def it_reports_a_url_no_browser_could_follow_as_a_finding_not_a_crash(make_site, tmp_path, command):
    root = make_site({"content/docs/a.md": BAD_URLS})
    args = [command[0], str(root), *([command[1], str(tmp_path / "out.x")] if len(command) > 1 else [])]
    result = CliRunner().invoke(cli, args)
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    ), result.output
    assert result.exit_code == (1 if command == ["check"] else 0), result.output
    if command[0] in ("check", "html", "pdf"):
        severity = "error" if command == ["check"] else "warning"
        for what in ("link http://[::1", "link http://]", "image http://[::1"):
            assert f"content/docs/a.md:{8 if what.startswith('image') else 6}: {severity}: {what}" in (
                result.stdout + result.stderr
            ), result.output


def it_names_firebase_json_once_when_it_is_missing(make_site):
    root = make_site({"content/docs/a.md": "---\ntitle: A\n---\n" + "[x](/go/x/) " * 53 + "\n"})
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "firebase.json: warning: firebase.json is missing, so the 53 /go/ link(s) cannot be checked "
        "(first: content/docs/a.md:4: /go/x/)\n"
    )


def it_says_why_an_inline_image_is_not_shown(make_site, tmp_path):
    root = make_site({"content/docs/a.md": "---\ntitle: A\n---\n![x](data:image/svg+xml,%3Csvg/%3E)\n"})
    result = CliRunner().invoke(cli, ["html", str(root), "-o", str(tmp_path / "html")])
    assert result.exit_code == 0, result.output
    assert "content/docs/a.md:4: warning: image data:image/svg+xml,%3Csvg/%3E is inline data of a kind" in (
        result.stderr
    )


def it_ends_the_process_with_the_commands_status_and_all_it_printed(make_site, tmp_path):
    """`aix` exits without freeing its heap (converter/ending.py): the status and every line printed must
    still come out, through a pipe too."""
    import subprocess
    import sys
    from pathlib import Path

    aix = str(Path(sys.executable).parent / "aix")
    site = make_site({"content/docs/a.md": "---\ntitle: A\n---\n# A\n\n" + "A line.\n\n" * 3000})
    listed = subprocess.run([aix, "outline", str(site), "--json"], capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)  # the whole output, flushed
    bad = subprocess.run([aix, "check", str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert bad.returncode == 2 and "nowhere" in bad.stderr and "Traceback" not in bad.stderr
    usage = subprocess.run([aix, "pdf", "--no-such-option"], capture_output=True, text=True)
    assert usage.returncode == 2 and "Usage" in usage.stderr


def it_keeps_nothing_for_the_end_when_aix_is_used_as_a_library():
    from converter import ending

    before = len(ending._kept)
    ending.keep(object())
    assert len(ending._kept) == before

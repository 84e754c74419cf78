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
}
EXPECTED = {
    "invalid-yaml": "content/docs/a.md:3: error: invalid YAML front matter",
    "not-utf8": "content/docs/a.md:4: error: not UTF-8",
    "binary": "content/docs/a.md: error: not a text file",
    "empty": "content/docs/a.md: error: the page is empty",
    "huge": "content/docs/a.md: error: file is too large (9.5 MB",
    "not-a-site": "error: ",
    "bad-firebase": "firebase.json:2: error: invalid JSON",
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

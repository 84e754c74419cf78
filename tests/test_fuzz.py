"""Hostile and broken pages: real pages mutated by hypothesis (bytes and lines edited; shortcode, link,
HTML, fence and table syntax inserted) through check, outline, normalize (a dry run), html and docx. Every run must end with
exit status 0, 1 or 2, without a traceback, in under 5 s; every crasher found is kept under
tests/fixtures/hostile/ and replayed."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.__main__ import cli

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
CORPUS_PAGES = ROOT.parent / "shared" / "corpus" / "aix-2026" / "content" / "docs"
WINDOW = 6000  # characters of a corpus page's body taken at a time: real syntax, a bounded run time
LIMIT = 5.0  # seconds per command and page

# Syntax that parsers trip over, inserted whole.
TOKENS = [
    "{{<", ">}}", "{{%", "%}}", "{{< /", "{{< callout >}}", "{{< /callout >}}", "{{< tabs items=\"a,b\" >}}",
    "{{< tab >}}", "{{</* x */>}}", "{{< card link=\"", "[", "]", "](", "](http://[::1)", "[x]: ", "![",
    "<", ">", "</", "<div>", "</div>", "<a href=\"", "<img src=\"", "<!--", "-->", "<svg>", "```", "~~~",
    "`", "|", "| --- |", "\n", "\n\n", "*", "**", "_", "~~", "#", "## ", "{#", "}", "\\", "&", "&#0;",
    "> ", "- ", "1. ", "    ", "\t", "\r", "http://", "www.", "/go/", "#", "---\n", "+++", "\u200b", "\ufeff",
    "\x00", "%00", "&#x110000;", "&#99999999999;", "<![", "<!DOCTYPE", "](/images/", "![x](/images/",
    "{{< figure src=\"/images/", "{{< image-centered src=\"", "[^1]", "<table><tr><td>", "</td>", "=\n",
    "](go/", "](#", "](/docs/", "](../", "<a href=\"/go/", "<img src=\"/images/",
]  # fmt: skip


def seed_pages() -> list[tuple[str, str]]:
    """(name, text) of the pages mutated: the sample's, and windows of a few aix-2026 pages when present."""
    pages = [
        (p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "sources/content/docs").glob("*.md"))
    ]
    for name in ("2_threats_through_use.md", "1_general_controls.md", "ai_security_overview.md"):
        path = CORPUS_PAGES / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            end = text.index("\n---", 3) + 5
            head, body = text[:end], text[end:]
            for start in range(0, len(body), len(body) // 3 + 1):
                pages.append((f"aix-2026/{name}@{start}", head + body[start : start + WINDOW]))
    return pages


SEEDS = seed_pages()


@st.composite
def mutated_pages(draw) -> tuple[str, bytes]:
    """A seed page with 1-8 edits: tokens inserted, text or bytes inserted, bytes or lines deleted,
    duplicated or swapped. Most edits fall in the body, so that most pages get past the front matter."""
    name, text = draw(st.sampled_from(SEEDS))
    data = bytearray(text.encode("utf-8"))
    body = text.find("\n---", 3) + 5 if text.startswith("---") else 0
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["token"] * 4 + ["repeat", "text", "bytes", "delete", "line", "line"]))
        start = draw(st.sampled_from([body] * 7 + [0]))
        at = draw(st.integers(min(start, len(data)), len(data)))
        if kind == "token":
            data[at:at] = draw(st.sampled_from(TOKENS)).encode("utf-8")
        elif kind == "repeat":  # deep nesting and long runs
            token = draw(
                st.sampled_from(
                    ["{{< callout >}}", "[", "<div>", "> ", "- ", "*a", "`", "|", "{{<", "a", "](", "%"]
                )
            )
            data[at:at] = (token * draw(st.integers(2, 3000))).encode("utf-8")
        elif kind == "text":
            data[at:at] = draw(st.text(min_size=1, max_size=8)).encode("utf-8")
        elif kind == "bytes":  # mostly not UTF-8: refused, exit 2
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        else:
            lines = bytes(data).split(b"\n")
            first = bytes(data[:start]).count(b"\n")
            i, j = draw(st.integers(first, len(lines) - 1)), draw(st.integers(first, len(lines) - 1))
            op = draw(st.sampled_from(["dup", "drop", "swap"]))
            if op == "dup":
                lines.insert(i, lines[j])
            elif op == "drop" and len(lines) > 1:
                del lines[i]
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    return name, bytes(data)


def site_with(root: Path, page: bytes) -> Path:
    """A site holding one page (and the sample's redirects and images)."""
    if root.exists():
        shutil.rmtree(root)
    (root / "content" / "docs").mkdir(parents=True)
    for name in ("hugo.yaml", "firebase.json"):
        shutil.copyfile(ROOT / "sources" / name, root / name)
    (root / "static").symlink_to(ROOT / "sources" / "static", target_is_directory=True)
    (root / "content" / "docs" / "page.md").write_bytes(page)
    return root


def run(args: list[str]) -> None:
    """One command in-process: exit 0, 1 or 2, no exception escaping, no traceback, within LIMIT."""
    started = time.perf_counter()
    result = CliRunner().invoke(cli, args)
    took = time.perf_counter() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"aix {' '.join(args[:1])} raised {type(result.exception).__name__}: {result.exception}"
    )
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output, result.output
    assert took < LIMIT, f"aix {args[0]} took {took:.1f} s"


def run_all(page: bytes, docx: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="aix-fuzz-") as tmp:
        root = site_with(Path(tmp) / "site", page)
        run(["check", str(root)])
        run(["outline", str(root), "--json"])
        run(["normalize", str(root)])
        run(["html", str(root), "-o", f"{tmp}/html", "-q"])
        if docx:
            run(["docx", str(root), "-o", f"{tmp}/page.docx"])


FAST = settings(
    max_examples=1000,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FAST
@given(mutated_pages())
def it_survives_mutated_pages_in_check_outline_normalize_and_html(case):
    run_all(case[1], docx=False)


@settings(FAST, max_examples=200)
@given(mutated_pages())
def it_survives_mutated_pages_in_docx(case):
    run_all(case[1], docx=True)


@pytest.mark.parametrize("crasher", sorted(p.name for p in HOSTILE.glob("*.md")))
def it_survives_every_crasher_found_so_far(crasher):
    run_all((HOSTILE / crasher).read_bytes(), docx=True)

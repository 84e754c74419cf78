"""The docx fuzz suite: mutated snapshots of the sample (its XML, its store, its zip) go through `aix sync`
(a dry run, then --write on a copy of the site) and `aix import`. Whatever the file, aix answers with exit
status 0, 1 or 2, never a traceback, within 5 s, and changes nothing outside the site: a sentinel folder
beside it and the folder that holds both stay as they were, and inside the site only existing pages change.

The cases are drawn reproducibly (derandomize) from tests/docx_mutations.py; every crasher found is kept as
a recipe in tests/fixtures/hostile/ and replayed by the test below it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx_mutations import (
    ATTRIBUTE_VALUES,
    DOCUMENT,
    DTDS,
    ENCODINGS,
    HOSTILE_PATHS,
    METHODS,
    NAMES,
    SNIPPETS,
    STORE_PART,
    TAGS,
    TEXTS,
    VALUES,
    build,
    parts_of,
)

from converter.__main__ import cli
from converter.pipeline import build_model
from converter.roundtrip.export import export_docx

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sources"
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
SECONDS = 5.0
EXAMPLES = 300  # about 45 s here (3 commands each)


@pytest.fixture(scope="module")
def snapshot_parts(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("snapshot") / "sample.docx"
    export_docx(build_model(SAMPLE), out)
    return parts_of(out.read_bytes())


@pytest.fixture(scope="module")
def arena(tmp_path_factory):
    """A folder holding a copy of the sample site and a sentinel folder beside it."""
    root = tmp_path_factory.mktemp("arena")
    shutil.copytree(SAMPLE, root / "site")
    fresh_sentinel(root / "sentinel")
    return root


def fresh_sentinel(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "keep.md").write_text("---\ntitle: Keep\n---\n\nNothing may touch this.\n")


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
    }


def run_case(docx: bytes, arena: Path, refused: bool = False) -> list[str]:
    """Every rule the case breaks, as text (empty: it passed); `refused`: each command must exit 2. Puts
    the arena back as it was afterwards."""
    problems = []
    case = arena / "case.docx"
    case.write_bytes(docx)
    site, out = arena / "site", arena / "out"
    site_before, sentinel_before = digest(site), digest(arena / "sentinel")
    listing = sorted(p.name for p in arena.iterdir())
    commands = [
        ["sync", str(case), str(site)],
        ["sync", str(case), str(site), "--write", "--force", "--allow-delete", "--changes", "accept"],
        ["import", str(case), "-o", str(out), "--force"],
    ]
    try:
        for args in commands:
            start = time.perf_counter()
            result = CliRunner().invoke(cli, args)
            seconds = time.perf_counter() - start
            name = " ".join(args[:1] + args[3:4])
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                problems.append(f"{name}: {type(result.exception).__name__}: {result.exception}")
            elif result.exit_code not in ((2,) if refused else (0, 1, 2)):
                problems.append(f"{name}: exit status {result.exit_code}: {result.stderr[-300:]}")
            if "Traceback" in result.output:
                problems.append(f"{name}: a traceback: {result.output[-300:]}")
            if result.exit_code == 2 and len(result.stderr.strip().splitlines()) != 1:
                problems.append(f"{name}: exit 2 without exactly one line: {result.stderr[:300]}")
            if seconds > SECONDS:
                problems.append(f"{name}: took {seconds:.1f} s")
        site_after = digest(site)
        new = sorted(set(site_after) - set(site_before))
        if new:
            problems.append(f"new files in the site: {new}")
        changed = [k for k in site_before if site_after.get(k) != site_before[k]]
        if any(not (k.startswith("content/docs/") and k.endswith(".md")) for k in changed):
            problems.append(f"changed in the site, not a page: {changed}")
        if digest(arena / "sentinel") != sentinel_before:
            problems.append("the sentinel folder beside the site changed")
        if sorted(p.name for p in arena.iterdir() if p.name != "out") != listing:
            problems.append(f"the folder around the site changed: {sorted(p.name for p in arena.iterdir())}")
        if out.exists():
            stray = [p for p in out.rglob("*") if p.is_file() and p.parent not in (out, out / "images")]
            if stray:
                problems.append(f"aix import wrote outside DIR and DIR/images: {stray}")
    finally:  # the next case starts from the same state, even after an escape
        if digest(site) != site_before:
            shutil.rmtree(site)
            shutil.copytree(SAMPLE, site)
        if digest(arena / "sentinel") != sentinel_before:
            fresh_sentinel(arena / "sentinel")
        for stray in arena.iterdir():
            if stray.name in listing:
                continue
            if stray.is_dir() and not stray.is_symlink():
                shutil.rmtree(stray)
            else:
                stray.unlink()
    return problems


def has_dtd(recipe: list[list]) -> bool:
    """Whether the file keeps a DTD that a step put in: its part was there, and no later step rewrote or
    dropped it (an XML step writes the part again without the DTD). Then nothing may read the file."""
    kept: set[str] = set()
    gone: set[str] = set()
    for op, *args in recipe:
        touched = {STORE_PART, DOCUMENT} if op == "page" else {args[0]} if isinstance(args[0], str) else set()
        kept -= touched
        if op == "zdrop":
            gone |= touched
        elif op == "dtd" and args[0] not in gone:
            kept.add(args[0])
    return bool(kept)


def steps(names: list[str]):
    """One step of a recipe (docx_mutations), over the parts of the snapshot; document.xml most often."""
    from hypothesis import strategies as st

    xml = [n for n in names if n.endswith((".xml", ".rels"))]
    part, i = st.one_of(st.just("word/document.xml"), st.sampled_from(xml)), st.integers(0, 10**6)
    name = st.sampled_from(names)
    return st.one_of(
        st.tuples(st.just("drop"), part, i),
        st.tuples(st.just("dup"), part, i),
        st.tuples(st.just("move"), part, i, i),
        st.tuples(st.just("attr"), part, i, st.sampled_from(ATTRIBUTE_VALUES)),
        st.tuples(st.just("tag"), part, i, st.sampled_from(TAGS)),
        st.tuples(st.just("text"), part, i, st.sampled_from(TEXTS)),
        st.tuples(st.just("cut"), part, i),
        st.tuples(st.just("flip"), part, i, st.integers(1, 255)),
        st.tuples(st.just("insert"), part, i, st.sampled_from([s.decode("latin-1") for s in SNIPPETS])),
        st.tuples(
            st.just("dtd"), part, st.sampled_from(sorted(DTDS)), st.sampled_from(ENCODINGS), st.booleans()
        ),
        st.tuples(st.just("encode"), part, st.sampled_from(ENCODINGS), st.booleans()),
        st.tuples(st.just("store"), st.just(STORE_PART), i, st.sampled_from(VALUES), st.booleans()),
        st.tuples(
            st.just("page"),
            i,
            st.sampled_from(["path", "rel"]),
            st.sampled_from(HOSTILE_PATHS),
            st.booleans(),
            st.booleans(),
        ),
        st.tuples(st.just("zdrop"), name),
        st.tuples(st.just("zdup"), name, st.booleans()),
        st.tuples(st.just("zadd"), st.sampled_from(NAMES), name),
        st.tuples(st.just("zmethod"), name, st.sampled_from(sorted(METHODS))),
        st.tuples(st.just("size"), name, st.sampled_from([0, 1, 2**31, 2**32 - 1])),
        st.tuples(st.just("method"), name, st.sampled_from([0, 1, 8, 12, 14, 99])),
        st.tuples(st.just("flag"), name),
        st.tuples(st.just("crc"), name),
        st.tuples(st.just("zcut"), i),
        st.tuples(st.just("junk"), st.booleans()),
    ).map(list)


def it_survives_mutated_snapshots(snapshot_parts, arena, monkeypatch):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    monkeypatch.chdir(arena)  # a relative path that escaped would land here, and the listing would show it
    tried = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(steps(list(snapshot_parts)), min_size=1, max_size=3))
    def check(recipe):
        tried.append(recipe)
        problems = run_case(build(recipe, snapshot_parts, str(arena / "sentinel")), arena, has_dtd(recipe))
        assert not problems, f"recipe {json.dumps(recipe)}:\n" + "\n".join(problems)

    check()
    assert len(tried) >= EXAMPLES


@pytest.mark.parametrize("name", sorted(p.name for p in HOSTILE.glob("*.json")) if HOSTILE.is_dir() else [])
def it_survives_every_crasher_kept_in_the_hostile_corpus(name, snapshot_parts, arena):
    saved = json.loads((HOSTILE / name).read_text())
    docx = build(saved["recipe"], snapshot_parts, str(arena / "sentinel"))
    assert run_case(docx, arena, has_dtd(saved["recipe"])) == []

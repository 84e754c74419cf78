"""`make bench`: time aix on the real AI Exchange corpus and, where an issue names one, against its peer
measured in the same run. Prints figures; asserts nothing (timings do not belong in tests)."""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.check import check_site  # noqa: E402
from converter.pipeline import build_model  # noqa: E402


def timed(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def side_by_side(ours, peer, runs: int = 5) -> tuple[float, float]:
    """Median times of two commands run alternately, so that a busy machine weighs on both alike."""
    ours(), peer()  # warm caches and imports
    mine, theirs = [], []
    for _ in range(runs):
        for fn, times in ((peer, theirs), (ours, mine)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(mine), statistics.median(theirs)


def multiplied_site(source: Path, factor: int, into: Path) -> Path:
    """A copy of a site whose every page holds its body `factor` times (copies concatenated)."""
    shutil.copytree(source, into, ignore=shutil.ignore_patterns("static"))
    for p in build_model(source).pages:
        target = into / p.rel
        target.write_text(p.front_matter_raw + p.body * factor, encoding="utf-8")
    return into


def bench_load_check(corpus: Path) -> None:
    site_root = corpus / "aix-2026"
    build_model(site_root)  # warm imports and caches
    base = timed(lambda: check_site(build_model(site_root)))
    print(f"load+check aix-2026: {base:.3f} s (target < 1 s)")
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (2, 4):
            root = multiplied_site(site_root, factor, Path(tmp) / f"x{factor}")
            t = timed(lambda root=root: check_site(build_model(root)))
            print(
                f"load+check aix-2026 x{factor}: {t:.3f} s = {t / base:.2f}x the 1x time (linear: {factor}.00x)"
            )


def _concatenated(site_root: Path, into: Path) -> Path:
    """The site's pages as one Markdown file, the input of the plain-pandoc peer."""
    into.write_text("".join(p.raw + "\n" for p in build_model(site_root).pages), encoding="utf-8")
    return into


def _command(*args: str):
    """A command as a user runs it (interpreter start and imports included), for a fair race with pandoc."""
    import subprocess

    aix = Path(sys.executable).with_name("aix")
    return lambda: subprocess.run([str(aix), *args], check=True, capture_output=True)


def bench_docx(corpus: Path) -> None:
    from converter import pandoc

    site_root = corpus / "aix-2026"
    with tempfile.TemporaryDirectory() as tmp:
        md = _concatenated(site_root, Path(tmp) / "all.md")
        out = Path(tmp) / "plain.docx"
        ours, peer = side_by_side(
            _command("docx", str(site_root), "-o", str(Path(tmp) / "aix.docx")),
            lambda: pandoc.run(["-f", "gfm", "-t", "docx", str(md), "-o", str(out)]),
        )
    print(
        f"docx aix-2026: aix docx {ours:.2f} s, plain pandoc -f gfm -t docx {peer:.2f} s: "
        f"{ours / peer:.2f}x (target <= 1.5x)"
    )


def bench_sync(corpus: Path) -> None:
    from converter import pandoc

    site_root = corpus / "aix-2026"
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = Path(tmp) / "aix-2026.docx"
        _command("docx", str(site_root), "-o", str(snapshot))()
        out = Path(tmp) / "plain.md"
        ours, peer = side_by_side(
            _command("sync", str(snapshot), str(site_root)),
            lambda: pandoc.run(["-f", "docx", "-t", "gfm", str(snapshot), "-o", str(out)]),
        )
    print(
        f"sync aix-2026 (no edits): aix sync {ours:.2f} s, plain pandoc -f docx -t gfm {peer:.2f} s: "
        f"{ours / peer:.2f}x (target <= 1.0x)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--only", help="run one benchmark: load, docx, sync")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"bench: {args.corpus} is absent; nothing to measure", file=sys.stderr)
        return 1
    benches = {"load": bench_load_check, "docx": bench_docx, "sync": bench_sync}
    for name, bench in benches.items():
        if args.only in (None, name):
            bench(args.corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())

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


def bench_import(corpus: Path) -> None:
    """`aix import` of v11 beside plain pandoc docx->gfm of the same file, both as commands, same run;
    then the quality table for v4/v6/v8/v11 (tools/import_metrics.py has the definitions)."""
    import subprocess

    from import_metrics import print_table, table

    from converter import pandoc

    docx_path = corpus / "word" / "owaspaiexchange-v11.docx"
    aix = Path(sys.executable).with_name("aix")
    with tempfile.TemporaryDirectory() as tmp:
        ours = [str(aix), "import", str(docx_path), "-o", tmp, "--force"]
        theirs = [pandoc.path(), "--from=docx", "--to=gfm", str(docx_path), "-o", str(Path(tmp) / "p.md")]
        run = lambda cmd: subprocess.run(cmd, check=True, capture_output=True)  # noqa: E731
        run(ours), run(theirs)  # warm the file cache
        t_aix, t_pandoc = timed(lambda: run(ours), 7), timed(lambda: run(theirs), 7)
    print(
        f"import v11: aix import {t_aix:.3f} s, pandoc docx->gfm {t_pandoc:.3f} s "
        f"= {t_aix / t_pandoc:.2f}x (target <= 2x)"
    )
    print()
    print_table(table(corpus))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--only", help="run one benchmark: load, import")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"bench: {args.corpus} is absent; nothing to measure", file=sys.stderr)
        return 1
    benches = {"load": bench_load_check, "import": bench_import}
    for name, bench in benches.items():
        if args.only in (None, name):
            bench(args.corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())

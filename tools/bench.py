"""`make bench`: time aix on the real AI Exchange corpus and, where an issue names one, against its peer
measured in the same run. Prints figures; asserts nothing (timings do not belong in tests)."""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.pipeline import build_model  # noqa: E402
from converter.reports.check import check_site  # noqa: E402


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


class TreeMemory:
    """Peak of the summed resident memory of a process and all its descendants, sampled from /proc."""

    def __init__(self, pid: int, every: float = 0.02):
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree_rss(self) -> int:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
                rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
        tree, frontier = {self.pid}, [self.pid]
        while frontier:
            parent = frontier.pop()
            for pid, ppid in parents.items():
                if ppid == parent and pid not in tree:
                    tree.add(pid)
                    frontier.append(pid)
        return sum(rss.get(pid, 0) for pid in tree)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            time.sleep(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_measured(command: list[str], memory: bool = False) -> tuple[float, int, int]:
    """Wall time, peak summed memory of a command and everything it starts (bytes, sampled, when
    `memory`: sampling all of /proc every 20 ms takes CPU from the command, so timed runs do not sample),
    and the largest ru_maxrss among them (bytes, from wait4: the process and the children it waited for)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        sampler = TreeMemory(process.pid) if memory else None
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        peak = sampler.stop() if sampler is not None else 0
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            raise SystemExit(
                f"bench: {command[0]} failed ({process.returncode}): {err.read().decode()[-2000:]}"
            )
    return wall, peak, usage.ru_maxrss * 1024


def chromium_command(index: Path, pdf: Path, profile: Path) -> list[str]:
    return [
        shutil.which("chromium") or "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        index.as_uri(),
    ]


def bench_pdf(corpus: Path, runs: int = 3) -> None:
    """The aix-2026 release PDF against Chromium printing the same HTML: cold, one-section rebuild, memory."""
    if shutil.which("chromium") is None:
        print("bench pdf: chromium is not installed (make bench installs it)", file=sys.stderr)
        return
    aix = str(Path(sys.executable).parent / "aix")
    navigator = corpus / "navigator" / "owaspainavigator-2026.pdf"
    with tempfile.TemporaryDirectory(prefix="aix-bench-") as tmp:
        tmp = Path(tmp)
        site = tmp / "aix-2026"
        shutil.copytree(corpus / "aix-2026", site)
        subprocess.run([aix, "html", str(site), "-o", str(tmp / "html"), "-q"], check=True)
        index = tmp / "html" / "index.html"
        out = tmp / "out" / "aix-2026.pdf"
        build = [aix, "pdf", str(site), "-o", str(out), "-q", "--navigator", str(navigator)]
        build += ["--cache-dir", str(tmp / "cache")]
        cold, cold_mem, chrome, chrome_mem, maxrss = [], [], [], [], []
        for n in range(runs + 1):  # alternate, so that both see the same machine; the last run samples memory
            sample = n == runs
            wall, peak, largest = run_measured([*build, "--no-cache"], memory=sample)
            (cold_mem if sample else cold).append(peak if sample else wall)
            maxrss.append(largest)
            shutil.rmtree(tmp / "chromium", ignore_errors=True)
            command = chromium_command(index, tmp / "chromium.pdf", tmp / "chromium")
            wall, peak, _ = run_measured(command, memory=sample)
            (chrome_mem if sample else chrome).append(peak if sample else wall)
            if not sample:
                print(
                    f"  run {n + 1}: aix cold {cold[-1]:.1f} s, chromium {chrome[-1]:.1f} s", file=sys.stderr
                )
        from pypdf import PdfReader

        ours, theirs = len(PdfReader(out).pages), len(PdfReader(tmp / "chromium.pdf").pages)
        run_measured(build)  # fill the cache
        page = site / "content" / "docs" / "3_development_time_threats.md"
        lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if i > 100 and line[:1].isalpha() and len(line) > 80)
        edits = []
        for n in range(runs):  # a sentence added to one paragraph of one section
            edited = lines[:at] + [lines[at].rstrip("\n") + f" An edit, number {n}.\n"] + lines[at + 1 :]
            page.write_text("".join(edited), encoding="utf-8")
            edits.append(run_measured(build)[0])
        c, k, e = statistics.median(chrome), statistics.median(cold), statistics.median(edits)
        mb = 1 / 1e6
        print(
            f"pdf aix-2026 pages: aix {ours} (with the navigator page), chromium {theirs}; "
            f"{(ours - 1) / theirs - 1:+.1%} without the navigator (target within 3%)"
        )
        print(
            f"pdf aix-2026 cold (--no-cache): {k:.1f} s; chromium --print-to-pdf: {c:.1f} s; ratio {k / c:.2f} (target <= 2.0)"
        )
        print(
            f"pdf aix-2026 rebuild after editing one section: {e:.1f} s; ratio to chromium {e / c:.2f} (target <= 0.3)"
        )
        print(
            f"pdf peak memory, all processes summed: aix {max(cold_mem) * mb:.0f} MB (target <= 500), "
            f"chromium {max(chrome_mem) * mb:.0f} MB; largest single aix process (ru_maxrss) {max(maxrss) * mb:.0f} MB"
        )
        print(f"  medians of {runs} runs; cold runs {', '.join(f'{t:.1f}' for t in cold)} s")


def bench_handout(corpus: Path, runs: int = 3) -> None:
    """A one-section handout of aix-2026 (target < 3 s), as a command, and the prompt-injection handout
    with its controls."""
    aix = str(Path(sys.executable).parent / "aix")
    site = str(corpus / "aix-2026")
    with tempfile.TemporaryDirectory(prefix="aix-bench-") as tmp:
        for args, what in (
            (["2.4"], "one section (2.4 Model exfiltration)"),
            (["go:promptinjection"], "one section (go:promptinjection)"),
            (["go:promptinjection", "--with-controls"], "go:promptinjection --with-controls"),
        ):
            command = [aix, "handout", site, *args, "-o", f"{tmp}/h.pdf", "-q"]
            times = [run_measured(command)[0] for _ in range(runs)]
            pages = len(__import__("pypdf").PdfReader(f"{tmp}/h.pdf").pages)
            print(
                f"handout aix-2026 {what}: {statistics.median(times):.2f} s, {pages} pages (target < 3 s for one section)"
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
    parser.add_argument("--only", help="run one benchmark: load, import, pdf, handout, docx or sync")
    parser.add_argument("--runs", type=int, default=3, help="runs per timing (pdf)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"bench: {args.corpus} is absent; nothing to measure", file=sys.stderr)
        return 1
    benches = {
        "load": bench_load_check,
        "import": bench_import,
        "pdf": lambda corpus: bench_pdf(corpus, args.runs),
        "handout": lambda corpus: bench_handout(corpus, args.runs),
        "docx": bench_docx,
        "sync": bench_sync,
    }
    if args.only is not None and args.only not in benches:
        parser.error(f"--only takes one of {', '.join(benches)}")
    # The package byte-compiled, as installing a wheel leaves it: an editable install under
    # PYTHONDONTWRITEBYTECODE compiles every module again on each start (0.1 s of a PDF rebuild).
    compileall.compile_dir(ROOT / "converter", quiet=1)
    for name, bench in benches.items():
        if args.only in (None, name):
            bench(args.corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())

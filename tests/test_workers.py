"""The render workers: they end with their parent however it ends, a part that runs past its time budget is
stopped and named, and SIGTERM ends a build as cleanly as Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_site

from converter.__main__ import cli
from converter.pdf.workers import Workers

ROOT = Path(__file__).resolve().parent.parent
AIX = ROOT / ".venv" / "bin" / "aix"


def children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _state(int(entry)) not in (None, "Z"):
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _state(pid: int) -> str | None:
    """A process's state letter; None when it is gone (a zombie, 'Z', has ended but is not reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def alive(pids: list[int]) -> list[int]:
    return [pid for pid in pids if _state(pid) not in (None, "Z")]


def wait_for(condition, timeout: float = 60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


def gone(pids: list[int], timeout: float = 10.0) -> bool:
    return wait_for(lambda: not alive(pids), timeout) or not alive(pids)


SLOW = "*a" * 4000  # a part WeasyPrint takes many seconds over: the build is surely still running


@pytest.fixture
def building(tmp_path):
    """`aix pdf` of a site with a slow page, cold, in its own process group and with its own TMPDIR;
    yields it and its workers once at least one worker is running."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc")
    pages = {f"content/docs/{n}.md": f"---\ntitle: P{n}\nweight: {n}\n---\nText {n}.\n" for n in (1, 2)}
    site = write_site(tmp_path / "site", {**pages, "content/docs/slow.md": f"---\ntitle: S\n---\n{SLOW}\n"})
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen(
        [str(AIX), "pdf", str(site), "--no-cache", "--jobs", "2", "-o", str(tmp_path / "out" / "x.pdf")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    workers = wait_for(lambda: children(proc.pid))
    assert workers, "no worker started"
    time.sleep(1.0)  # into the build: WeasyPrint loaded, parts being rendered
    workers = children(proc.pid)
    yield proc, workers, tmp
    for pid in alive([proc.pid, *workers]):  # only what this test started
        os.kill(pid, signal.SIGKILL)
    proc.communicate(timeout=60)


def it_leaves_no_worker_behind_when_the_build_is_killed(building):
    proc, workers, _ = building
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert gone(workers), f"workers {alive(workers)} outlived their parent"


def it_ends_on_sigterm_as_on_ctrl_c(building):
    proc, workers, tmp = building
    os.kill(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and err.decode().strip() == "Aborted!", err
    assert gone(workers)
    assert list(tmp.iterdir()) == []  # the temporary folder of the cold build is gone


LIFELINE_ONLY = """
import ctypes, os, sys, time
sys.path.insert(0, {root!r})
def no_prctl(*args, **kwargs):
    raise OSError("no prctl here")
ctypes.CDLL = no_prctl  # only the lifeline pipe can end the worker
from converter.pdf.workers import Workers
workers = Workers(time.sleep)
workers.start(1)
workers.submit(3600)
print(workers.workers[0].process.pid, flush=True)
time.sleep(3600)
"""


def it_ends_a_worker_by_its_lifeline_where_there_is_no_parent_death_signal():
    script = LIFELINE_ONLY.format(root=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, start_new_session=True)
    worker = int(proc.stdout.readline())
    assert alive([worker])
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    try:
        assert gone([worker]), "the worker outlived its parent"
    finally:
        if alive([worker]):
            os.kill(worker, signal.SIGKILL)


def _nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def it_stops_a_job_past_its_time_budget_and_goes_on_with_the_others():
    with Workers(_nap, timeout=1.0) as workers:
        workers.start(1)
        for job in (0.1, 600, 0.2):
            workers.submit(job)
        first = workers.workers[0].process.pid
        outcomes = {o.job: o for o in workers.results()}
        assert outcomes[0.1].value == 0.1 and outcomes[0.2].value == 0.2
        assert outcomes[600].error == "rendering took longer than 1 s"
        assert gone([first]) and len(workers.workers) == 1


@pytest.mark.parametrize(
    "command, message",
    [
        (["pdf"], "content/docs/slow.md:4: error: rendering took longer than 1 s (--page-timeout)\n"),
        (
            ["handout", "docs/slow.md"],
            "content/docs/slow.md:2: error: the handout: rendering took longer than 1 s (--page-timeout)\n",
        ),
    ],
)
def it_names_the_page_that_takes_too_long(tmp_path, command, message):
    body = "*a" * 3000  # WeasyPrint lays out one unbreakable word of many inline boxes in quadratic time
    root = write_site(tmp_path / "site", {"content/docs/slow.md": f"---\ntitle: Slow\n---\n{body}\n"})
    out = tmp_path / "x.pdf"
    args = [command[0], str(root), *command[1:], "-o", str(out), "--page-timeout", "1", "-q"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert result.stderr == message, result.stderr
    assert not out.exists()


@pytest.mark.parametrize("command", [["pdf"], ["handout", "docs/deep.md"]])
def it_refuses_html_nested_too_deeply_to_lay_out(tmp_path, command):
    body = "<div>" * 2000 + "deep" + "</div>" * 2000
    page = textwrap.dedent("---\ntitle: Deep\n---\n") + body + "\n"
    root = write_site(tmp_path / "site", {"content/docs/deep.md": page})
    args = [command[0], str(root), *command[1:], "-o", str(tmp_path / "x.pdf"), "-q"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("content/docs/deep.md:") and "nested too deeply" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output

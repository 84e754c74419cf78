"""Worker processes that render parts, started before the sources are read so that WeasyPrint's import
and font set-up overlap with reading them.

Plain forked processes, each with its own pipe: the parent starts no thread, so a worker added later is
still forked from a single-threaded process. Jobs go to idle workers as they are submitted. Every job
ends in an Outcome: its result, or why it failed (an exception, a worker that died, a job that ran past
the time budget, whose worker is killed and replaced). Workers end with their parent, however it ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

_CONTEXT = multiprocessing.get_context("fork")
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_parent(parent: int, lifeline: tuple[int, int]) -> None:
    """End this process when the parent does, even by SIGKILL: Linux's parent-death signal (checked against
    the parent's pid right after, in case the parent died first), and on every system a thread that waits
    for the end of the lifeline pipe, whose write end only the parent holds open."""
    read_end, write_end = lifeline
    os.close(write_end)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch, args=(read_end,), daemon=True).start()


def _watch(read_end: int) -> None:
    while os.read(read_end, 1):  # nothing is ever written: this returns only at the end of the pipe
        pass
    os._exit(1)


def describe(e: BaseException) -> str:
    """An exception in one line, for the parent's error message."""
    if isinstance(e, RecursionError):
        return "its HTML is nested too deeply to lay out (Python's recursion limit)"
    if isinstance(e, OSError):
        reason = e.strerror or str(e) or type(e).__name__
        return f"{e.filename}: {reason}" if e.filename else reason
    return f"{type(e).__name__}: {e}"


def _serve(
    conn: Connection,
    work: Callable[[Any], Any],
    warm: Callable[[], None] | None,
    parent: int,
    lifeline: tuple[int, int],
) -> None:
    _die_with_parent(parent, lifeline)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if warm is not None:
        warm()
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            job = None
        if job is None:
            os._exit(0)
        try:
            conn.send(("ok", work(job)))
        except BaseException as e:  # reported to the parent, which names the part that failed
            conn.send(("error", (describe(e), 2 if isinstance(e, RecursionError) else 1)))


@dataclass(slots=True)
class Outcome:
    job: Any
    value: Any = None
    error: str | None = None  # why the job failed
    code: int = 1  # the exit status it calls for: 2 when the input itself cannot be rendered


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    job: Any = None
    ready: bool = False  # warmed up: a job's time starts when both it is sent and the worker is ready
    deadline: float | None = None


class Workers:
    def __init__(
        self,
        work: Callable[[Any], Any],
        warm: Callable[[], None] | None = None,
        timeout: float | None = None,
    ):
        self.work, self.warm, self.timeout = work, warm, timeout
        self.workers: list[_Worker] = []
        self._pending: deque = deque()
        self._idle: list[_Worker] = []
        self._busy: dict[Connection, _Worker] = {}
        self._lifeline: tuple[int, int] | None = None

    def start(self, count: int) -> None:
        """Have `count` workers running (more are forked as asked; none are stopped)."""
        if self._lifeline is None:
            self._lifeline = os.pipe()
        while len(self.workers) < count:
            parent, child = _CONTEXT.Pipe()
            args = (child, self.work, self.warm, os.getpid(), self._lifeline)
            process = _CONTEXT.Process(target=_serve, args=args, daemon=True)
            process.start()
            child.close()
            self.workers.append(_Worker(process, parent))
            self._idle.insert(0, self.workers[-1])

    def submit(self, job: Any) -> None:
        """Queue a job; an idle worker takes it at once."""
        self._pending.append(job)
        self._dispatch()

    def order(self, key: Callable[[Any], Any]) -> None:
        """Order the jobs no worker has taken yet (longest first keeps both workers busy to the end)."""
        self._pending = deque(sorted(self._pending, key=key))

    def results(self) -> Iterator[Outcome]:
        """An Outcome per job as each ends, until every job submitted has ended."""
        while self._pending or self._busy:
            self._dispatch()
            busy = self._busy
            ready = wait([*busy, *(w.process.sentinel for w in busy.values())], self._wait_time())
            for conn in [c for c in ready if c in busy]:
                worker = busy[conn]
                try:
                    kind, value = conn.recv()
                except EOFError:
                    yield self._lost(
                        worker, f"the renderer process died (exit code {worker.process.exitcode})"
                    )
                    continue
                if kind == "ready":
                    self._started(worker)
                    continue
                busy.pop(conn)
                self._idle.append(worker)
                job, worker.job, worker.deadline = worker.job, None, None
                self._dispatch()  # before the caller spends time on the outcome
                yield Outcome(job, value) if kind == "ok" else Outcome(job, None, *value)
            for worker in list(busy.values()):
                if worker.process.sentinel in ready and not worker.conn.poll():
                    yield self._lost(
                        worker, f"the renderer process died (exit code {worker.process.exitcode})"
                    )
                elif worker.deadline is not None and time.monotonic() > worker.deadline:
                    yield self._lost(worker, f"rendering took longer than {self.timeout:g} s")

    def _wait_time(self) -> float | None:
        deadlines = [w.deadline for w in self._busy.values() if w.deadline is not None]
        return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None

    def _started(self, worker: _Worker) -> None:
        worker.ready = True
        if worker.job is not None and self.timeout:
            worker.deadline = time.monotonic() + self.timeout

    def _lost(self, worker: _Worker, why: str) -> Outcome:
        """Stop a worker that died or ran out of time; a fresh one takes the jobs still waiting."""
        self._busy.pop(worker.conn, None)
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self.workers.remove(worker)
        if self._pending:
            self.start(len(self.workers) + 1)
        return Outcome(worker.job, None, why)

    def _dispatch(self) -> None:
        while self._idle and self._pending:
            worker = self._idle.pop()
            worker.job = self._pending.popleft()
            worker.conn.send(worker.job)
            self._busy[worker.conn] = worker
            if worker.ready and self.timeout:
                worker.deadline = time.monotonic() + self.timeout

    def close(self) -> None:
        """Stop the workers at once: they keep nothing worth waiting for (a part is in the cache only once
        its metadata is written, last), and one may still be loading WeasyPrint."""
        for worker in self.workers:
            worker.process.kill()
        for worker in self.workers:
            worker.process.join()
            worker.conn.close()
        self.workers, self._idle, self._busy, self._pending = [], [], {}, deque()
        if self._lifeline is not None:
            for fd in self._lifeline:
                os.close(fd)
            self._lifeline = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

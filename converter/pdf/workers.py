"""Worker processes that render parts, started before the sources are read so that WeasyPrint's import
and font set-up overlap with reading them.

Plain forked processes, each with its own pipe: the parent starts no thread, so a worker added later is
still forked from a single-threaded process. Jobs go to idle workers as they are submitted; a worker
that dies (killed, out of memory) fails the build with a message instead of hanging it.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

_CONTEXT = multiprocessing.get_context("fork")


def _serve(conn: Connection, work: Callable[[Any], Any], warm: Callable[[], None] | None) -> None:
    if warm is not None:
        warm()
    while True:
        try:
            job = conn.recv()
        except EOFError:
            job = None
        if job is None:
            os._exit(0)
        try:
            conn.send((True, work(job)))
        except BaseException as e:  # reported to the parent, which fails the build
            conn.send((False, f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=4)}"))


class WorkerError(RuntimeError):
    pass


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection


class Workers:
    def __init__(self, work: Callable[[Any], Any], warm: Callable[[], None] | None = None):
        self.work, self.warm = work, warm
        self.workers: list[_Worker] = []
        self._pending: deque = deque()
        self._idle: list[_Worker] = []
        self._busy: dict[Connection, _Worker] = {}

    def start(self, count: int) -> None:
        """Have `count` workers running (more are forked as asked; none are stopped)."""
        while len(self.workers) < count:
            parent, child = _CONTEXT.Pipe()
            process = _CONTEXT.Process(target=_serve, args=(child, self.work, self.warm), daemon=True)
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

    def results(self) -> Iterator[Any]:
        """Results as they come, until every job submitted is done."""
        while self._pending or self._busy:
            self._dispatch()
            busy = self._busy
            ready = wait([*busy, *(w.process.sentinel for w in busy.values())])
            for conn in [c for c in ready if c in busy]:
                try:
                    ok, value = conn.recv()
                except EOFError:
                    raise WorkerError(
                        f"a renderer process died (exit code {busy[conn].process.exitcode})"
                    ) from None
                self._idle.append(busy.pop(conn))
                if not ok:
                    raise WorkerError(value)
                yield value
            for worker in busy.values():
                if worker.process.sentinel in ready and not worker.conn.poll():
                    raise WorkerError(f"a renderer process died (exit code {worker.process.exitcode})")

    def _dispatch(self) -> None:
        while self._idle and self._pending:
            worker = self._idle.pop()
            worker.conn.send(self._pending.popleft())
            self._busy[worker.conn] = worker

    def close(self) -> None:
        """Stop the workers at once: they keep nothing worth waiting for (a part is in the cache only once
        its metadata is written, last), and one may still be loading WeasyPrint."""
        for worker in self.workers:
            worker.process.kill()
        for worker in self.workers:
            worker.process.join()
            worker.conn.close()
        self.workers, self._idle, self._busy, self._pending = [], [], {}, deque()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

"""Worker processes that render parts, started before the sources are read so that WeasyPrint's import
and font set-up overlap with reading them.

Plain forked processes, each with its own pipe: the parent starts no thread, so a worker added later is
still forked from a single-threaded process. Jobs go to idle workers, longest first as given; a worker
that dies (killed, out of memory) fails the build with a message instead of hanging it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
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
            return
        if job is None:
            return
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

    def start(self, count: int) -> None:
        """Have `count` workers running (more are forked as asked; none are stopped)."""
        while len(self.workers) < count:
            parent, child = _CONTEXT.Pipe()
            process = _CONTEXT.Process(target=_serve, args=(child, self.work, self.warm), daemon=True)
            process.start()
            child.close()
            self.workers.append(_Worker(process, parent))

    def map_unordered(self, jobs: list) -> Iterator[Any]:
        """Results as they come; each job goes to the next idle worker, in the order given."""
        pending = deque(jobs)
        idle = list(reversed(self.workers))
        busy: dict[Connection, _Worker] = {}
        while pending or busy:
            while idle and pending:
                worker = idle.pop()
                worker.conn.send(pending.popleft())
                busy[worker.conn] = worker
            ready = wait([*busy, *(w.process.sentinel for w in busy.values())])
            for conn in [c for c in ready if c in busy]:
                try:
                    ok, value = conn.recv()
                except EOFError:
                    raise WorkerError(
                        f"a renderer process died (exit code {busy[conn].process.exitcode})"
                    ) from None
                idle.append(busy.pop(conn))
                if not ok:
                    raise WorkerError(value)
                yield value
            for worker in busy.values():
                if worker.process.sentinel in ready and not worker.conn.poll():
                    raise WorkerError(f"a renderer process died (exit code {worker.process.exitcode})")

    def close(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers = []

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

"""Executors: how a job driver maps one function over many items.

Every job (triage of a library, a campaign's oracle calls, a batch of energies) has one
driver, a plain function that takes an :class:`Executor`. The CLI runs the driver with a
:class:`SerialExecutor` or a :class:`ProcessExecutor`; the Prefect flows pass their own
executor (each call a task, under a concurrency limit, with retries), so no loop is written
twice.

The contract: ``executor.map(fn, items)`` yields ``fn(item)`` for every item **in input
order**, consuming ``items`` lazily with a bounded number of calls in flight, so memory stays
flat in the number of items. An exception of ``fn`` is raised by ``map`` when that item's
result is reached; calls not yet started are cancelled.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Maps a function over items, results in input order (see the module docstring)."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...


class SerialExecutor:
    """Runs every call in this process, one after another."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)


_WORKER_FN: dict[str, Callable[[Any], Any]] = {}


def is_process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (Linux ``/proc``; elsewhere: exists)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return True


def _exit_when_orphaned(owner_pid: int, poll_seconds: float) -> None:
    while True:
        time.sleep(poll_seconds)
        if not is_process_alive(owner_pid):
            os._exit(1)


def start_orphan_watchdog(owner_pid: int, poll_seconds: float = 0.5) -> None:
    """In a worker process: exit within a second once ``owner_pid`` (the process that started
    the pool) is gone — killed, crashed, Ctrl-C'd — so no worker computes on for minutes
    reparented to init. The parent process id does not tell: forkserver workers are the
    forkserver's children, and it outlives the owner while they hold its pipe. Every qdp
    process pool calls this in its worker initializer."""
    watchdog = threading.Thread(
        target=_exit_when_orphaned,
        args=(owner_pid, poll_seconds),
        name="qdp-orphan-watchdog",
        daemon=True,
    )
    watchdog.start()


def _install_fn(fn: Callable[[Any], Any], owner_pid: int) -> None:
    _WORKER_FN["fn"] = fn
    start_orphan_watchdog(owner_pid)


def _call_installed(item: Any) -> Any:
    return _WORKER_FN["fn"](item)


class ProcessExecutor:
    """Runs calls in ``n_workers`` worker processes, ``window_per_worker`` calls in flight each.

    The function is sent to each worker once, when the pool starts (not with every item), so
    a function that carries large state (e.g. GNN weights in a ``functools.partial``) costs
    one transfer per worker. It must be picklable: a module-level function, or a
    ``functools.partial`` of one.

    Args:
        n_workers: worker processes (>= 1).
        start_method: ``"forkserver"`` (default: safe in threaded callers such as Prefect
            tasks; like ``"spawn"`` it re-imports the caller's ``__main__``, so scripts need
            an ``if __name__ == "__main__":`` guard), ``"spawn"`` or ``"fork"``.
        preload: modules the forkserver imports once, before forking workers.
        window_per_worker: calls in flight per worker.
    """

    def __init__(
        self,
        n_workers: int,
        *,
        start_method: str = "forkserver",
        preload: Iterable[str] = (),
        window_per_worker: int = 2,
    ) -> None:
        if n_workers < 1:
            raise ValueError(f"n_workers must be >= 1, got {n_workers}")
        self.n_workers = n_workers
        self.start_method = start_method
        self.preload = list(preload)
        self.window = max(1, window_per_worker) * n_workers

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        context = get_context(self.start_method)
        if self.start_method == "forkserver" and self.preload:
            context.set_forkserver_preload(self.preload)
        pending: deque[Future[R]] = deque()
        with ProcessPoolExecutor(
            max_workers=self.n_workers,
            mp_context=context,
            initializer=_install_fn,
            initargs=(fn, os.getpid()),
        ) as pool:
            try:
                for item in items:
                    pending.append(pool.submit(_call_installed, item))
                    if len(pending) >= self.window:
                        yield pending.popleft().result()
                while pending:
                    yield pending.popleft().result()
            finally:  # consumer stopped early, or an error: do not run the queued calls
                for future in pending:
                    future.cancel()

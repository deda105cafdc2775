"""The Prefect executor: the job drivers' ``map`` with every call a Prefect task.

Each call becomes a task run (visible in the UI, retried on infrastructure failures, run by
the task runner it is given: threads, processes or a Dask cluster, built from the settings by
:func:`flows.runners.make_task_runner`) and, with ``limit``, holds one slot of a global
concurrency limit while it runs. Results come back in input order with a
bounded number of calls in flight, exactly as :mod:`molecules.executors` promises, so the
drivers cannot tell it from a local executor.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import concurrency
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner

T = TypeVar("T")
R = TypeVar("R")


@task(name="qdp-call", cache_policy=NO_CACHE)
def _call(fn: Callable[[Any], Any], item: Any, limit: str | None) -> Any:
    if limit is None:
        return fn(item)
    with concurrency(limit, occupy=1, strict=True):
        return fn(item)


class PrefectExecutor:
    """Runs each call as a task named ``name``.

    Args:
        name: the task name shown in the UI (``triage-chunk``, ``oracle``, ``energy``).
        runner: the started task runner the calls go to (the flow enters it with ``with``),
            so a deployed run and a local one use the runner of their settings alike.
        limit: a global concurrency limit each call holds one slot of (must exist: see
            :func:`flows.limits.ensure_concurrency_limit`), or ``None``.
        window: calls in flight at most (submitted but not yet returned).
        retries: retries of a call that raised (infrastructure failures; a molecule whose
            calculation fails is a result, not an exception).
        retry_delay_seconds: wait before each retry.
        timeout_seconds: a call running longer fails (and is retried), or ``None``.
    """

    def __init__(
        self,
        name: str,
        runner: TaskRunner[Any],
        *,
        limit: str | None = None,
        window: int = 4,
        retries: int = 0,
        retry_delay_seconds: float = 5.0,
        timeout_seconds: float | None = None,
    ) -> None:
        self.name = name
        self.runner = runner
        self.limit = limit
        self.window = max(1, window)
        self.task = _call.with_options(
            name=name,
            task_run_name=name,
            retries=retries,
            retry_delay_seconds=retry_delay_seconds,
            timeout_seconds=timeout_seconds,
        )

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pending: deque[PrefectFuture[R]] = deque()
        for item in items:
            parameters = {"fn": fn, "item": item, "limit": self.limit}
            pending.append(self.runner.submit(self.task, parameters))
            if len(pending) >= self.window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

"""Choose the Prefect task runner from settings: threads, processes, or a Dask cluster."""

from __future__ import annotations

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from pipeline.config import FlowSettings


def make_task_runner(settings: FlowSettings) -> TaskRunner:
    """The task runner named by ``settings.task_runner``.

    ``dask`` connects to ``settings.dask_address`` when given (an existing scheduler, e.g.
    ``tcp://scheduler:8786``), else starts a local cluster of ``max_workers`` processes with
    one thread each (PySCF and the VQE engine are CPU-bound and release no GIL between
    molecules).
    """
    if settings.task_runner == "threads":
        return ThreadPoolTaskRunner(max_workers=settings.max_workers)
    if settings.task_runner == "processes":
        return ProcessPoolTaskRunner(max_workers=settings.max_workers)
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": settings.max_workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
        }
    )


def task_timeout(settings: FlowSettings) -> float | None:
    """``task_timeout_seconds``, except on the thread runner, where Prefect cannot interrupt
    a running call (it would only warn on every task)."""
    return None if settings.task_runner == "threads" else settings.task_timeout_seconds

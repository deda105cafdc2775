"""Micro-batching of prediction requests.

Under concurrent load most ``/v1/predict`` calls carry one SMILES, and per call the fixed
costs (a graph batch, five network passes, a similarity search) dwarf the per-molecule
work. The batcher queues requests for the same model version, and while one batch computes
on a worker thread the next one fills up; each batch is featurized and predicted once and
its results handed back to the waiting requests in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi.concurrency import run_in_threadpool

from pipeline.services.predictions import PredictionItem

#: computes predictions for a list of SMILES with model ``version`` (None = newest);
#: returns the version used and one item per SMILES.
BatchCompute = Callable[[list[str], int | None], tuple[int, list[PredictionItem]]]


@dataclass
class _Pending:
    smiles: list[str]
    version: int | None
    done: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class PredictionBatcher:
    """Merge concurrent prediction requests into batches of at most ``max_molecules``."""

    def __init__(self, compute: BatchCompute, max_molecules: int = 256) -> None:
        self._compute = compute
        self._max = max_molecules
        self._queue: asyncio.Queue[_Pending] | None = None
        self._worker: asyncio.Task | None = None

    async def predict(
        self, smiles: list[str], version: int | None
    ) -> tuple[int, list[PredictionItem]]:
        """Queue one request and wait for its share of a batch."""
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._run())
        pending = _Pending(smiles, version)
        await self._queue.put(pending)
        return await pending.done

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            batch = [await self._queue.get()]
            size = len(batch[0].smiles)
            while not self._queue.empty() and size < self._max:
                nxt = self._queue.get_nowait()
                batch.append(nxt)
                size += len(nxt.smiles)
            for version in {p.version for p in batch}:
                await self._compute_group([p for p in batch if p.version == version], version)

    async def _compute_group(self, group: list[_Pending], version: int | None) -> None:
        merged = [s for p in group for s in p.smiles]
        try:
            used, items = await run_in_threadpool(self._compute, merged, version)
        except Exception as exc:  # noqa: BLE001 - every waiting request gets the error
            for p in group:
                if not p.done.done():
                    p.done.set_exception(exc)
            return
        start = 0
        for p in group:
            if not p.done.done():
                p.done.set_result((used, items[start : start + len(p.smiles)]))
            start += len(p.smiles)

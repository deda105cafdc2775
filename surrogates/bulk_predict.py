"""Predict for long SMILES lists: parse once, per-item errors, fingerprints on several processes.

:meth:`BaseSurrogate.predict` raises if any SMILES is bad and parses on one core. Here
every SMILES is parsed once; one that RDKit rejects gets an error and the rest go on.
Molecules run in chunks of ``chunk_size``: with ``workers > 1`` and a fingerprint model
(``rf``, ``gp``), worker processes and this one share the chunks; each featurizes, predicts
and scores novelty for whole chunks (SMILES parsing holds the GIL: threads would not help).
Graph models (``dmpnn``) stay in this process (torch runs its own threads).

Workers are forked when this process runs a single Python thread (they start in
milliseconds); otherwise (a server, a Prefect flow) they come from a ``forkserver``, which
does not copy a process that other threads may be in the middle of changing, at the cost
of about a second to start (and, as with ``spawn``, a re-import of the caller's
``__main__``: scripts need an ``if __name__ == "__main__":`` guard). A worker that dies
leaves its chunk to this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

from molecules.executors import start_orphan_watchdog
from surrogates.base import BaseSurrogate
from surrogates.errors import NotFittedError
from surrogates.featurize import PARSE_FAILED

INVALID_SMILES = "invalid SMILES"


@dataclass(frozen=True)
class BulkPredictions:
    """Predictions for ``n`` SMILES; rows with an error hold NaN (and ``is_novel`` False).

    Attributes:
        mean, std: float64 ``(n,)``, target units.
        max_similarity: float64 ``(n,)``, Tanimoto to the nearest training molecule.
        is_novel: bool ``(n,)``, ``max_similarity`` below the model's novelty threshold.
        errors: ``n`` entries, ``None`` or why the molecule has no prediction.
    """

    mean: np.ndarray
    std: np.ndarray
    max_similarity: np.ndarray
    is_novel: np.ndarray
    errors: list[str | None]

    @classmethod
    def concatenate(cls, parts: Sequence[BulkPredictions]) -> BulkPredictions:
        """The predictions of consecutive chunks as one."""
        if not parts:
            return _blank(0)
        return cls(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in _ARRAY_FIELDS),
            errors=[e for p in parts for e in p.errors],
        )


_ARRAY_FIELDS = ("mean", "std", "max_similarity", "is_novel")


def _blank(n: int) -> BulkPredictions:
    nan = np.full(n, np.nan)
    return BulkPredictions(nan, nan.copy(), nan.copy(), np.zeros(n, dtype=bool), [None] * n)


def _predict_chunk(model: BaseSurrogate, smiles: Sequence[str]) -> BulkPredictions:
    """Featurize (each SMILES parsed once), predict and score novelty for one chunk."""
    features, rows, failures = model.featurize_each(smiles)
    out = _blank(len(smiles))
    for i, reason in failures.items():
        out.errors[i] = INVALID_SMILES if reason == PARSE_FAILED else f"cannot featurize: {reason}"
    if len(features):
        out.mean[rows], out.std[rows] = model.predict_features(features)
        near = model.novelty(features)
        out.max_similarity[rows], out.is_novel[rows] = near.max_similarity, near.is_novel
    return out


_WORKER_MODEL: list[BaseSurrogate] = []


def _init_worker(model: BaseSurrogate, owner_pid: int) -> None:
    _WORKER_MODEL[:] = [model]
    start_orphan_watchdog(owner_pid)


def _predict_chunk_in_worker(smiles: list[str]) -> BulkPredictions:
    return _predict_chunk(_WORKER_MODEL[0], smiles)


def _results_shared(
    model: BaseSurrogate, chunks: list[list[str]], workers: int
) -> list[BulkPredictions]:
    """Chunk results, computed by ``workers`` processes and by this one.

    Workers take chunks from the front; this process takes them from the back while they
    are still waiting, so the workers' start-up (a new interpreter importing RDKit) costs no
    idle time and short inputs finish here. Each worker receives the model once (pickled
    between our own processes).
    """
    if threading.active_count() == 1:  # nothing to inherit mid-operation: fork is safe
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["surrogates.bulk_predict"])
    results: list[BulkPredictions | None] = [None] * len(chunks)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(model, os.getpid()),
    ) as pool:
        futures = [pool.submit(_predict_chunk_in_worker, chunk) for chunk in chunks]
        for k in reversed(range(len(chunks))):
            if not futures[k].cancel():  # a worker has it, and every chunk before it
                break
            results[k] = _predict_chunk(model, chunks[k])
        for k, future in enumerate(futures):
            if results[k] is None:
                try:
                    results[k] = future.result()
                except BrokenProcessPool:  # a worker died (e.g. killed for memory): go on here
                    results[k] = _predict_chunk(model, chunks[k])
    return [r for r in results if r is not None]


def predict_bulk(
    model: BaseSurrogate,
    smiles: Sequence[str],
    *,
    workers: int = 1,
    chunk_size: int = 4096,
) -> BulkPredictions:
    """Mean, std and novelty for every SMILES, with per-item errors.

    Args:
        model: a fitted or loaded surrogate.
        smiles: ``n`` SMILES.
        workers: worker processes beside this one (fingerprint models only); 1 runs every
            chunk here.
        chunk_size: molecules per chunk.
    """
    if not model.is_fitted:
        raise NotFittedError(f"{model.name!r} surrogate is not fitted; call fit() or load()")
    chunks = [list(smiles[i : i + chunk_size]) for i in range(0, len(smiles), chunk_size)]
    if workers > 1 and not model.uses_graphs and len(chunks) > 1:
        return BulkPredictions.concatenate(_results_shared(model, chunks, workers))
    return BulkPredictions.concatenate([_predict_chunk(model, chunk) for chunk in chunks])

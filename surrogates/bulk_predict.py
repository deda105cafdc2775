"""Predict for long SMILES lists: parse once, per-item errors, fingerprints on several processes.

:meth:`BaseSurrogate.predict` raises on the first bad SMILES and parses on one core. Here
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
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np
from rdkit import Chem, RDLogger

from molecules.gnn.featurize import dmpnn_arrays
from surrogates.base import BaseSurrogate, FeatureSet
from surrogates.errors import NotFittedError
from surrogates.featurize import fingerprints_of, mol_from_smiles

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


@dataclass(frozen=True)
class FeaturizedChunk:
    """Features of the parsable molecules of one chunk (positions relative to the chunk)."""

    features: FeatureSet
    positions: np.ndarray
    errors: dict[int, str]


def parse_each(
    smiles: Sequence[str], *, fingerprint_only: bool = False
) -> tuple[list[Chem.Mol], list[int], dict[int, str]]:
    """Parse every SMILES once: ``(molecules, their positions, {position: error})``.

    ``fingerprint_only``: see :func:`surrogates.featurize.mol_from_smiles`.
    """
    RDLogger.DisableLog("rdApp.*")
    mols, positions, errors = [], [], {}
    for i, s in enumerate(smiles):
        mol = mol_from_smiles(s, fingerprint_only=fingerprint_only)
        if mol is None or mol.GetNumAtoms() == 0:
            errors[i] = INVALID_SMILES
        else:
            mols.append(mol)
            positions.append(i)
    return mols, positions, errors


def featurize_lenient(model: BaseSurrogate, smiles: Sequence[str]) -> FeaturizedChunk:
    """:meth:`BaseSurrogate.featurize` that records failures instead of raising."""
    mols, positions, errors = parse_each(smiles, fingerprint_only=not model.uses_graphs)
    graphs = None
    if model.uses_graphs:
        arrays, ok = dmpnn_arrays(mols)
        for k in np.flatnonzero(~ok):
            errors[positions[k]] = "cannot featurize: DMPNN featurization failed"
        mols = [m for m, good in zip(mols, ok, strict=True) if good]
        positions = [p for p, good in zip(positions, ok, strict=True) if good]
        graphs = tuple(arrays)
    s = model.settings
    features = FeatureSet(
        smiles=tuple(smiles[p] for p in positions),
        fingerprints=fingerprints_of(mols, s.fp_radius, s.fp_bits),
        graphs=graphs,
    )
    return FeaturizedChunk(features, np.asarray(positions, dtype=np.int64), errors)


@dataclass(frozen=True)
class _ChunkResult:
    """Predictions for one chunk (rows relative to the chunk)."""

    positions: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    max_similarity: np.ndarray
    is_novel: np.ndarray
    errors: dict[int, str]


def _predict_chunk(model: BaseSurrogate, smiles: Sequence[str]) -> _ChunkResult:
    chunk = featurize_lenient(model, smiles)
    if len(chunk.features) == 0:
        empty = np.zeros(0)
        return _ChunkResult(chunk.positions, empty, empty, empty, empty.astype(bool), chunk.errors)
    mean, std = model.predict_features(chunk.features)
    near = model.novelty(chunk.features)
    return _ChunkResult(
        chunk.positions, mean, std, near.max_similarity, near.is_novel, chunk.errors
    )


_WORKER_MODEL: list[BaseSurrogate] = []


def _init_worker(model: BaseSurrogate) -> None:
    _WORKER_MODEL[:] = [model]


def _predict_chunk_in_worker(smiles: list[str]) -> _ChunkResult:
    return _predict_chunk(_WORKER_MODEL[0], smiles)


def _results_shared(
    model: BaseSurrogate, chunks: list[list[str]], workers: int
) -> list[_ChunkResult]:
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
    results: list[_ChunkResult | None] = [None] * len(chunks)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(model,)
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
    n = len(smiles)
    mean, std, sim = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    novel = np.zeros(n, dtype=bool)
    errors: list[str | None] = [None] * n
    starts = list(range(0, n, chunk_size))
    chunk_lists = [list(smiles[i : i + chunk_size]) for i in starts]
    results: Iterable[_ChunkResult]
    if workers > 1 and not model.uses_graphs and len(chunk_lists) > 1:
        results = _results_shared(model, chunk_lists, workers)
    else:
        results = (_predict_chunk(model, c) for c in chunk_lists)
    for start, result in zip(starts, results, strict=True):
        for k, reason in result.errors.items():
            errors[start + k] = reason
        rows = start + result.positions
        mean[rows], std[rows] = result.mean, result.std
        sim[rows], novel[rows] = result.max_similarity, result.is_novel
    return BulkPredictions(mean, std, sim, novel, errors)

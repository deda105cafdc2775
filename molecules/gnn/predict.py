"""Batch prediction with trained DMPNN models.

:class:`GNNPredictor` is a small picklable handle (two directories). Worker processes load
the networks lazily, once per process, on first use; the triage driver hands the handle to
its workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rdkit import Chem

from molecules.errors import ModelFileError
from molecules.gnn.featurize import dmpnn_arrays
from molecules.gnn.model import load_model_dir, read_model_metadata

_LOADED: dict[tuple[str, int], tuple[Any, dict[str, Any]]] = {}


def predict_graphs(
    model: Any, graphs: np.ndarray, *, mode: str, batch_size: int = 256
) -> np.ndarray:
    """Run one DeepChem ``DMPNNModel`` on featurized molecules, as ``model.predict`` would.

    Evaluated by :mod:`molecules.gnn.fast_forward` (same numbers to float32 rounding).

    Args:
        model: the DeepChem model (its network is ``model.model``).
        graphs: object array of ``n`` DeepChem ``GraphData``.
        mode: ``"regression"`` or ``"classification"``, checked against the network.

    Returns:
        Regression: network outputs ``(n, n_tasks)`` in the standardized units it was trained
        on. Classification: probability of the positive class, ``(n, n_tasks)``.
    """
    if model.model.mode != mode:
        raise ModelFileError(f"network mode is {model.model.mode!r}, expected {mode!r}")
    arrays = [(g.node_features, g.edge_features, g.edge_index) for g in graphs]
    return predict_arrays([model.model], arrays, batch_size=batch_size)[0]


def predict_arrays(
    networks: Sequence[Any], arrays: Sequence[tuple[np.ndarray, ...]], *, batch_size: int = 256
) -> list[np.ndarray]:
    """Each DeepChem ``DMPNN`` network on molecules' DMPNN arrays, batch by batch.

    Each batch is built once and shared by every network (:mod:`molecules.gnn.fast_forward`).

    Args:
        networks: DeepChem ``DMPNN`` modules (``DMPNNModel.model``).
        arrays: ``(atom features, bond features, edge index)`` per molecule
            (:func:`molecules.gnn.featurize.dmpnn_arrays`).

    Returns:
        One float64 array ``(n, n_tasks)`` per network, as :func:`fast_forward.predict`.
    """
    from molecules.gnn.fast_forward import GraphBatch, predict  # imports torch

    outputs: list[list[np.ndarray]] = [[] for _ in networks]
    for start in range(0, len(arrays), batch_size):
        batch = GraphBatch.from_molecules(arrays[start : start + batch_size])
        for out, network in zip(outputs, networks, strict=True):
            out.append(predict(network, batch))
    return [
        np.concatenate(out) if out else np.zeros((0, network.n_tasks))
        for out, network in zip(outputs, networks, strict=True)
    ]


def _load_cached(model_dir: Path, batch_size: int) -> tuple[Any, dict[str, Any]]:
    key = (str(Path(model_dir).resolve()), batch_size)
    if key not in _LOADED:
        _LOADED[key] = load_model_dir(Path(model_dir), batch_size=batch_size)
    return _LOADED[key]


@dataclass(frozen=True)
class GNNPredictions:
    """GNN outputs for a batch of ``n`` molecules.

    Attributes:
        ok: bool array ``(n,)``; False where DMPNN featurization failed (other rows NaN).
        log_solubility: predicted log10 solubility in mol/L, shape ``(n,)``, or None when
            no solubility model is loaded.
        toxicity: Tox21 positive-class probabilities, shape ``(n, 12)``, or None.
        toxicity_tasks: the Tox21 task names, columns of ``toxicity``.
    """

    ok: np.ndarray
    log_solubility: np.ndarray | None
    toxicity: np.ndarray | None
    toxicity_tasks: tuple[str, ...]


@dataclass(frozen=True)
class GNNPredictor:
    """Handle to trained solubility and/or toxicity models (directories, loaded lazily).

    Attributes:
        solubility_dir: directory written by ``train_solubility_model``, or None.
        toxicity_dir: directory written by ``train_toxicity_model``, or None.
        batch_size: molecules per forward pass.
    """

    solubility_dir: Path | None = None
    toxicity_dir: Path | None = None
    batch_size: int = 256

    def predict(self, mols: Sequence[Chem.Mol]) -> GNNPredictions:
        """Predict for a batch of standardized molecules (featurized once for both models)."""
        arrays, ok = dmpnn_arrays(mols)
        n = len(mols)
        loaded = [
            (name, *_load_cached(directory, self.batch_size))
            for name, directory in (("sol", self.solubility_dir), ("tox", self.toxicity_dir))
            if directory is not None
        ]
        raw = predict_arrays([m.model for _, m, _ in loaded], arrays, batch_size=self.batch_size)
        log_s = tox = None
        tasks: tuple[str, ...] = ()
        for (name, _model, meta), values in zip(loaded, raw, strict=True):
            if name == "sol":
                scale, shift = float(meta.get("y_std", 1.0)), float(meta.get("y_mean", 0.0))
                log_s = np.full(n, np.nan)
                log_s[ok] = values[:, 0] * scale + shift
            else:
                tasks = tuple(meta["tasks"])
                tox = np.full((n, len(tasks)), np.nan)
                tox[ok] = values
        return GNNPredictions(ok, log_s, tox, tasks)


def load_gnn_predictor(
    solubility_dir: Path | str | None = None,
    toxicity_dir: Path | str | None = None,
    *,
    batch_size: int = 256,
) -> GNNPredictor:
    """Check the model directories and return a :class:`GNNPredictor` for them.

    The networks are loaded here once (to fail early) and again lazily in each worker.

    Raises:
        ModelFileError: a directory lacks its files, holds the wrong kind of model, or
            its weights do not load; or both directories are None.
    """
    from molecules.gnn.fast_forward import check_supported

    if solubility_dir is None and toxicity_dir is None:
        raise ModelFileError("give at least one of solubility_dir, toxicity_dir")
    for directory, kind in ((solubility_dir, "solubility"), (toxicity_dir, "toxicity")):
        if directory is None:
            continue
        meta = read_model_metadata(Path(directory))
        if meta["kind"] != kind:
            raise ModelFileError(f"{directory}: holds a {meta['kind']!r} model, expected {kind!r}")
        model, _ = _load_cached(Path(directory), batch_size)
        check_supported(model.model)
    return GNNPredictor(
        Path(solubility_dir) if solubility_dir is not None else None,
        Path(toxicity_dir) if toxicity_dir is not None else None,
        batch_size,
    )

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
from molecules.gnn.featurize import map_dmpnn_graph
from molecules.gnn.model import featurize_mols, load_model_dir, read_model_metadata

_LOADED: dict[tuple[str, int], tuple[Any, dict[str, Any]]] = {}


def predict_graphs(model: Any, graphs: np.ndarray, *, mode: str) -> np.ndarray:
    """Run one DMPNN model on featurized molecules (see :func:`predict_graphs_many`).

    Returns:
        Regression: raw network outputs ``(n, n_tasks)``. Classification: probability of
        the positive class, ``(n, n_tasks)``.
    """
    return predict_graphs_many([(model, mode)], graphs)[0]


def predict_graphs_many(models: Sequence[tuple[Any, str]], graphs: np.ndarray) -> list[np.ndarray]:
    """Run several DMPNN models on the same molecules, building each input batch once.

    DeepChem's ``predict`` rebuilds the DMPNN bond mappings per model; here each batch of
    ``model.batch_size`` molecules is mapped once (with the first model's generator) and
    fed to every network. Same numbers as ``model.predict``.

    Args:
        models: ``(model, mode)`` pairs, ``mode`` ``"regression"`` or ``"classification"``.
        graphs: object array of ``n`` DMPNN ``GraphData``.

    Returns:
        One array ``(n, n_tasks)`` per model, as in :func:`predict_graphs`.
    """
    import torch

    outputs: list[list[np.ndarray]] = [[] for _ in models]
    first = models[0][0] if models else None
    if first is not None and len(graphs) > 0:
        with torch.no_grad():
            for start in range(0, len(graphs), first.batch_size):
                inputs = _pyg_batch_inputs(first, graphs[start : start + first.batch_size])
                batch, _, _ = first._prepare_batch((inputs, None, None))
                for k, (model, mode) in enumerate(models):
                    out = model.model(batch)
                    if mode == "classification":
                        proba = out[0].detach().numpy()
                        outputs[k].append(proba.reshape(len(inputs), -1, 2)[:, :, 1])
                    else:
                        outputs[k].append(out.detach().numpy().reshape(len(inputs), -1))
    return [
        np.concatenate(chunks) if chunks else np.zeros((0, model.model.n_tasks))
        for chunks, (model, _) in zip(outputs, models, strict=True)
    ]


def _pyg_batch_inputs(model: Any, graphs: np.ndarray) -> list[Any]:
    """DeepChem ``DMPNNModel.default_generator`` for one batch, with the NumPy mapper.

    Builds one PyG graph per molecule and pads every molecule's incoming-bond tables to the
    batch's widest, as DeepChem does.
    """
    import torch

    pyg = [model._to_pyg_graph(map_dmpnn_graph(g)) for g in graphs]
    width = max(1, *(g["atom_to_incoming_bonds"].shape[1] for g in pyg))
    for g in pyg:
        extra = width - g["atom_to_incoming_bonds"].shape[1]
        if extra:
            pad = (0, extra, 0, 0)
            g["atom_to_incoming_bonds"] = torch.nn.functional.pad(
                g["atom_to_incoming_bonds"], pad, mode="constant", value=-1
            )
            g["mapping"] = torch.nn.functional.pad(g["mapping"], pad, mode="constant", value=-1)
    return pyg


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
        graphs, ok = featurize_mols(mols)
        n = len(mols)
        log_s = tox = None
        tasks: tuple[str, ...] = ()
        loaded = []
        for directory in (self.solubility_dir, self.toxicity_dir):
            if directory is not None:
                loaded.append(_load_cached(directory, self.batch_size))
        raw = predict_graphs_many([(m, meta["mode"]) for m, meta in loaded], graphs)
        if self.solubility_dir is not None:
            meta = loaded[0][1]
            log_s = np.full(n, np.nan)
            scale, shift = float(meta.get("y_std", 1.0)), float(meta.get("y_mean", 0.0))
            log_s[ok] = raw[0][:, 0] * scale + shift
        if self.toxicity_dir is not None:
            meta = loaded[-1][1]
            tasks = tuple(meta["tasks"])
            tox = np.full((n, len(tasks)), np.nan)
            tox[ok] = raw[-1]
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
    if solubility_dir is None and toxicity_dir is None:
        raise ModelFileError("give at least one of solubility_dir, toxicity_dir")
    for directory, kind in ((solubility_dir, "solubility"), (toxicity_dir, "toxicity")):
        if directory is None:
            continue
        meta = read_model_metadata(Path(directory))
        if meta["kind"] != kind:
            raise ModelFileError(f"{directory}: holds a {meta['kind']!r} model, expected {kind!r}")
        _load_cached(Path(directory), batch_size)
    return GNNPredictor(
        Path(solubility_dir) if solubility_dir is not None else None,
        Path(toxicity_dir) if toxicity_dir is not None else None,
        batch_size,
    )

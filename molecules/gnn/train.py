"""Seeded training of the solubility (ESOL) and toxicity (Tox21) DMPNN models.

Both functions: seeded random 80/10/10 split, train for ``epochs`` keeping the weights of the
best validation epoch, report train/valid/test metrics, write the model directory (see
:mod:`molecules.gnn.model`). Quality bars of issue 3: ESOL test RMSE <= 0.70 log units,
Tox21 mean test ROC-AUC >= 0.75.
"""

from __future__ import annotations

import copy
import importlib.metadata
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rdkit import Chem

from molecules.errors import TrainingDataError
from molecules.gnn.data import LabelledSet, load_esol, load_tox21, split_indices
from molecules.gnn.model import build_dmpnn, featurize_mols, save_model_dir
from molecules.gnn.predict import predict_graphs
from molecules.settings import GNNTrainingSettings

log = logging.getLogger(__name__)

#: epochs used when ``GNNTrainingSettings.epochs`` is None (a few minutes each on 2 cores)
DEFAULT_EPOCHS = {"solubility": 60, "toxicity": 20}


@dataclass(frozen=True)
class TrainingReport:
    """Outcome of one training run.

    Attributes:
        kind: ``"solubility"`` or ``"toxicity"``.
        metrics: ``{"train_rmse", "valid_rmse", "test_rmse"}`` (log10 mol/L) or
            ``{"train_roc_auc", "valid_roc_auc", "test_roc_auc"}`` (mean over tasks).
        n_train, n_valid, n_test: molecules in each split (after featurization).
        best_epoch: 1-based epoch whose weights were kept.
        weights_path, metadata_path: files written in the caller's directory.
        wall_seconds: training time, s.
    """

    kind: str
    metrics: dict[str, float]
    n_train: int
    n_valid: int
    n_test: int
    best_epoch: int
    weights_path: Path
    metadata_path: Path
    wall_seconds: float


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch random generators."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root-mean-square error of two equal-shape arrays."""
    return float(np.sqrt(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2)))


def mean_roc_auc(y: np.ndarray, w: np.ndarray, proba: np.ndarray) -> float:
    """Mean ROC-AUC over tasks with both classes present; arrays of shape ``(n, n_tasks)``."""
    from sklearn.metrics import roc_auc_score

    scores = []
    for t in range(y.shape[1]):
        known = w[:, t] > 0
        labels = y[known, t]
        if labels.min(initial=1) == labels.max(initial=0):
            continue
        scores.append(roc_auc_score(labels, proba[known, t]))
    return float(np.mean(scores)) if scores else float("nan")


def _featurize_set(data: LabelledSet) -> tuple[np.ndarray, LabelledSet]:
    mols = [Chem.MolFromSmiles(s) for s in data.smiles]
    keep = np.array([m is not None for m in mols])
    graphs, ok = featurize_mols([m for m in mols if m is not None])
    index = np.flatnonzero(keep)[ok]
    return graphs, data.subset(index)


def _versions() -> dict[str, str]:
    return {p: importlib.metadata.version(p) for p in ("deepchem", "torch", "rdkit")}


def _train(
    data: LabelledSet,
    kind: str,
    mode: str,
    out_dir: Path,
    settings: GNNTrainingSettings,
    on_epoch: Callable[[], None] | None = None,
) -> TrainingReport:
    import deepchem as dc
    import torch

    start = time.perf_counter()
    torch.set_num_threads(settings.torch_threads)
    seed_everything(settings.seed)
    if settings.max_molecules is not None and len(data.smiles) > settings.max_molecules:
        pick = np.random.default_rng(settings.seed).permutation(len(data.smiles))
        data = data.subset(np.sort(pick[: settings.max_molecules]))
    graphs, data = _featurize_set(data)
    if len(data.smiles) < 10:
        raise TrainingDataError(f"only {len(data.smiles)} usable molecules, need >= 10")
    parts = split_indices(len(data.smiles), settings.seed, settings.split_fractions)
    sets = [(graphs[i], data.subset(i)) for i in parts]
    (g_tr, d_tr), (g_va, d_va), (g_te, d_te) = sets
    w_train = d_tr.w.copy()
    if mode == "classification":  # balance classes per task (weights of known labels only)
        for t in range(w_train.shape[1]):
            known = d_tr.w[:, t] > 0
            n_pos = float((d_tr.y[known, t] == 1).sum())
            n_neg = float(known.sum()) - n_pos
            if n_pos > 0 and n_neg > 0:
                pos = known & (d_tr.y[:, t] == 1)
                w_train[pos, t] = n_neg / n_pos
    model = build_dmpnn(
        mode=mode,
        n_tasks=len(data.tasks),
        hidden_size=settings.hidden_size,
        depth=settings.depth,
        ffn_layers=settings.ffn_layers,
        dropout=settings.dropout,
        batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
    )
    # regression targets are standardized with train-set statistics (undone at prediction)
    y_mean = float(d_tr.y.mean()) if mode == "regression" else 0.0
    y_std = (float(d_tr.y.std()) or 1.0) if mode == "regression" else 1.0
    train_set = dc.data.NumpyDataset(g_tr, (d_tr.y - y_mean) / y_std, w_train)

    def score(g: np.ndarray, d: LabelledSet) -> float:
        pred = predict_graphs(model, g, mode=mode) * y_std + y_mean
        return rmse(d.y, pred) if mode == "regression" else mean_roc_auc(d.y, d.w, pred)

    better = (lambda a, b: a < b) if mode == "regression" else (lambda a, b: a > b)
    best_score, best_epoch, best_state = None, 0, None
    epochs = settings.epochs or DEFAULT_EPOCHS[kind]
    for epoch in range(1, epochs + 1):
        model.fit(train_set, nb_epoch=1, checkpoint_interval=0)
        model.model.eval()
        valid_score = score(g_va, d_va)
        model.model.train()
        log.info("%s epoch %d/%d: valid %.4f", kind, epoch, epochs, valid_score)
        if on_epoch is not None:
            on_epoch()
        if best_score is None or better(valid_score, best_score):
            best_score, best_epoch = valid_score, epoch
            best_state = copy.deepcopy(model.model.state_dict())
    if best_state is None:  # unreachable: settings enforce epochs >= 1
        raise TrainingDataError("no epoch was trained")
    model.model.load_state_dict(best_state)
    model.model.eval()
    metric = "rmse" if mode == "regression" else "roc_auc"
    metrics = {
        f"train_{metric}": score(g_tr, d_tr),
        f"valid_{metric}": score(g_va, d_va),
        f"test_{metric}": score(g_te, d_te),
    }
    metadata: dict[str, Any] = {
        "kind": kind,
        "mode": mode,
        "tasks": list(data.tasks),
        "hidden_size": settings.hidden_size,
        "depth": settings.depth,
        "ffn_layers": settings.ffn_layers,
        "y_mean": y_mean,
        "y_std": y_std,
        "training": settings.model_dump(mode="json"),
        "epochs": epochs,
        "best_epoch": best_epoch,
        "metrics": metrics,
        "n_train": len(d_tr.smiles),
        "n_valid": len(d_va.smiles),
        "n_test": len(d_te.smiles),
        "versions": _versions(),
    }
    weights, meta = save_model_dir(model, out_dir, metadata)
    return TrainingReport(
        kind=kind,
        metrics=metrics,
        n_train=len(d_tr.smiles),
        n_valid=len(d_va.smiles),
        n_test=len(d_te.smiles),
        best_epoch=best_epoch,
        weights_path=weights,
        metadata_path=meta,
        wall_seconds=time.perf_counter() - start,
    )


def train_solubility_model(
    data_path: Path | str,
    out_dir: Path | str,
    settings: GNNTrainingSettings | None = None,
    on_epoch: Callable[[], None] | None = None,
) -> TrainingReport:
    """Train the ESOL solubility regressor (target: log10 solubility, mol/L).

    Args:
        data_path: ESOL CSV, e.g. ``data/esol_delaney.csv``.
        out_dir: directory to write ``weights.pt`` and ``model.json`` into.
        settings: hyper-parameters; default :class:`GNNTrainingSettings`.
        on_epoch: called after every epoch (e.g. for progress).

    Raises:
        InputFileError, TrainingDataError: unusable data file.
    """
    return _train(
        load_esol(data_path), "solubility", "regression", Path(out_dir),
        settings or GNNTrainingSettings(), on_epoch,
    )  # fmt: skip


def train_toxicity_model(
    data_path: Path | str,
    out_dir: Path | str,
    settings: GNNTrainingSettings | None = None,
    on_epoch: Callable[[], None] | None = None,
) -> TrainingReport:
    """Train the Tox21 12-task classifier (missing labels masked by zero weights).

    Args:
        data_path: Tox21 CSV (optionally gzipped), e.g. ``data/tox21.csv.gz``.
        out_dir: directory to write ``weights.pt`` and ``model.json`` into.
        settings: hyper-parameters; default :class:`GNNTrainingSettings`.
        on_epoch: called after every epoch (e.g. for progress).

    Raises:
        InputFileError, TrainingDataError: unusable data file.
    """
    return _train(
        load_tox21(data_path), "toxicity", "classification", Path(out_dir),
        settings or GNNTrainingSettings(), on_epoch,
    )  # fmt: skip

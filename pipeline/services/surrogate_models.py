"""Surrogate models as versioned store records: train and register, load and verify."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import QdpError
from pipeline.services.model_files import directory_sha256, verify_directory
from pipeline.store import Store, content_hash
from pipeline.store.models import SurrogateModel
from surrogates.base import BaseSurrogate, load_surrogate, make_surrogate
from surrogates.metrics import regression_metrics
from surrogates.settings import SurrogateSettings

SURROGATE_KINDS = ("dmpnn", "rf", "gp")


class ModelNotFoundError(QdpError):
    """No surrogate model version matches the request."""

    exit_code = 2


@dataclass(frozen=True)
class RegisteredSurrogate:
    """A loaded, hash-verified surrogate and its store record."""

    record: SurrogateModel
    model: BaseSurrogate


def register_surrogate(
    store: Store,
    model: BaseSurrogate,
    *,
    target: str,
    training_smiles: Sequence[str],
    metrics: dict[str, Any],
    models_dir: Path,
) -> SurrogateModel:
    """Save a fitted surrogate under ``models_dir`` and record it as a new model version."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    directory = models_dir / f"surrogate-{model.name}-{target}-{stamp}"
    model.save(directory)
    settings = model.settings
    return store.add_model(
        {
            "kind": model.name,
            "target": target,
            "n_train": len(training_smiles),
            "training_set_hash": content_hash(sorted(training_smiles)),
            "hyperparameters": settings.model_dump(mode="json"),
            "seed": settings.seed,
            "metrics": metrics,
            "path": str(directory.resolve()),
            "sha256": directory_sha256(directory),
        }
    )


def train_and_register(
    store: Store,
    smiles: Sequence[str],
    values: Sequence[float],
    *,
    target: str,
    settings: SurrogateSettings,
    models_dir: Path,
    metrics: dict[str, Any] | None = None,
) -> RegisteredSurrogate:
    """Fit a surrogate of ``settings.kind`` on (SMILES, value) pairs and register it."""
    model = make_surrogate(settings).fit(list(smiles), np.asarray(values, dtype=float))
    record = register_surrogate(
        store,
        model,
        target=target,
        training_smiles=smiles,
        metrics=metrics or {},
        models_dir=models_dir,
    )
    return RegisteredSurrogate(record, model)


def held_out_metrics(
    smiles: Sequence[str], values: Sequence[float], settings: SurrogateSettings, *, seed: int = 0
) -> dict[str, Any]:
    """Fit on a seeded 80 % and score the other 20 % (at least 2): RMSE, MAE, R², and the
    Spearman correlation of |error| with the predicted std (calibration)."""
    y = np.asarray(values, dtype=float)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = max(2, len(y) // 5)
    test, train = order[:n_test], order[n_test:]
    probe = make_surrogate(settings).fit([smiles[i] for i in train], y[train])
    mean, std = probe.predict([smiles[i] for i in test])
    m = regression_metrics(y[test], mean, std)
    return {
        "rmse": m.rmse,
        "mae": m.mae,
        "r2": m.r2,
        "spearman_error_std": m.spearman_error_std,
        "n_test": int(n_test),
    }


def load_registered(store: Store, model_id: int | None = None) -> RegisteredSurrogate:
    """Load surrogate version ``model_id`` (default: the newest), verifying its sha256.

    Raises:
        ModelNotFoundError: no such version, or none trained yet.
        ModelIntegrityError: the weights on disk differ from what was recorded.
    """
    record = (
        store.get_model(model_id) if model_id is not None else store.latest_model(SURROGATE_KINDS)
    )
    if record is None or record.kind not in SURROGATE_KINDS:
        wanted = f"version {model_id}" if model_id is not None else "any version"
        raise ModelNotFoundError(
            f"no surrogate model ({wanted}) in the store; train one with `qdp campaign`"
        )
    verify_directory(Path(record.path), record.sha256)
    return RegisteredSurrogate(record, load_surrogate(record.path))

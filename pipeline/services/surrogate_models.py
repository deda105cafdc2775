"""Surrogate models as versioned store records: train and register, load and verify.

Quality gate: a model registered with held-out metrics is ``accepted`` (it may become the
default of ``qdp predict`` and the API) only with at least :data:`MIN_HELD_OUT` held-out values
and R² ≥ :data:`MIN_R2`; otherwise it is stored with ``"accepted": false`` and the reason, and
is used only when its version is asked for explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.config import Settings
from pipeline.errors import QdpError
from pipeline.progress import ProgressSink, ProgressTracker, no_progress, stepper
from pipeline.services.model_files import ModelIntegrityError, register_model, weights_directory
from pipeline.store import Store, content_hash
from pipeline.store.models import SurrogateModel
from surrogates.base import BaseSurrogate, EpochCallback, load_surrogate, make_surrogate
from surrogates.metrics import regression_metrics
from surrogates.settings import SurrogateSettings

SURROGATE_KINDS = ("dmpnn", "rf", "gp")
MIN_HELD_OUT = 4  # fewer held-out values cannot judge a model (R² on 2 values means nothing)
MIN_R2 = 0.0  # below 0 the model predicts worse than the mean of the training values


class ModelNotFoundError(QdpError):
    """No surrogate model version matches the request."""

    exit_code = 2


@dataclass(frozen=True)
class RegisteredSurrogate:
    """A loaded, hash-verified surrogate and its store record."""

    record: SurrogateModel
    model: BaseSurrogate

    @property
    def accepted(self) -> bool:
        """False when the model failed its quality gate (stored, never the default)."""
        return (self.record.metrics or {}).get("accepted", True) is not False


def quality_gate(metrics: dict[str, Any]) -> dict[str, Any]:
    """``{"accepted": bool, "gate": why}`` for held-out ``metrics`` (``r2``, ``n_test``);
    empty when there are none to judge by (a model registered without evaluation)."""
    if "r2" not in metrics or "n_test" not in metrics:
        return {}
    n_test, r2 = int(metrics["n_test"]), metrics["r2"]
    if n_test < MIN_HELD_OUT:
        return {
            "accepted": False,
            "gate": f"only {n_test} held-out values (at least {MIN_HELD_OUT} needed to judge)",
        }
    if r2 is None or not np.isfinite(r2) or r2 < MIN_R2:
        return {"accepted": False, "gate": f"held-out R² {r2:.3g} < {MIN_R2}"}
    return {"accepted": True, "gate": f"held-out R² {r2:.3g} ≥ {MIN_R2} on {n_test} values"}


def store_model_version(
    store: Store,
    model: BaseSurrogate,
    *,
    target: str,
    training_smiles: Sequence[str],
    metrics: dict[str, Any],
    models_dir: Path,
) -> SurrogateModel:
    """Save a fitted surrogate under ``models_dir`` and record it, weights included, as a new
    model version (:func:`~pipeline.services.model_files.register_model`)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    directory = models_dir / f"surrogate-{model.name}-{target}-{stamp}"
    model.save(directory)
    settings = model.settings
    return register_model(
        store,
        {
            "kind": model.name,
            "target": target,
            "n_train": len(training_smiles),
            "training_set_hash": content_hash(sorted(training_smiles)),
            "hyperparameters": settings.model_dump(mode="json"),
            "seed": settings.seed,
            "metrics": metrics,
        },
        directory,
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
    on_epoch: EpochCallback | None = None,
) -> RegisteredSurrogate:
    """Fit a surrogate of ``settings.kind`` on (SMILES, value) pairs and register it.

    Held-out ``metrics`` (see :func:`held_out_metrics`) go through :func:`quality_gate`: a
    model below the bar is stored with ``"accepted": false`` and never becomes the default
    (check ``.accepted`` of the result).
    """
    model = make_surrogate(settings).fit(
        list(smiles), np.asarray(values, dtype=float), on_epoch=on_epoch
    )
    metrics = dict(metrics or {})
    metrics.update(quality_gate(metrics))
    record = store_model_version(
        store,
        model,
        target=target,
        training_smiles=smiles,
        metrics=metrics,
        models_dir=models_dir,
    )
    return RegisteredSurrogate(record, model)


def held_out_metrics(
    smiles: Sequence[str],
    values: Sequence[float],
    settings: SurrogateSettings,
    *,
    seed: int = 0,
    on_epoch: EpochCallback | None = None,
) -> dict[str, Any]:
    """Fit on a seeded 80 % and score the other 20 % (at least 2): RMSE, MAE, R², and the
    Spearman correlation of |error| with the predicted std (calibration)."""
    y = np.asarray(values, dtype=float)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = max(2, len(y) // 5)
    test, train = order[:n_test], order[n_test:]
    probe = make_surrogate(settings).fit([smiles[i] for i in train], y[train], on_epoch=on_epoch)
    mean, std = probe.predict([smiles[i] for i in test])
    m = regression_metrics(y[test], mean, std)
    return {
        "rmse": m.rmse,
        "mae": m.mae,
        "r2": m.r2,
        "spearman_error_std": m.spearman_error_std,
        "n_test": int(n_test),
    }


def load_registered(
    store: Store, model_id: int | None = None, *, models_dir: Path
) -> RegisteredSurrogate:
    """Load surrogate version ``model_id`` (default: the newest accepted), verifying its sha256
    (weights from the store unpacked under ``models_dir`` when this machine lacks their
    directory; see :func:`~pipeline.services.model_files.weights_directory`).

    Raises:
        ModelNotFoundError: no such version, or none trained (or accepted) yet.
        ModelIntegrityError: the weights are missing, differ from what was recorded, or
            cannot be read as weights (e.g. a file holding pickled objects).
    """
    if model_id is not None and not 1 <= model_id <= 2**31 - 1:  # ids are 32-bit in the store
        raise ModelNotFoundError(f"no surrogate model version {model_id}: ids are 1 … 2³¹−1")
    record = (
        store.get_model(model_id)
        if model_id is not None
        else store.latest_model(SURROGATE_KINDS, accepted_only=True)
    )
    if record is None or record.kind not in SURROGATE_KINDS:
        if model_id is None and store.latest_model(SURROGATE_KINDS) is not None:
            rejected = store.latest_model(SURROGATE_KINDS)
            assert rejected is not None
            raise ModelNotFoundError(
                f"no surrogate model passed its quality gate; the newest, version "
                f"{rejected.id}, did not ({rejected.metrics.get('gate')}); ask for version "
                f"{rejected.id} explicitly (qdp predict --model {rejected.id}) to use it anyway"
            )
        wanted = f"version {model_id}" if model_id is not None else "any version"
        raise ModelNotFoundError(
            f"no surrogate model ({wanted}) in the store; train one with `qdp campaign`"
        )
    directory = weights_directory(store, record, models_dir)
    try:
        model = load_surrogate(directory)
    except QdpError:
        raise
    except Exception as exc:  # numpy, torch, json and zip readers raise their own types
        raise ModelIntegrityError(
            f"model version {record.id}: cannot read its weights in {directory} "
            f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
        ) from None
    return RegisteredSurrogate(record, model)


def retrain_target(
    settings: Settings,
    store: Store,
    target: str | None = None,
    progress: ProgressSink | None = None,
) -> dict[str, Any]:
    """The retrain driver: a new surrogate of ``target`` (default ``campaign.target``) on every
    stored value — campaign oracle results and quantum-calculation properties — with held-out
    metrics and the quality gate. Fewer than 5 values: nothing is trained. ``progress`` sees a
    tracker of the epochs (fits, for a model trained in one step) of both fits.

    Returns:
        ``target``, ``n_train``, ``model_version`` (``None`` when not trained), ``accepted``
        and the held-out metrics.
    """
    target = target or settings.campaign.target
    values = dict(store.campaign_values(target))
    values.update(store.property_values(target))
    if len(values) < 5:
        return {"target": target, "n_train": len(values), "model_version": None}
    smiles, y = list(values), list(values.values())
    show = progress or no_progress
    steps = make_surrogate(settings.surrogate).epochs_per_fit
    tracker = ProgressTracker(f"retrain {target}", "epochs" if steps > 1 else "fits", 2 * steps)
    step = stepper(tracker, show)
    metrics = held_out_metrics(
        smiles, y, settings.surrogate, seed=settings.campaign.seed, on_epoch=step
    )
    registered = train_and_register(
        store,
        smiles,
        y,
        target=target,
        settings=settings.surrogate,
        models_dir=settings.models_dir,
        metrics=metrics,
        on_epoch=step,
    )
    tracker.finish()
    show(tracker)
    return {
        "target": target,
        "n_train": len(smiles),
        "model_version": registered.record.id,
        "accepted": registered.accepted,
        **metrics,
    }

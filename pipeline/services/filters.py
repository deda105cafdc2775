"""GNN triage filters: train them into versioned store records, load the newest verified."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from molecules.gnn.predict import GNNPredictor, load_gnn_predictor
from molecules.gnn.train import (
    DEFAULT_EPOCHS,
    GNNTrainingSettings,
    TrainingReport,
    train_solubility_model,
    train_toxicity_model,
)
from pipeline.paths import data_file
from pipeline.progress import ProgressSink, ProgressTracker, no_progress, stepper
from pipeline.services.model_files import register_model, weights_directory
from pipeline.store import Store, content_hash
from pipeline.store.models import SurrogateModel
from surrogates.weights import sha256_file

log = logging.getLogger(__name__)

FILTER_KIND = "gnn-filter"
TRAINING_FILES = {"solubility": "esol_delaney.csv", "toxicity": "tox21.csv.gz"}
_TRAINERS = {"solubility": train_solubility_model, "toxicity": train_toxicity_model}


# Quality bars on the held-out test split: (metric, bar, "≤" or "≥"), and the fewest test
# molecules that can judge a model. A filter below its bar is stored but triage never uses it.
QUALITY_BARS = {"solubility": ("test_rmse", 0.70, "≤"), "toxicity": ("test_roc_auc", 0.75, "≥")}
MIN_TEST_MOLECULES = 20


@dataclass(frozen=True)
class TrainedFilter:
    """One trained filter model: its store record and the training report."""

    record: SurrogateModel
    report: TrainingReport

    @property
    def accepted(self) -> bool:
        """True when the model met its quality bar (only then does triage use it)."""
        return bool(self.record.metrics.get("accepted"))


def filter_gate(target: str, metrics: dict, n_test: int) -> dict:
    """``{"accepted": bool, "gate": why}`` of a filter's test ``metrics`` (see QUALITY_BARS)."""
    metric, bar, sense = QUALITY_BARS[target]
    value = metrics.get(metric)
    if n_test < MIN_TEST_MOLECULES:
        return {
            "accepted": False,
            "gate": f"only {n_test} test molecules (at least {MIN_TEST_MOLECULES} to judge)",
        }
    meets = value is not None and (value <= bar if sense == "≤" else value >= bar)
    return {"accepted": bool(meets), "gate": f"{metric} {value:.3f}, bar {sense} {bar}"}


def train_filter(
    store: Store,
    target: str,
    models_dir: Path,
    training: GNNTrainingSettings | None = None,
    progress: ProgressSink | None = None,
) -> TrainedFilter:
    """Train the ``solubility`` or ``toxicity`` DMPNN filter and register it in the store.

    Weights go to ``models_dir/gnn-<target>-<UTC timestamp>/``; the store keeps them (see
    :func:`~pipeline.services.model_files.register_model`) with their path, sha256,
    training-set hash, hyperparameters and test metrics, with ``accepted`` and ``gate`` from
    :func:`filter_gate` (a model below its bar is stored, never used by triage).
    """
    training = training or GNNTrainingSettings()
    data_path = data_file(TRAINING_FILES[target])
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    out_dir = models_dir / f"gnn-{target}-{stamp}"
    show = progress or no_progress
    epochs = training.epochs or DEFAULT_EPOCHS[target]
    tracker = ProgressTracker(f"{target} filter", "epochs", epochs)
    report = _TRAINERS[target](data_path, out_dir, training, stepper(tracker, show))
    tracker.finish()
    show(tracker)
    record = register_model(
        store,
        {
            "kind": FILTER_KIND,
            "target": target,
            "n_train": report.n_train,
            "training_set_hash": content_hash([data_path.name, sha256_file(data_path)]),
            "hyperparameters": training.model_dump(mode="json"),
            "seed": training.seed,
            "metrics": {
                **report.metrics,
                "n_valid": report.n_valid,
                "n_test": report.n_test,
                "best_epoch": report.best_epoch,
                "wall_seconds": report.wall_seconds,
                **filter_gate(target, report.metrics, report.n_test),
            },
        },
        out_dir,
    )
    return TrainedFilter(record, report)


def load_filter_predictor(
    store: Store, *, solubility: bool, toxicity: bool, models_dir: Path
) -> tuple[GNNPredictor | None, dict[str, int]]:
    """The newest stored filter models that met their quality bar, hash-verified, as one
    predictor (weights from the store unpacked under ``models_dir`` when this machine lacks
    their directory; see :func:`~pipeline.services.model_files.weights_directory`).

    Returns:
        The predictor (``None`` if no requested model has been trained) and the model ids
        used, by target, so results can be keyed on the exact models.
    """
    directories: dict[str, Path | None] = {"solubility": None, "toxicity": None}
    used: dict[str, int] = {}
    for target, wanted in (("solubility", solubility), ("toxicity", toxicity)):
        record = store.latest_model(FILTER_KIND, target, accepted_only=True) if wanted else None
        if record is None:
            if wanted:
                log.warning(
                    "no trained %s filter that met its quality bar in the store; "
                    "run `qdp train-filters`",
                    target,
                )
            continue
        directories[target] = weights_directory(store, record, models_dir)
        used[target] = record.id
    if not used:
        return None, used
    return load_gnn_predictor(directories["solubility"], directories["toxicity"]), used

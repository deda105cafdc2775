"""GNN filter models in the store: trained, registered with their hashes, loaded verified."""

from __future__ import annotations

from pathlib import Path

import pytest

from molecules.settings import GNNTrainingSettings
from pipeline.paths import data_file
from pipeline.services.filters import TRAINING_FILES, load_filter_predictor, train_filter
from pipeline.services.model_files import ModelIntegrityError
from pipeline.store import Store, content_hash
from surrogates.weights import sha256_file

TINY = GNNTrainingSettings(seed=1, epochs=1, hidden_size=16, depth=2, max_molecules=60)


def test_trained_filter_is_registered_and_loaded_verified(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'qdp.db'}")
    trained = train_filter(store, "solubility", tmp_path / "models", TINY)
    data = data_file(TRAINING_FILES["solubility"])
    assert trained.record.training_set_hash == content_hash([data.name, sha256_file(data)])
    assert trained.record.metrics["test_rmse"] == trained.report.metrics["test_rmse"]
    # one epoch on 60 molecules: below the bar, so stored but never used by triage
    assert not trained.accepted and "test molecules" in trained.record.metrics["gate"]
    models = tmp_path / "models"
    loaded = load_filter_predictor(store, solubility=True, toxicity=False, models_dir=models)
    assert loaded == (None, {})
    record = trained.record
    columns = ("kind", "target", "n_train", "training_set_hash", "hyperparameters", "seed")
    good = store.add_model(  # the same weights registered as if they had met the bar
        {c: getattr(record, c) for c in (*columns, "path", "sha256")}
        | {"metrics": {**record.metrics, "accepted": True}, "model_key": "met-the-bar"}
    )

    predictor, used = load_filter_predictor(
        store, solubility=True, toxicity=True, models_dir=models
    )
    assert used == {"solubility": good.id}  # no toxicity model trained: skipped
    assert predictor is not None and predictor.toxicity_dir is None

    (Path(trained.record.path) / "model.json").write_text("{}")  # tampered after training
    with pytest.raises(ModelIntegrityError, match="modified"):
        load_filter_predictor(store, solubility=True, toxicity=False, models_dir=models)
    store.close()

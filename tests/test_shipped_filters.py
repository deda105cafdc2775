"""The GNN filter weights shipped in data/filters: registered (hash-checked) when a store has
none, used by triage like trained ones, refused when tampered with."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import pipeline.services.shipped_filters as shipped
from molecules.settings import TriageSettings
from pipeline.config import Settings
from pipeline.services.model_files import ModelIntegrityError
from pipeline.services.triage import run_triage
from pipeline.store import open_store

LIBRARY = "CC(C)Cc1ccc(cc1)C(C)C(=O)O ibuprofen\nCC(=O)Nc1ccc(O)cc1 paracetamol\n"


@pytest.mark.slow
def test_triage_uses_the_shipped_filters(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / ".qdp", triage=TriageSettings(shipped_filters=True))
    library = tmp_path / "lib.smi"
    library.write_text(LIBRARY)
    store = open_store(settings)
    run_triage(library, settings, store)
    index = shipped.shipped_index()
    for target in ("solubility", "toxicity"):
        record = store.latest_model("gnn-filter", target, accepted_only=True)
        assert record is not None and record.sha256 == index[target]["sha256"]
        assert record.metrics["accepted"] is True
        weights = store.model_weights(record.id)  # kept in the store for other machines
        assert weights is not None and weights.sha256 == record.sha256
    [outcome] = store.triage_results_for("HEFNNWSXXWATRW-UHFFFAOYSA-N")
    assert -8.0 < outcome.descriptors["log_solubility"] < 0.0  # ibuprofen: measured -3.97
    assert "tox:SR-MMP" in outcome.descriptors
    assert shipped.register_shipped_filters(store, settings.models_dir) == {}  # once only
    store.close()


def test_tampered_shipped_weights_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "data"
    shutil.copytree(shipped.data_file("filters"), copy / "filters")
    weights = next((copy / "filters" / "solubility").glob("*.pt"))
    weights.write_bytes(weights.read_bytes()[:-8] + b"tampered")
    monkeypatch.setattr(shipped, "data_file", lambda name: copy / name)
    store = open_store(Settings(home=tmp_path / ".qdp"))
    with pytest.raises(ModelIntegrityError, match="shipped solubility filter"):
        shipped.register_shipped_filters(store, tmp_path / "models")
    store.close()

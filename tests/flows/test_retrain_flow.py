"""``retrain_flow`` trains on stored campaign values, registers a version with held-out
metrics and its quality gate (never a duplicate of an identical model), and trains nothing on
too few values."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from esol_data import COLUMN, ESOL, write_esol_library

from flows.settings_param import SettingsRef
from pipeline.config import load_settings
from pipeline.services.campaigns import prepare_job, run_campaign_job
from pipeline.store import open_store


@pytest.mark.usefixtures("prefect_harness")
def test_retrain_flow_registers_a_gated_model_from_stored_values(tmp_path: Path) -> None:
    from flows.retrain import retrain_flow

    library = write_esol_library(tmp_path / "lib.smi", 120)
    config = tmp_path / "qdp.toml"
    config.write_text(
        f'home = "{tmp_path / ".qdp"}"\n[campaign]\ntarget = "{COLUMN}"\ninit_size = 40\n'
        'batch_size = 10\nrounds = 1\n[surrogate]\nkind = "rf"\nrf_n_trees = 50\n'
    )
    ref = SettingsRef(config=str(config))
    assert retrain_flow(COLUMN, ref)["model_version"] is None  # nothing stored yet
    settings = load_settings(config)
    store = open_store(settings)
    job = prepare_job(settings, store, library=library, oracle=f"lookup:{ESOL}", triage=False)
    campaign = run_campaign_job(settings, store, job=job, campaign_id="for-retrain")
    progress: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: progress.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("pipeline.progress").addHandler(handler)
    try:
        result = retrain_flow(COLUMN, ref)
    finally:
        logging.getLogger("pipeline.progress").removeHandler(handler)
    assert result["n_train"] == 50 and result["model_version"] is not None
    # rf trains in one step: the held-out fit and the final fit
    assert progress[-1].startswith(f"retrain {COLUMN}: 2/2 fits (100%)"), progress
    # the campaign's final model was trained on the same 50 values with the same settings:
    # the retrain gives that very version back instead of storing a copy
    assert result["model_version"] == campaign["model_version"]
    assert store.status().row_counts["surrogate_models"] == 1
    record = store.get_model(result["model_version"])
    assert record is not None and record.target == COLUMN and record.n_train == 50
    assert record.metrics["accepted"] is result["accepted"]
    assert result["accepted"] == (result["r2"] >= 0.0)
    store.close()

"""The notebook API runs the same drivers as the CLI, on the store of the settings given."""

from __future__ import annotations

from pathlib import Path

from esol_data import COLUMN, ESOL, write_esol_library

from pipeline import notebook as qdp
from pipeline.config import Settings
from pipeline.quantum.settings import QuantumSettings
from pipeline.store import open_store
from surrogates.settings import SurrogateSettings


def test_triage_campaign_predict_and_energy_from_python(tmp_path: Path) -> None:
    settings = Settings(
        home=tmp_path / ".qdp",
        surrogate=SurrogateSettings(kind="rf", rf_n_trees=20),
        quantum=QuantumSettings(active_electrons=2, active_orbitals=2),
    )
    library = write_esol_library(tmp_path / "lib.smi", 40)
    summary = qdp.triage(library, settings)
    assert summary["n_input"] == 40 and summary["n_passed"] > 0
    report = qdp.campaign(
        library, oracle=f"lookup:{ESOL}", triage=False, settings=settings,
        target=COLUMN, init_size=12, batch_size=5, rounds=2, campaign_id="nb",
    )  # fmt: skip
    assert report["status"] == "finished" and len(report["evaluated"]) == 22
    assert Path(report["report"]).is_file()
    again = qdp.campaign(library, campaign_id="nb", settings=settings)  # resumed: finished
    assert again["evaluated"] == report["evaluated"]
    [item, bad] = qdp.predict(["CCO", "not-a-smiles("], settings, model=report["model_version"])
    assert item["mean"] is not None and item["model_version"] == report["model_version"]
    assert bad["error"]
    methane = qdp.energy("C", settings)
    assert abs(methane["error_mha"]) < 1.6 and methane["reused"] is False
    assert qdp.energy("C", settings)["reused"] is True
    store = open_store(settings)
    assert store.status().row_counts["quantum_calculations"] == 1
    store.close()

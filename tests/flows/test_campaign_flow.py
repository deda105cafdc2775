"""``campaign_flow`` with a lookup oracle under the Prefect harness; a rerun with the same
campaign id resumes the finished campaign and calls the oracle no more."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings_param import SettingsRef
from pipeline.store import Store

DATA = Path(__file__).resolve().parents[2] / "data"
COLUMN = "measured log solubility in mols per litre"


@pytest.mark.usefixtures("prefect_harness")
def test_campaign_flow_lookup_oracle(tmp_path: Path) -> None:
    from flows.campaign import CampaignParams, run_campaign_flow

    lines = (DATA / "esol_delaney.csv").read_text().splitlines()
    column = lines[0].split(",").index("smiles")
    library = tmp_path / "lib.smi"
    library.write_text("\n".join(line.split(",")[column] for line in lines[1:81]) + "\n")
    config = tmp_path / "qdp.toml"
    config.write_text(
        f'home = "{tmp_path / ".qdp"}"\n'
        f'[campaign]\ntarget = "{COLUMN}"\ninit_size = 8\nbatch_size = 4\n'
        'rounds = 2\nacquisition = "ucb"\n[surrogate]\nkind = "rf"\n'
    )
    params = CampaignParams(
        campaign_id="flow-test",
        library=str(library),
        oracle=f"lookup:{DATA / 'esol_delaney.csv'}",
        triage=False,
        settings_ref=SettingsRef(config=str(config)),
    )
    report = run_campaign_flow(params)
    assert report["status"] == "finished" and report["stop_reason"] == "rounds"
    assert [len(r["selected"]) for r in report["rounds"]] == [8, 4, 4]
    assert all(e["value"] is not None for e in report["evaluated"])
    assert report["model_version"] is not None

    again = run_campaign_flow(params)
    assert again["evaluated"] == report["evaluated"]
    store = Store.open(f"sqlite:///{tmp_path / '.qdp' / 'qdp.db'}")
    assert store.status().row_counts["campaign_evaluations"] == 16
    assert len(store.campaign_rounds("flow-test")) == 3
    store.close()

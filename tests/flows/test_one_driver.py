"""One driver per job: the Prefect flows and the CLI's local path run the same code, so the
same input gives the same stored results (triage: duplicates across chunks, invalid lines;
campaign: the same batches and values, and a rerun of a finished campaign calls no oracle)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from esol_data import COLUMN, ESOL, write_esol_library

from flows.artifacts import artifact_key
from flows.settings_param import SettingsRef
from pipeline.config import load_settings
from pipeline.services.campaigns import prepare_job, run_campaign_job
from pipeline.services.triage import run_triage
from pipeline.store import Store, content_hash, open_store

LIBRARY = """\
CC(C)Cc1ccc(cc1)C(C)C(=O)O ibuprofen
O=C1NC(=S)SC1=Cc1ccccc1 benzylidene-rhodanine
not_a_smiles broken
CC(C)Cc1ccc(cc1)C(C)C(=O)O ibuprofen-again
CC(=O)Nc1ccc(O)cc1 paracetamol
C=CC(=O)N1CCOCC1 acryloyl-morpholine
"""


def _config(root: Path, body: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "qdp.toml"
    path.write_text(f'home = "{root / ".qdp"}"\n{body}')
    return path


def _artifact_keys(like: str) -> set[str]:
    """Keys of the Prefect artifacts whose key matches the SQL pattern ``like``."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(like_=like))
        )
    return {a.key for a in found if a.key}


def _triage_rows(config: Path) -> list[tuple]:
    from sqlalchemy import select

    from pipeline.store.models import TriageResult

    store = open_store(load_settings(config))
    try:
        with store.session() as session:
            rows = session.scalars(select(TriageResult)).all()
            return sorted(
                (r.inchikey, r.passed, tuple(r.reasons), tuple(sorted(r.descriptors))) for r in rows
            )
    finally:
        store.close()


@pytest.mark.usefixtures("prefect_harness")
def test_triage_flow_and_cli_path_store_the_same(tmp_path: Path) -> None:
    from flows.triage import triage_flow

    library = tmp_path / "lib.smi"
    library.write_text(LIBRARY + "\n# a comment line\n")
    body = "[triage]\nchunk_size = 2\nn_workers = 1\nsolubility_filter = false\n"
    body += "toxicity_filter = false\nn_conformers = 1\n"
    local, flowed = _config(tmp_path / "local", body), _config(tmp_path / "flow", body)
    settings = load_settings(local)
    store = open_store(settings)
    summary = run_triage(library, settings, store, all_reasons=True)
    store.close()
    flow_summary = triage_flow(str(library), SettingsRef(config=str(flowed)), True)
    for key in ("n_input", "n_valid", "n_unique", "n_passed", "rejected_by_reason"):
        assert flow_summary[key] == getattr(summary, key), key
    assert flow_summary["rejected_by_reason"]["duplicate"] == 1  # across chunks 0 and 1
    assert flow_summary["rejected_by_reason"]["invalid_smiles"] == 1
    assert _triage_rows(local) == _triage_rows(flowed)
    assert len(_triage_rows(local)) == 4
    # the summary artifact is keyed by the library (name and path), not one shared "triage"
    key = artifact_key("triage", "lib.smi", content_hash(str(library.resolve()))[:8])
    assert _artifact_keys("triage-lib-smi-%") >= {key}


@pytest.mark.usefixtures("prefect_harness")
def test_triage_flow_refuses_bad_settings_before_any_work(
    tmp_path: Path, hook_messages: list[str]
) -> None:
    from flows.triage import triage_flow
    from molecules.errors import FilterConfigError

    library = tmp_path / "lib.smi"
    library.write_text(LIBRARY)
    config = _config(tmp_path, '[triage]\nrequire_smarts = ["[C"]\n')
    with pytest.raises(FilterConfigError, match="SMARTS"):
        triage_flow(str(library), SettingsRef(config=str(config)))
    said = hook_messages
    # the failure hook said so, once, naming the flow and the reason
    assert len(said) == 1, said
    assert "qdp flow 'triage'" in said[0] and "FAILED" in said[0] and "SMARTS" in said[0]


@pytest.mark.usefixtures("prefect_harness")
def test_campaign_flow_and_cli_path_choose_and_store_the_same(tmp_path: Path) -> None:
    from flows.campaign import CampaignParams, campaign_flow

    library = write_esol_library(tmp_path / "lib.smi", 60)
    body = (
        f'[campaign]\ntarget = "{COLUMN}"\ninit_size = 6\nbatch_size = 3\nrounds = 2\n'
        'acquisition = "ucb"\noracle_chunk_size = 2\n[surrogate]\nkind = "rf"\nrf_n_trees = 20\n'
    )
    local, flowed = _config(tmp_path / "local", body), _config(tmp_path / "flow", body)
    oracle = f"lookup:{ESOL}"
    settings = load_settings(local)
    store = open_store(settings)
    job = prepare_job(settings, store, library=library, oracle=oracle, triage=False)
    cli_report = run_campaign_job(settings, store, job=job, campaign_id="same")
    store.close()
    params = CampaignParams(
        campaign_id="same",
        library=str(library),
        oracle=oracle,
        triage=False,
        settings_ref=SettingsRef(config=str(flowed)),
    )
    flow_report = campaign_flow(params)
    assert [len(r["selected"]) for r in flow_report["rounds"]] == [6, 3, 3]
    assert flow_report["evaluated"] == cli_report["evaluated"]
    assert json.dumps(flow_report["rounds"]) == json.dumps(cli_report["rounds"])  # NaN == NaN
    assert _artifact_keys("campaign-same-%") == {"campaign-same-top", "campaign-same-curve"}
    page = Path(flow_report["report"]).read_text()  # the flow's report names its flow run
    assert "prefect_flow_run" in page
    again = campaign_flow(params)  # resumes the finished campaign: no oracle call
    assert again["evaluated"] == flow_report["evaluated"]
    for config in (local, flowed):
        store = Store.open(f"sqlite:///{config.parent / '.qdp' / 'qdp.db'}")
        assert store.status().row_counts["campaign_evaluations"] == 12
        assert len(store.campaign_rounds("same")) == 3
        store.close()

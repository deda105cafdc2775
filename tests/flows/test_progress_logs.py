"""Progress reaches the Prefect run logs: the ``pipeline`` logger is forwarded to the run
logger (``flows/__init__.py``), and a flow's progress lines are stored with its run."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from flows.settings_param import SettingsRef

LIBRARY = "".join(f"{smiles} m{i}\n" for i, smiles in enumerate(["C", "CC", "CCC", "CCO", "CN"]))


@pytest.mark.usefixtures("prefect_harness")
def test_triage_flow_run_logs_hold_its_progress_lines(tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler, APILogWorker
    from prefect.settings import PREFECT_LOGGING_TO_API_ENABLED, temporary_settings

    from flows.triage import triage_flow

    forwarded = logging.getLogger("pipeline").handlers
    assert any(isinstance(h, APILogHandler) for h in forwarded), forwarded
    library = tmp_path / "lib.smi"
    library.write_text(LIBRARY)
    config = tmp_path / "qdp.toml"
    config.write_text(
        f'home = "{tmp_path / ".qdp"}"\nprogress_interval_seconds = 0\n[triage]\n'
        "chunk_size = 2\nn_workers = 1\nsolubility_filter = false\ntoxicity_filter = false\n"
    )
    with temporary_settings({PREFECT_LOGGING_TO_API_ENABLED: True}):
        state = triage_flow(str(library), SettingsRef(config=str(config)), return_state=True)
        APILogWorker.drain_all()
    assert state.is_completed()
    run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
    progress = [log.message for log in sorted(logs, key=lambda log: log.timestamp)
                if log.name == "pipeline.progress"]  # fmt: skip
    # a line per chunk of 2 (interval 0), against the 5 lines counted first, then the end
    assert [line.split(" mol ")[0] for line in progress] == [
        "triage: 2/5", "triage: 4/5", "triage: 5/5", "triage: 5/5",
    ], progress  # fmt: skip
    assert all(" mol/s" in line or " mol/min" in line for line in progress), progress
    assert "ETA" in progress[0] and "done in" in progress[-1]

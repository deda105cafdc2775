"""The temporary Prefect server of a local flow run (``flows/local_server.py``): Prefect's
internal errors reach the console as one line, and a local flow run under CPU load starts its
server, stores its results, prints no traceback and keeps qdp's warnings in its run logs."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.local_server import OneLineConsoleHandler, is_internal

LOCKED = "(sqlite3.OperationalError) database is locked\n[SQL: INSERT INTO task_run ...]"


def _emit(name: str, monkeypatch: pytest.MonkeyPatch, debug: str = "") -> str:
    monkeypatch.setenv("QDP_DEBUG", debug)
    stream = io.StringIO()
    handler = OneLineConsoleHandler(stream=stream)
    try:
        raise RuntimeError(LOCKED)
    except RuntimeError:
        record = logging.LogRecord(
            name, logging.ERROR, __file__, 1, "Error flushing %d events", (4,), sys.exc_info()
        )
    handler.emit(record)
    assert record.exc_info is not None  # the record itself is left as it was
    return stream.getvalue()


def test_prefect_internal_error_is_one_line_on_the_console(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = _emit("prefect.server.services.task_run_recorder", monkeypatch)
    assert len(out.strip().splitlines()) == 1, out
    assert "Error flushing 4 events (RuntimeError: (sqlite3.OperationalError) database is " in out
    assert "QDP_DEBUG=1 shows the traceback" in out and "Traceback" not in out
    # a flow run's error (user code) keeps its traceback, and QDP_DEBUG=1 shows every one
    assert "Traceback" in _emit("prefect.flow_runs", monkeypatch)
    assert "Traceback" in _emit("uvicorn.error", monkeypatch, debug="1")
    assert [is_internal(n) for n in ("prefect", "uvicorn.error", "prefectx", "pipeline")] == [
        True, True, False, False,
    ]  # fmt: skip


# Run in a fresh interpreter with no PREFECT_* settings but a new home, so Prefect starts its
# temporary server there: a triage flow whose wanted solubility filter is missing (a qdp
# warning in the flow), and a flow whose task logs a warning on a ``molecules`` logger.
SCRIPT = """
import json, logging, sys
from flows.settings_param import SettingsRef
from flows.triage import triage_flow
from prefect import flow, task
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
from prefect.logging.handlers import APILogWorker

@task
def probe(x):
    logging.getLogger("molecules.probe").warning("probe warning from task %d", x)
    return x

@flow(name="probe")
def probe_flow():
    return [probe.submit(7).result()]

triage = triage_flow(sys.argv[1], SettingsRef(config=sys.argv[2]), return_state=True)
probed = probe_flow(return_state=True)
APILogWorker.drain_all()
out = {"root_handlers": [type(h).__name__ for h in logging.getLogger().handlers]}
with get_client(sync_client=True) as client:
    for key, state in (("triage", triage), ("probe", probed)):
        run_id = state.state_details.flow_run_id
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
        out[key] = {"completed": state.is_completed(), "result": state.result(),
                    "logs": [[log.name, log.level, log.message] for log in logs]}
print("RESULT " + json.dumps(out))
"""


@pytest.mark.slow
def test_local_flow_under_cpu_load_is_clean_and_keeps_qdp_warnings(tmp_path: Path) -> None:
    from pipeline.config import load_settings
    from pipeline.store import open_store

    library = tmp_path / "lib.smi"
    library.write_text("CCO ethanol\nc1ccccc1O phenol\nCC(=O)Nc1ccc(O)cc1 paracetamol\n")
    config = tmp_path / "qdp.toml"
    config.write_text(
        f'home = "{tmp_path / ".qdp"}"\n[triage]\nsolubility_filter = true\n'
        "toxicity_filter = false\nshipped_filters = false\nn_workers = 1\nn_conformers = 1\n"
    )
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {
        "PREFECT_HOME": str(tmp_path / "prefect"),  # fresh: the server migrates its database
        "PREFECT_LOGGING_TO_API_ENABLED": "true",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(3)]
    try:
        run = subprocess.run(
            [sys.executable, str(script), str(library), str(config)],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=400,
        )  # fmt: skip
    finally:
        for process in busy:
            process.kill()
            process.wait()
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert "Traceback" not in output and "database is locked" not in output, output[-3000:]
    result = json.loads(run.stdout.split("RESULT ", 1)[1])
    assert result["root_handlers"] == ["OneLineConsoleHandler"]  # the server's config too
    triage, probe = result["triage"], result["probe"]
    assert triage["completed"] and triage["result"]["n_valid"] == 3, triage
    assert probe["completed"] and probe["result"] == [7], probe
    warnings = [(name, message) for name, level, message in triage["logs"] if level == 30]
    assert any(
        name == "pipeline.services.filters" and "no trained solubility filter" in message
        for name, message in warnings
    ), triage["logs"]
    assert ["molecules.probe", 30, "probe warning from task 7"] in probe["logs"], probe["logs"]
    store = open_store(load_settings(config))
    try:
        assert store.status().row_counts["triage_results"] == 3
    finally:
        store.close()

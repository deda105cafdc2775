"""Scheduled deployments against a real local Prefect server.

Starts ``prefect server start`` on a free loopback port (own PREFECT_HOME, analytics off),
serves the inbox-triage deployment on a 3 s interval with ``qdp serve-flows``, waits for a
scheduled run to complete and its results to land in the store, then stops every process.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from flows.deployments import build_deployments
from pipeline.config import load_settings
from pipeline.store import Store, open_store

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=ROOT,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A real Prefect server on loopback; yields its API URL and the client environment."""
    port = _free_port()
    home = tmp_path / "prefect-home"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    prefect = str(Path(sys.executable).with_name("prefect"))
    server = _start(
        [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env,
        tmp_path / "server.log",
    )
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 180
    try:
        while True:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp_path / "server.log").read_text()[-3000:])
            time.sleep(0.5)
        client_env = {**env, "PREFECT_API_URL": api, "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
        yield api, client_env
    finally:
        _stop(server)


def _inbox_with_a_library(tmp_path: Path, flows: str = "") -> tuple[Path, Path]:
    """An inbox holding a settled two-line library, and a qdp.toml with its store in tmp (and
    ``flows``, a ``[flows]`` table, appended)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "new.smi").write_text("CC(C)Cc1ccc(cc1)C(C)C(=O)O ibuprofen\nnot_smiles bad\n")
    os.utime(inbox / "new.smi", (time.time() - 60, time.time() - 60))
    config = tmp_path / "qdp.toml"
    config.write_text(
        f'home = "{tmp_path / ".qdp"}"\n[triage]\nsolubility_filter = false\n'
        f"toxicity_filter = false\n{flows}"
    )
    return inbox, config


def _assert_inbox_triaged(tmp_path: Path, inbox: Path) -> None:
    """The library moved to processed/ and its valid molecule is stored as passed."""
    assert (inbox / "processed" / "new.smi").is_file()
    store = Store.open(f"sqlite:///{tmp_path / '.qdp' / 'qdp.db'}")
    [outcome] = store.triage_results_for("HEFNNWSXXWATRW-UHFFFAOYSA-N")
    assert outcome.passed
    store.close()


def _prefect(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    """Run the ``prefect`` CLI; its output (stdout, then stderr)."""
    prefect = str(Path(sys.executable).with_name("prefect"))
    result = subprocess.run(
        [prefect, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return result.stdout + result.stderr


# Flow- and task-run log lines that name the process they were written in.
PID_LOG_FORMATS = {
    f"PREFECT_LOGGING_FORMATTERS_STANDARD_{kind.upper()}_RUN_FMT": (
        f"%(levelname)s | pid %(process)d | {kind.title()} run %({kind}_run_name)r - %(message)s"
    )
    for kind in ("flow", "task")
}


def _pids(output: str, kind: str, name: str | None = None) -> set[int]:
    """Processes that wrote ``kind`` ("Flow"/"Task") run lines (of runs named ``name``)."""
    run = re.escape(name) if name else "[^']+"
    return {int(m) for m in re.findall(rf"\| pid (\d+) \| {kind} run '{run}' - ", output)}


def _seed_values(config: Path, target: str, n: int = 8) -> None:
    """``n`` stored oracle values of ``target`` (an alkane's carbon count) for the retrain."""
    store = open_store(load_settings(config))
    store.create_campaign("seeded", {"campaign": {"target": target}})
    for carbons in range(1, n + 1):
        store.record_evaluation("seeded", "C" * carbons, 0, float(carbons))
    store.close()


@pytest.mark.slow
def test_deploy_all_then_a_process_worker_runs_a_deployment(
    tmp_path: Path, prefect_server: tuple[str, dict[str, str]]
) -> None:
    """The README's sequence: create the work pool, `prefect deploy --all` the shipped
    prefect.yaml, trigger the inbox triage and the retrain, and a real `prefect worker` runs
    both into their stores; the triage chunks run on the settings' process pool (each in a
    process other than the flow's), the retrain registers a model of the seeded values."""
    api, env = prefect_server
    env = {**env, **PID_LOG_FORMATS}
    _prefect(env, "work-pool", "create", "qdp", "--type", "process")
    _prefect(env, "--no-prompt", "deploy", "--all")
    deployments = httpx.post(f"{api}/deployments/filter", json={"limit": 10}).json()
    by_name = {d["name"]: d for d in deployments}
    assert set(by_name) == {"nightly-campaign-round", "weekly-surrogate-retrain", "inbox-triage"}
    for d in by_name.values():
        assert d["work_pool_name"] == "qdp" and "qdp" in d["tags"]
        assert d["version"] == version("qdp")  # the build step's {{ qdp_version }}
    assert "params" in by_name["nightly-campaign-round"]["parameter_openapi_schema"]["properties"]
    inbox, config = _inbox_with_a_library(tmp_path, '[flows]\ntask_runner = "processes"\n')
    params = f'{{"inbox": "{inbox}", "settings_ref": {{"config": "{config}"}}}}'
    _prefect(env, "deployment", "run", "inbox-triage/inbox-triage", "--params", params)
    retrain_config = tmp_path / "retrain" / "qdp.toml"
    retrain_config.parent.mkdir()
    retrain_config.write_text(
        f'home = "{retrain_config.parent / ".qdp"}"\n[campaign]\ntarget = "carbons"\n'
        '[surrogate]\nkind = "rf"\nrf_n_trees = 10\n'
    )
    _seed_values(retrain_config, "carbons")
    params = f'{{"settings_ref": {{"config": "{retrain_config}"}}}}'
    _prefect(env, "deployment", "run", "retrain/weekly-surrogate-retrain", "--params", params)
    output = _prefect(env, "worker", "start", "--pool", "qdp", "--run-once", timeout=400)
    runs = httpx.post(
        f"{api}/flow_runs/filter",
        json={"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}, "limit": 10},
    ).json()
    ran = {r["deployment_id"] for r in runs}
    assert {by_name["inbox-triage"]["id"], by_name["weekly-surrogate-retrain"]["id"]} <= ran, runs
    _assert_inbox_triaged(tmp_path, inbox)
    chunk_pids, flow_pids = _pids(output, "Task", "triage-chunk"), _pids(output, "Flow")
    assert chunk_pids and flow_pids, output[-3000:]
    assert not chunk_pids & flow_pids, output[-3000:]  # processes: no chunk ran in a flow's
    store = Store.open(f"sqlite:///{retrain_config.parent / '.qdp' / 'qdp.db'}")
    [model] = store.list_models()
    assert (model.target, model.n_train) == ("carbons", 8)
    store.close()


def test_prefect_yaml_defines_the_three_schedules() -> None:
    deployments = {d.name: d for d in build_deployments(ROOT / "prefect.yaml")}
    assert set(deployments) == {
        "nightly-campaign-round",
        "weekly-surrogate-retrain",
        "inbox-triage",
    }
    assert deployments["nightly-campaign-round"].schedules[0].schedule.cron == "0 2 * * *"
    assert deployments["weekly-surrogate-retrain"].schedules[0].schedule.cron == "0 3 * * 0"
    assert deployments["inbox-triage"].schedules[0].schedule.interval.total_seconds() == 300
    for deployment in deployments.values():  # served ones are versioned and tagged as deployed
        assert deployment.version == version("qdp") and "qdp" in deployment.tags


@pytest.mark.slow
def test_scheduled_inbox_triage_runs_and_stores(
    tmp_path: Path, prefect_server: tuple[str, dict[str, str]]
) -> None:
    api, env = prefect_server
    inbox, config = _inbox_with_a_library(tmp_path)
    deployments = tmp_path / "prefect.yaml"
    deployments.write_text(f"""
deployments:
  - name: inbox-triage
    entrypoint: {ROOT / "flows" / "inbox.py"}:inbox_triage_flow
    concurrency_limit: 1
    parameters:
      inbox: {inbox}
      settings_ref: {{config: {config}}}
    schedules:
      - interval: 3
""")
    served = _start(
        [sys.executable, "-m", "pipeline.cli", "serve-flows", "--file", str(deployments)],
        env,
        tmp_path / "serve.log",
    )
    try:
        deadline = time.monotonic() + 420
        completed = []
        while time.monotonic() < deadline and not completed:
            time.sleep(2)
            assert served.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            runs = httpx.post(
                f"{api}/flow_runs/filter",
                json={"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}, "limit": 10},
            ).json()
            completed = [r for r in runs if r["deployment_id"] is not None]
        assert completed, (tmp_path / "serve.log").read_text()[-3000:]
    finally:
        _stop(served)
    _assert_inbox_triaged(tmp_path, inbox)

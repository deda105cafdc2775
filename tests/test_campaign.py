"""Campaigns: the CLI JSON contract, predictions from the stored model, and resuming after
``kill -9`` without repeating a finished oracle call."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from campaign_worker import job_for
from esol_data import COLUMN, ESOL, write_esol_library
from test_cli import run_qdp

from pipeline.config import Settings
from pipeline.services.campaigns import run_campaign_job
from pipeline.services.oracles import lookup_oracle_from_csv
from pipeline.store import open_store


def _small_library(tmp_path: Path, n: int = 60) -> Path:
    return write_esol_library(tmp_path / "library.smi", n)


def test_campaign_cli_json_contract_and_predict(tmp_path: Path) -> None:
    library = _small_library(tmp_path)
    result = run_qdp(
        "campaign",
        "--library",
        str(library),
        "--oracle",
        f"lookup:{ESOL}",
        "--target",
        COLUMN,
        "--maximize",
        "--surrogate",
        "rf",
        "--acquisition",
        "greedy",
        "--init-size",
        "10%",
        "--batch-size",
        "5",
        "--rounds",
        "3",
        "--no-triage",
        "--seed",
        "1",
        "--json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "finished" and report["stop_reason"] == "rounds"
    n_init = round(report["pool_size"] * 0.10)  # --init-size 10%
    assert [len(r["selected"]) for r in report["rounds"]] == [n_init, 5, 5, 5]
    assert len(report["evaluated"]) == n_init + 15  # >= 20: enough held-out values to judge
    calls = n_init + 15  # planned (init + batch x rounds) = made: the final progress line
    assert f"campaign: {calls}/{calls} calls (100%)" in result.stderr, result.stderr
    assert len({e["smiles"] for e in report["evaluated"]}) == n_init + 15
    truth = lookup_oracle_from_csv(ESOL, COLUMN)
    for e in report["evaluated"]:  # the lookup oracle returned the file's values
        assert e["value"] == truth.evaluate([e["smiles"]])[0].value
    assert report["rounds"][1]["metrics"]["n_train"] == n_init
    assert "batch_rmse" in report["rounds"][1]["metrics"]

    page = Path(report["report"]).read_text()  # self-contained: nothing but this file
    assert "<svg" in page and "data:image/png;base64," in page and "data:text/csv;base64," in page
    assert COLUMN in page and "predicted" in page and "&quot;pyscf&quot;" in page
    assert 'src="campaign-' not in page  # no plot files beside it

    seen = report["evaluated"][0]
    predicted = run_qdp("predict", seen["smiles"], "bogus(", "--json", cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stderr
    payload = json.loads(predicted.stdout)
    assert payload["model_version"] == report["model_version"]
    known, bogus = payload["items"]
    assert abs(known["mean"] - seen["value"]) < 1.0  # log units; a training molecule
    assert known["std"] >= 0 and known["nearest_tanimoto"] == 1.0
    assert bogus["error"] == "invalid SMILES"

    # a long file goes through worker processes: same answers, in order, per-item errors
    valid = [e["smiles"] for e in report["evaluated"]]
    queries = (valid * 9000)[:9000]
    queries[5000] = "bogus("
    big = tmp_path / "big.smi"
    big.write_text("\n".join(queries) + "\n")
    env = {"QDP_PREDICT__WORKERS": "2"}
    bulk = run_qdp("predict", "--file", str(big), "--json", cwd=tmp_path, env=env)
    assert bulk.returncode == 0, bulk.stderr
    items = json.loads(bulk.stdout)["items"]
    assert [i["smiles"] for i in items] == queries
    assert items[5000]["error"] == "invalid SMILES"
    assert sum("error" in i for i in items) == 1
    repeats = [i for i in items if i["smiles"] == seen["smiles"]]
    assert len(repeats) > 100
    assert all(abs(i["mean"] - known["mean"]) < 1e-9 for i in repeats)


def test_resume_after_kill_repeats_no_oracle_call(tmp_path: Path) -> None:
    library = _small_library(tmp_path)
    home = tmp_path / ".qdp"
    worker = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("campaign_worker.py")),
            str(home),
            str(library),
            str(ESOL),
            COLUMN,
        ],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
    )
    settings = Settings(home=home)
    deadline = time.monotonic() + 240
    store = None
    campaign_id = None
    while time.monotonic() < deadline:  # wait until round 1 is part-way through its oracle calls
        time.sleep(0.05)
        if store is None and (home / "qdp.db").exists():
            store = open_store(settings)
        if store is None:
            continue
        with store.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT campaign_id, round_index FROM campaign_evaluations"
            ).fetchall()
        if any(r[1] == 1 for r in rows) and len(rows) < 12:
            campaign_id = rows[0][0]
            os.kill(worker.pid, signal.SIGKILL)
            break
    worker.wait(timeout=30)
    assert campaign_id is not None, "the worker never reached round 1"
    assert store is not None
    before = {e.smiles for e in store.campaign_evaluations(campaign_id)}
    assert 6 < len(before) < 12  # killed mid-round

    job = job_for(library, ESOL, COLUMN, settings)
    oracle = lookup_oracle_from_csv(ESOL, COLUMN)
    report = run_campaign_job(
        settings, store, campaign_id=campaign_id, oracle_factory=lambda _job: oracle
    )
    assert not before & set(oracle.calls), "a finished oracle call was repeated"
    assert report["status"] == "finished"
    assert len(report["evaluated"]) == 6 + 6 + 6
    assert before <= {e["smiles"] for e in report["evaluated"]}
    assert report["pool_size"] == len(job.pool)
    store.close()


def test_a_running_campaign_refuses_a_second_runner(tmp_path: Path) -> None:
    """Two `qdp campaign --resume ID` at once: the second refuses in one line (the lease),
    and once the first has finished the campaign resumes (and is finished) normally."""
    library = _small_library(tmp_path)
    home = tmp_path / ".qdp"
    worker = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("campaign_worker.py")),
         str(home), str(library), str(ESOL), COLUMN, "1.5"],  # 18 calls: about 30 s
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
    )  # fmt: skip
    settings = Settings(home=home)
    deadline = time.monotonic() + 240
    campaign_id = None
    while campaign_id is None and time.monotonic() < deadline:
        time.sleep(0.2)
        if (home / "qdp.db").exists():
            store = open_store(settings)
            with store.engine.connect() as connection:
                rows = connection.exec_driver_sql("SELECT campaign_id FROM campaign_leases")
                campaign_id = next((r[0] for r in rows), None)
            store.close()
    assert campaign_id is not None, "the worker never took its lease"
    second = run_qdp("campaign", "--resume", campaign_id, cwd=tmp_path, env={"QDP_HOME": str(home)})
    assert worker.poll() is None, "the worker finished before the second runner tried"
    assert second.returncode == 1, second.stderr
    last = second.stderr.strip().splitlines()[-1]
    assert last.startswith("qdp: error: ") and "is being run by" in last, second.stderr
    assert "Traceback" not in second.stderr
    assert worker.wait(timeout=240) == 0
    again = run_qdp("campaign", "--resume", campaign_id, "--json", cwd=tmp_path,
                    env={"QDP_HOME": str(home)})  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["status"] == "finished"

"""The Dask task runner: a local cluster gives the same triage; on an external cluster (real
`dask scheduler` and `dask worker` processes) every result lands in the flow's one store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from flows.settings_param import SettingsRef
from pipeline.config import FlowSettings
from pipeline.store import Store

LIBRARY = (
    "\n".join(
        [
            "CC(C)Cc1ccc(cc1)C(C)C(=O)O ibuprofen",
            "CC(=O)Nc1ccc(O)cc1 paracetamol",
            "O=C1NC(=S)SC1=Cc1ccccc1 rhodanine",
            "C1CCCCC1 cyclohexane",
            "bad_smiles bad",
        ]
    )
    + "\n"
)


def test_make_task_runner_names() -> None:
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from flows.runners import make_task_runner

    assert isinstance(make_task_runner(FlowSettings()), ThreadPoolTaskRunner)
    assert isinstance(
        make_task_runner(FlowSettings(task_runner="processes")), ProcessPoolTaskRunner
    )
    remote = make_task_runner(FlowSettings(task_runner="dask", dask_address="tcp://10.0.0.1:8786"))
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.1:8786"


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_triage_flow_on_a_local_dask_cluster(tmp_path: Path) -> None:
    from flows.triage import triage_flow

    library = tmp_path / "lib.smi"
    library.write_text(LIBRARY)
    config = tmp_path / "qdp.toml"
    config.write_text(
        f'home = "{tmp_path / ".qdp"}"\n'
        "[triage]\nchunk_size = 2\nsolubility_filter = false\n"
        'toxicity_filter = false\n[flows]\ntask_runner = "dask"\nmax_workers = 2\n'
    )
    summary = triage_flow(str(library), SettingsRef(config=str(config)), all_reasons=True)
    assert (summary["n_input"], summary["n_valid"]) == (5, 4)
    assert summary["rejected_by_reason"]["invalid_smiles"] == 1
    assert summary["rejected_by_reason"]["pains"] == 1
    store = Store.open(f"sqlite:///{tmp_path / '.qdp' / 'qdp.db'}")
    assert store.status().row_counts["triage_results"] == 4
    store.close()


def _start(command: list[str], cwd: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=cwd, stdout=log.open("w"), stderr=subprocess.STDOUT,
        env={**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"},
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_campaign_on_an_external_dask_cluster_writes_one_store(tmp_path: Path) -> None:
    """A `dask scheduler` and a `dask worker` (another working directory) on loopback: every
    VQE result computed on the worker lands in the flow's store, none beside the worker."""
    from flows.campaign import CampaignParams, campaign_flow

    dask = Path(sys.executable).with_name("dask")
    port = _free_port()
    worker_dir = tmp_path / "worker"
    worker_dir.mkdir()
    scheduler = _start(
        [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--no-dashboard"], tmp_path, tmp_path / "scheduler.log",
    )  # fmt: skip
    worker = _start(
        [str(dask), "worker", f"tcp://127.0.0.1:{port}", "--nworkers", "1", "--nthreads", "1",
         "--no-dashboard", "--host", "127.0.0.1"], worker_dir, tmp_path / "worker.log",
    )  # fmt: skip
    try:
        library = tmp_path / "lib.smi"
        library.write_text("C\nN\nO\nCC\nCO\nCN\n")
        run_dir = tmp_path / "flow"
        run_dir.mkdir()
        config = run_dir / "qdp.toml"
        config.write_text(
            'home = ".qdp"\n'  # relative: it must be resolved where the flow runs
            "[quantum]\nactive_electrons = 2\nactive_orbitals = 2\n"
            '[campaign]\ntarget = "energy_hartree"\nmaximize = false\ninit_size = 3\n'
            'batch_size = 2\nrounds = 1\n[surrogate]\nkind = "rf"\nrf_n_trees = 10\n'
            f'[flows]\ntask_runner = "dask"\ndask_address = "tcp://127.0.0.1:{port}"\n'
        )
        cwd = Path.cwd()
        os.chdir(run_dir)
        try:
            report = campaign_flow(
                CampaignParams(
                    campaign_id="on-dask", library=str(library), oracle="vqe", triage=False,
                    settings_ref=SettingsRef(config=str(config)),
                )
            )  # fmt: skip
        finally:
            os.chdir(cwd)
        assert len(report["evaluated"]) == 5
        assert all(e["value"] is not None for e in report["evaluated"]), report["evaluated"]
        store = Store.open(f"sqlite:///{run_dir / '.qdp' / 'qdp.db'}")
        assert store.status().row_counts["quantum_calculations"] == 5
        store.close()
        assert not (worker_dir / ".qdp").exists()  # nothing written beside the worker
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])

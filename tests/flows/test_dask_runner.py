"""The Dask task runner (prefect-dask, a small local cluster) gives the same triage."""

from __future__ import annotations

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
    from flows.triage import run_triage_flow

    library = tmp_path / "lib.smi"
    library.write_text(LIBRARY)
    config = tmp_path / "qdp.toml"
    config.write_text(
        f'home = "{tmp_path / ".qdp"}"\n'
        "[triage]\nchunk_size = 2\nsolubility_filter = false\n"
        'toxicity_filter = false\n[flows]\ntask_runner = "dask"\nmax_workers = 2\n'
    )
    summary = run_triage_flow(str(library), SettingsRef(config=str(config)), all_reasons=True)
    assert (summary["n_input"], summary["n_valid"]) == (5, 4)
    assert summary["rejected_by_reason"]["invalid_smiles"] == 1
    assert summary["rejected_by_reason"]["pains"] == 1
    store = Store.open(f"sqlite:///{tmp_path / '.qdp' / 'qdp.db'}")
    assert store.status().row_counts["triage_results"] == 4
    store.close()

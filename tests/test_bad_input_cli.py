"""Every failure a user can cause is one line ``qdp: error: ...`` and exit 2 (input) or 1 (fault).

Most cases call the console entry point in this process (the import cost is paid once); the
Ctrl-C case is a real subprocess and a real SIGINT.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import sqlalchemy.exc
from rdkit import Chem
from rdkit.Chem import AllChem
from sqlalchemy import update

from pipeline.cli.main import main
from pipeline.config import Settings
from pipeline.services.surrogate_models import train_and_register
from pipeline.store import open_store
from pipeline.store.models import SurrogateModel
from surrogates.settings import SurrogateSettings
from surrogates.weights import write_manifest

ESOL = Path(__file__).resolve().parents[1] / "data" / "esol_delaney.csv"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QDP_HOME", str(tmp_path / ".qdp"))
    return tmp_path / ".qdp"


def qdp(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str):
    """Run ``qdp ARGS`` through the console entry point: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["qdp", *args])
    with pytest.raises(SystemExit) as info:
        main()
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def assert_one_line(err: str, *needles: str) -> None:
    assert err.startswith("qdp: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err


def _write_sdf(path: Path) -> Path:
    mol = Chem.AddHs(Chem.MolFromSmiles("CCO"))
    AllChem.EmbedMolecule(mol, randomSeed=1)
    path.write_bytes(b"caf\xe9\n" + Chem.MolToMolBlock(mol).split("\n", 1)[1].encode())
    return path


def test_bad_energy_inputs_are_one_line_exit_2(home: Path, monkeypatch, capsys) -> None:
    cases = [
        (["--smiles", "CCＯ"], "non_ascii"),  # was computed as ethane
        (["--smiles", "[Fe](C#N)C#N"], "metals"),  # was computed as HCN
        (["--smiles", "CCO", "--charge", "-10"], "--charge -10"),
        (["--smiles", "CCO", "--active-space", "-2,2"], "--active-space"),
        (["--smiles", "CCO", "--active-space", "14,14"], "max_qubits"),
        (["--xyz", "H 0 0 0; H 0 0 0"], "apart"),
        (["--xyz", "H 0 0 0; H 0 0 nan"], "non-finite"),
        (["--sdf", str(_write_sdf(home.parent / "latin1.sdf"))], "not UTF-8"),
    ]
    for args, needle in cases:
        code, _, err = qdp(monkeypatch, capsys, "energy", *args)
        assert code == 2, (args, err)
        assert_one_line(err, needle)
    store = open_store(Settings(home=home))
    assert store.status().row_counts["quantum_calculations"] == 0  # nothing stored for them
    store.close()


def test_triage_refuses_look_alike_smiles_per_line(home: Path, monkeypatch, capsys) -> None:
    library = home.parent / "lib.smi"
    library.write_text("CCO ethanol\nOＣＣＣ was_stored_as_water\nCCＯ was_ethane\n")
    code, out, _ = qdp(monkeypatch, capsys, "triage", str(library), "--no-conformers", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["n_input"] == 3 and report["rejected_by_reason"].get("non_ascii") == 2
    store = open_store(Settings(home=home))
    assert store.get_molecule("XLYOFNOQVPJJNP-UHFFFAOYSA-N") is None  # water
    assert store.get_molecule("OTMSDBZUPAUEDD-UHFFFAOYSA-N") is None  # ethane
    assert store.get_molecule("LFQSCWFLJHTTHZ-UHFFFAOYSA-N") is not None  # ethanol
    store.close()


def test_triage_out_into_missing_folder(home: Path, monkeypatch, capsys) -> None:
    library = home.parent / "lib.smi"
    library.write_text("CCO ethanol\n")
    code, _, err = qdp(monkeypatch, capsys, "triage", str(library), "--out", "missing/x.csv")
    assert code == 2
    assert_one_line(err, "missing")


def test_read_only_store_is_one_line_exit_1(home: Path, monkeypatch, capsys) -> None:
    library = home.parent / "lib.smi"
    library.write_text("CCO ethanol\n")
    assert qdp(monkeypatch, capsys, "db", "status")[0] == 0  # creates the store
    monkeypatch.setenv("QDP_DATABASE_URL", f"sqlite:///file:{home / 'qdp.db'}?mode=ro&uri=true")
    code, _, err = qdp(monkeypatch, capsys, "triage", str(library), "--no-conformers")
    assert code == 1
    assert_one_line(err, "readonly")


@pytest.mark.parametrize(
    ("fault", "needle"),
    [
        (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "qdp.db"), "No space left on device"),
        (
            sqlalchemy.exc.OperationalError(
                "INSERT", {}, sqlite3.OperationalError("database or disk is full")
            ),
            "disk is full",
        ),
        (RuntimeError("boom\nsecond line"), "QDP_DEBUG=1"),
    ],
)
def test_faults_are_one_line_exit_1(home: Path, monkeypatch, capsys, fault, needle) -> None:
    import pipeline.services.triage

    def fail(*_args, **_kwargs):
        raise fault

    monkeypatch.setattr(pipeline.services.triage, "run_triage", fail)
    library = home.parent / "lib.smi"
    library.write_text("CCO\n")
    code, _, err = qdp(monkeypatch, capsys, "triage", str(library))
    assert code == 1
    assert_one_line(err, needle)
    monkeypatch.setenv("QDP_DEBUG", "1")  # the traceback is there for whoever asks
    monkeypatch.setattr(sys, "argv", ["qdp", "triage", str(library)])
    with pytest.raises(type(fault)):
        main()


def _register_rf(home: Path, metrics: dict | None = None):
    with ESOL.open() as handle:
        rows = list(csv.DictReader(handle))[:40]
    store = open_store(Settings(home=home))
    registered = train_and_register(
        store,
        [r["smiles"] for r in rows],
        [float(r["measured log solubility in mols per litre"]) for r in rows],
        target="logS",
        settings=SurrogateSettings(kind="rf", rf_n_trees=20),
        models_dir=home / "models",
        metrics=metrics,
    )
    return store, registered


def test_predict_keeps_bracket_atoms_and_refuses_tampered_weights(
    home: Path, monkeypatch, capsys
) -> None:
    store, registered = _register_rf(home)
    version = str(registered.record.id)
    code, out, _ = qdp(monkeypatch, capsys, "predict", "c1cc[nH]c1", "CCＯ", "--model", version)
    assert code == 0
    assert "c1cc[nH]c1" in out  # Rich markup used to eat "[nH]"
    assert "U+FF2F" in out  # the look-alike is refused, not predicted as ethane

    # Weights replaced by a pickle-bearing array, manifest and stored hash forged to match.
    directory = Path(registered.record.path)
    weights = next(p for p in directory.iterdir() if p.suffix == ".npz")
    np.savez(weights, payload=np.array([{"evil": 1}], dtype=object))
    write_manifest(directory, [p for p in directory.iterdir() if p.name != "manifest.json"])
    from pipeline.services.model_files import directory_sha256

    with store.session() as session, session.begin():
        session.execute(
            update(SurrogateModel)
            .where(SurrogateModel.id == registered.record.id)
            .values(sha256=directory_sha256(directory))
        )
    store.close()
    code, _, err = qdp(monkeypatch, capsys, "predict", "CCO", "--model", version)
    assert code == 1
    assert_one_line(err, "cannot read its weights")
    code, _, err = qdp(monkeypatch, capsys, "predict", "CCO", "--model", str(2**63))
    assert code == 2  # was an OverflowError from SQLite
    assert_one_line(err, "no surrogate model version")


def test_model_below_its_bar_is_stored_but_never_the_default(
    home: Path, monkeypatch, capsys
) -> None:
    from pipeline.services.surrogate_models import load_registered

    # the weekly retrain's case: R² = -62.6 on 2 held-out values
    store, bad = _register_rf(home, {"r2": -62.6, "rmse": 3.0, "n_test": 2})
    assert not bad.accepted and bad.record.metrics["accepted"] is False
    loaded = load_registered(store, bad.record.id, models_dir=home / "models")  # asked for: yes
    assert loaded.record.id == bad.record.id
    store.close()
    code, _, err = qdp(monkeypatch, capsys, "predict", "CCO")
    assert code == 2
    assert_one_line(err, "quality gate", f"--model {bad.record.id}")


def test_train_filters_below_bar_exits_1(home: Path, monkeypatch, capsys) -> None:
    import pipeline.services.filters as filters

    assert filters.filter_gate("solubility", {"test_rmse": 0.9}, 100)["accepted"] is False
    assert filters.filter_gate("solubility", {"test_rmse": 0.5}, 100)["accepted"] is True
    assert filters.filter_gate("toxicity", {"test_roc_auc": 0.9}, 5)["accepted"] is False

    def fake_train(store, target, models_dir, training, progress=None):
        record = SimpleNamespace(
            id=7, path="/m", metrics=filters.filter_gate(target, {"test_rmse": 0.93}, 100)
        )
        report = SimpleNamespace(metrics={"test_rmse": 0.93}, n_train=900, wall_seconds=1.0)
        return filters.TrainedFilter(record, report)  # type: ignore[arg-type]

    monkeypatch.setattr(filters, "train_filter", fake_train)
    code, out, err = qdp(monkeypatch, capsys, "train-filters", "--only", "solubility")
    assert code == 1
    assert "NO" in out
    assert err.startswith("training the solubility filter")  # progress, then one error line
    assert_one_line(err.split("\n", 1)[1], "solubility (model 7", "not used by triage")


def test_help_keeps_bracket_hints(home: Path, monkeypatch, capsys) -> None:
    code, out, _ = qdp(monkeypatch, capsys, "serve", "--help")
    assert code == 0
    assert "[api.host]" in out and "[api.port]" in out


def test_usage_errors_are_one_line_exit_2(home: Path, monkeypatch, capsys) -> None:
    for args, needle in [
        (["energy", "--charge", "abc"], "--charge"),
        (["nosuch"], "nosuch"),
        (["predict", "--model"], "--model"),
    ]:
        code, _, err = qdp(monkeypatch, capsys, *args)
        assert code == 2, args
        assert_one_line(err, needle, "--help")
    code, out, err = qdp(monkeypatch, capsys)  # no command: the help text, as before
    assert code == 2 and "Usage" in out + err


SLOW_ENERGY = """
import sys, time
import pipeline.services.energies as energies

def slow(*args, **kwargs):
    print("computing", flush=True)
    time.sleep(120)

energies.get_or_compute_energy = slow
sys.argv = ["qdp", "energy", "--xyz", "H 0 0 0; H 0 0 0.74"]
from pipeline.cli.main import main
main()
"""


def test_ctrl_c_exits_130_with_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "QDP_HOME": str(tmp_path / ".qdp")}
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_ENERGY],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "computing"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert err == "qdp: interrupted\n"

"""``qdp triage`` end to end: the JSON contract, the store, reruns, bad files."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from test_cli import run_qdp

from pipeline.store import Store

LIBRARY = """\
# a tiny library: SMILES name
CC(=O)Oc1ccccc1C(=O)O aspirin
O=C1NC(=S)SC1=Cc1ccccc1 benzylidene-rhodanine
not_a_smiles broken
CC(=O)Oc1ccccc1C(=O)O aspirin-again
CC(C)Cc1ccc(cc1)C(C)C(=O)O ibuprofen

"""


def test_triage_json_contract_and_store(tmp_path: Path) -> None:
    library = tmp_path / "library.smi"
    library.write_text(LIBRARY)
    args = ("triage", str(library), "--json", "--all-reasons")
    result = run_qdp(*args, "--out", "passed.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    for key in (
        "n_input",
        "n_valid",
        "n_unique",
        "n_passed",
        "rejected_by_reason",
        "wall_seconds",
        "molecules_per_second",
    ):
        assert key in report
    assert (report["n_input"], report["n_valid"], report["n_unique"]) == (5, 4, 3)
    assert report["rejected_by_reason"]["invalid_smiles"] == 1
    assert report["rejected_by_reason"]["pains"] == 1  # every failing rule, not the first
    with (tmp_path / "passed.csv").open() as handle:
        passed = {row["name"] for row in csv.DictReader(handle)}
    assert passed == {"ibuprofen"}  # aspirin hits Brenk's phenol ester, the rhodanine PAINS

    store = Store.open(f"sqlite:///{tmp_path / '.qdp' / 'qdp.db'}")
    counts = store.status().row_counts
    assert counts["molecules"] == 3 and counts["triage_results"] == 3
    ibuprofen = store.get_molecule("HEFNNWSXXWATRW-UHFFFAOYSA-N")
    # passed, but no 3D yet: a conformer is made when a 3D step first needs one
    assert ibuprofen is not None and ibuprofen.conformer_molblock is None
    [outcome] = store.triage_results_for("HEFNNWSXXWATRW-UHFFFAOYSA-N")
    assert outcome.passed and outcome.reasons == []
    aspirin = store.get_molecule("BSYNRYMUTXBXSQ-UHFFFAOYSA-N")
    assert aspirin is not None and set(aspirin.name.split("; ")) == {"aspirin", "aspirin-again"}
    store.close()

    again = run_qdp(*args, "--conformers", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    store = Store.open(f"sqlite:///{tmp_path / '.qdp' / 'qdp.db'}")
    assert store.status().row_counts == counts  # a rerun stores nothing twice
    ibuprofen = store.get_molecule("HEFNNWSXXWATRW-UHFFFAOYSA-N")
    assert ibuprofen is not None and "M  END" in ibuprofen.conformer_molblock  # asked for now
    aspirin = store.get_molecule("BSYNRYMUTXBXSQ-UHFFFAOYSA-N")
    assert aspirin is not None and aspirin.conformer_molblock is None  # failed: none
    store.close()


def test_triage_missing_file_exits_2(tmp_path: Path) -> None:
    result = run_qdp("triage", "absent.smi", cwd=tmp_path)
    assert result.returncode == 2
    assert "absent.smi" in result.stderr and "Traceback" not in result.stderr


def test_triage_progress_lines_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    library = tmp_path / "library.smi"
    library.write_text(LIBRARY)
    env = {
        "QDP_PROGRESS_INTERVAL_SECONDS": "0",  # a line per chunk
        "QDP_TRIAGE__CHUNK_SIZE": "2",
        "QDP_TRIAGE__N_WORKERS": "1",
        "QDP_TRIAGE__SOLUBILITY_FILTER": "false",
        "QDP_TRIAGE__TOXICITY_FILTER": "false",
    }
    result = run_qdp("triage", str(library), "--json", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["n_input"] == 5  # stdout stays one JSON document
    lines = [ln for ln in result.stderr.splitlines() if "triage: " in ln]
    # 5 molecule lines (the comment and the blank line are not counted) in chunks of 2 lines
    pattern = r"triage: (\d+)/5 mol \(\d+%\) [\d.,]+ mol/(s|min)"
    counts = [re.search(pattern, ln) for ln in lines]
    assert all(counts), lines
    assert [int(m.group(1)) for m in counts if m] == [1, 3, 5, 5, 5]  # the last: the end
    assert "ETA" in lines[0] and lines[-1].endswith(tuple(f"done in {n} s" for n in range(60)))
    assert "(100%)" in lines[-1]

"""``triage_flow`` under a real (test-harness) Prefect server: same outcomes as the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings_param import SettingsRef
from pipeline.store import Store

LIBRARY = """\
CC(C)Cc1ccc(cc1)C(C)C(=O)O ibuprofen
O=C1NC(=S)SC1=Cc1ccccc1 benzylidene-rhodanine
not_a_smiles broken
CC(C)Cc1ccc(cc1)C(C)C(=O)O ibuprofen-again
CC(=O)Nc1ccc(O)cc1 paracetamol
C=CC(=O)N1CCOCC1 acryloyl-morpholine
"""


@pytest.mark.usefixtures("prefect_harness")
def test_triage_flow_stores_chunks_and_marks_duplicates(tmp_path: Path) -> None:
    from flows.triage import run_triage_flow

    library = tmp_path / "lib.smi"
    library.write_text(LIBRARY)
    config = tmp_path / "qdp.toml"
    config.write_text(
        f'home = "{tmp_path / ".qdp"}"\n[triage]\nchunk_size = 2\n'
        "solubility_filter = false\ntoxicity_filter = false\n"
    )
    summary = run_triage_flow(str(library), SettingsRef(config=str(config)), all_reasons=True)
    assert (summary["n_input"], summary["n_valid"], summary["n_unique"]) == (6, 5, 4)
    assert summary["rejected_by_reason"]["duplicate"] == 1  # across chunks 0 and 1
    assert summary["rejected_by_reason"]["invalid_smiles"] == 1
    store = Store.open(f"sqlite:///{tmp_path / '.qdp' / 'qdp.db'}")
    assert store.status().row_counts["triage_results"] == 4
    ibuprofen = store.triage_results_for("HEFNNWSXXWATRW-UHFFFAOYSA-N")
    assert ibuprofen[0].passed
    store.close()

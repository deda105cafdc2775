"""``qdp triage`` with ``require_warhead``: the reason, class table, CSV column and store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from test_cli import run_qdp

from pipeline.cli.triage import _print_summary
from pipeline.store import Store

LIBRARY = """\
C=CC(=O)NC n-methylacrylamide
O=C1C=CC(=O)N1C n-methylmaleimide
CCCCO butanol
CC(=O)NC n-methylacetamide
"""


@pytest.mark.slow
def test_triage_require_warhead(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "library.smi").write_text(LIBRARY)
    (tmp_path / "qdp.toml").write_text("[triage]\nrequire_warhead = true\nbrenk = false\n")
    args = ("triage", "library.smi", "--config", "qdp.toml", "--no-conformers")
    result = run_qdp(*args, "--json", "--out", "passed.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["rejected_by_reason"] == {"no_warhead": 2}
    assert report["passed_by_warhead_class"] == {"acrylamide": 1, "maleimide": 1}
    with (tmp_path / "passed.csv").open() as handle:
        rows = {row["name"]: row["warhead_class"] for row in csv.DictReader(handle)}
    assert rows == {"n-methylacrylamide": "acrylamide", "n-methylmaleimide": "maleimide"}

    store = Store.open(f"sqlite:///{tmp_path / '.qdp' / 'qdp.db'}")
    [outcome] = store.triage_results_for("YPHQUSNPXDGUHL-UHFFFAOYSA-N")  # N-methylacrylamide
    assert outcome.passed
    assert (outcome.descriptors["warhead_class"], outcome.descriptors["warhead_site"]) == (
        "acrylamide",
        0,  # the CH2 of the stored canonical SMILES C=CC(=O)NC
    )
    [butanol] = store.triage_results_for("LRHPLDYGYMQRHN-UHFFFAOYSA-N")
    assert not butanol.passed and butanol.reasons == ["no_warhead"]
    store.close()

    _print_summary(report, None)
    printed = capsys.readouterr().out
    assert "warhead class" in printed and "maleimide" in printed and "no_warhead" in printed

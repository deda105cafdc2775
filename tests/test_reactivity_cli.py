"""``qdp reactivity``: failures are one line each and stored; refused input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import run_qdp


@pytest.mark.slow
def test_reactivity_failures_json_and_exit_codes(tmp_path: Path) -> None:
    both = run_qdp("reactivity", "--smiles", "CCO", "--smiles", "[CH2]C=CC#N", cwd=tmp_path)
    assert both.returncode == 0, both.stderr
    assert "CCO: failed: NoWarheadError: no covalent warhead found in CCO" in both.stdout
    assert "[CH2]C=CC#N: refused:" in both.stdout and "unpaired" in both.stdout
    as_json = run_qdp("reactivity", "--smiles", "CCO", "--json", cwd=tmp_path)
    [row] = json.loads(as_json.stdout)
    assert row["status"] == "failed" and row["error"].startswith("NoWarheadError")
    refused = run_qdp("reactivity", "--smiles", "C=CC(=O)[O-].[Pt+]", cwd=tmp_path)
    assert refused.returncode == 2
    none = run_qdp("reactivity", cwd=tmp_path)
    assert none.returncode == 2 and none.stderr.startswith("qdp: error:")

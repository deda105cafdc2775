"""``qdp energy`` as a user runs it: JSON contract, store reuse, --recompute, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import run_qdp

H2 = "H 0 0 0; H 0 0 0.7414"
H2_FCI_STO3G = -1.137270174660  # Hartree; FCI = CASCI(2,2) for H2 in STO-3G


def test_energy_json_reuse_and_recompute(tmp_path: Path) -> None:
    args = ("energy", "--xyz", H2, "--active-space", "2,2", "--properties", "--json")
    first = run_qdp(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    result = json.loads(first.stdout)
    for key in (
        "energy_hartree",
        "reference_energy_hartree",
        "error_mha",
        "matches_casci",
        "all_sectors_match_casci",
        "cation_error_mha",
        "hf_energy_hartree",
        "n_qubits",
        "n_parameters",
        "wall_seconds",
        "ionization_potential_ev",
        "electron_affinity_ev",
        "electrophilicity_ev",
    ):
        assert key in result, key
    assert abs(result["reference_energy_hartree"] - H2_FCI_STO3G) < 1e-8
    assert abs(result["energy_hartree"] - result["reference_energy_hartree"]) < 1.6e-3
    assert result["matches_casci"] is True and result["all_sectors_match_casci"] is True
    assert result["n_qubits"] == 4
    assert result["ionization_potential_ev"] > 0 and result["hardness_ev"] > 0
    assert result["reused"] is False

    second = json.loads(run_qdp(*args, cwd=tmp_path).stdout)
    assert second["reused"] is True
    assert second["energy_hartree"] == result["energy_hartree"]
    forced = json.loads(run_qdp(*args, "--recompute", cwd=tmp_path).stdout)
    assert forced["reused"] is False


def test_impossible_active_space_is_one_clear_line(tmp_path: Path) -> None:
    failed = run_qdp("energy", "--xyz", H2, "--active-space", "4,8", cwd=tmp_path)
    assert failed.returncode != 0
    assert failed.stderr.startswith("qdp: error: ActiveSpaceError")
    assert failed.stderr.strip().count("\n") == 0


def test_energy_needs_exactly_one_input(tmp_path: Path) -> None:
    result = run_qdp("energy", "--xyz", H2, "--smiles", "C", cwd=tmp_path)
    assert result.returncode == 2 and "exactly one of" in result.stderr

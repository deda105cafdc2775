"""``qdp energy --backend ...`` as documented: mitigation rows, resources, one-line refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import run_qdp

from pipeline.cli.energy import _quantum_settings, energy
from pipeline.errors import SettingsError
from pipeline.quantum.settings import QuantumSettings

H2 = "H 0 0 0; H 0 0 0.7414"


def test_noisy_backend_json_and_table(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    args = {"xyz": H2, "active_space": "2,2", "backend": "noisy", "shots": 200_000}
    energy(**args, as_json=True)
    result = json.loads(capsys.readouterr().out)
    steps = result["backend_evaluation"]["steps"]
    assert [s["name"] for s in steps][-1] == "readout+postselection+zne"
    ref = result["reference_energy_hartree"]
    assert abs(steps[-1]["energy_hartree"] - ref) < abs(steps[0]["energy_hartree"] - ref) / 3
    assert result["resources"]["measurement_groups"] == 5
    # Another backend is another stored result: the exact one is computed, not the noisy reused.
    energy(xyz=H2, active_space="2,2", as_json=True)
    exact = json.loads(capsys.readouterr().out)
    assert exact["reused"] is False and exact["backend_evaluation"] is None
    energy(**args)  # the stored noisy result, as tables
    out = capsys.readouterr().out
    assert "zero-noise extrapolation" in out and "routed on the grid" in out


@pytest.mark.parametrize(
    ("override", "needle"),
    [
        ({"shots": 0}, "quantum.shots"),
        ({"noise_depolarizing_2q": 1.5}, "quantum.noise_depolarizing_2q"),
        ({"noise_readout": -0.1}, "quantum.noise_readout"),
    ],
)
def test_bad_backend_settings_are_one_line(override: dict, needle: str) -> None:
    with pytest.raises(SettingsError, match=needle) as info:
        _quantum_settings(QuantumSettings(), {"backend": "noisy", **override})
    assert "\n" not in str(info.value)


def test_too_many_qubits_for_noisy_is_one_line_exit_2(tmp_path: Path) -> None:
    failed = run_qdp(
        "energy", "--xyz", H2, "--backend", "noisy", "--active-space", "6,6", cwd=tmp_path
    )
    assert failed.returncode == 2
    assert "at most 10 qubits" in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1

"""compute_energy: result keys, properties on closed-shell molecules, solvent, settings hash."""

from __future__ import annotations

import json

import pytest
from quantum.cases import H2, H2O

from pipeline.quantum.calculation import calculation_hash, compute_energy
from pipeline.quantum.geometry import MoleculeInput
from pipeline.quantum.settings import QuantumSettings

REQUIRED_KEYS = {
    "energy_hartree",
    "reference_energy_hartree",
    "error_mha",
    "matches_casci",
    "all_sectors_match_casci",
    "active_space_correlation_fraction",
    "hf_energy_hartree",
    "n_qubits",
    "n_parameters",
    "wall_seconds",
    "circuit_depth",
    "two_qubit_gates",
    "n_evaluations",
    "software_versions",
    "calculation_hash",
    "ionization_potential_ev",
    "electron_affinity_ev",
    "electrophilicity_ev",
    "fundamental_gap_ev",
    "hardness_ev",
    "chemical_potential_ev",
    "correlation_energy_hartree",
}


def test_h2_result_keys_and_json() -> None:
    settings = QuantumSettings(active_electrons=2, active_orbitals=2, cross_check="cirq")
    result = compute_energy(H2, settings, properties=True)
    data = result.to_dict()
    assert set(data) >= REQUIRED_KEYS
    json.dumps(data, allow_nan=False)
    assert data["matches_casci"] and data["all_sectors_match_casci"]
    assert abs(data["error_mha"]) < 1e-6
    assert abs(data["cation_error_mha"]) < 1e-6 and abs(data["anion_error_mha"]) < 1e-6
    assert data["n_qubits"] == 4 and data["two_qubit_gates"] > 0
    assert result.cross_check_energy_hartree == pytest.approx(result.energy_hartree, abs=1e-8)
    assert set(data["software_versions"]) >= {"pyscf", "openfermion", "cirq", "qsimcirq", "numpy"}


@pytest.mark.parametrize(
    "molecule",
    [MoleculeInput(geometry=H2O), MoleculeInput(smiles="C=O"), MoleculeInput(smiles="N")],
)
def test_properties_are_sane_on_closed_shells(molecule: MoleculeInput) -> None:
    # resources_max_qubits=8: no device-resource estimate for NH3's 12-qubit CAS(6,6) circuit
    # (about 20 s, and not what this test is about).
    result = compute_energy(molecule, QuantumSettings(resources_max_qubits=8), properties=True)
    assert result.all_sectors_match_casci
    assert result.ionization_potential_ev is not None and result.ionization_potential_ev > 0
    assert result.hardness_ev is not None and result.hardness_ev > 0
    assert result.correlation_energy_hartree < 0
    assert abs(result.cation.error_mha) < 1.6 and abs(result.anion.error_mha) < 1.6  # type: ignore[union-attr]
    eta = result.ionization_potential_ev - result.electron_affinity_ev  # type: ignore[operator]
    mu = -(result.ionization_potential_ev + result.electron_affinity_ev) / 2  # type: ignore[operator]
    if mu < 0:
        assert result.electrophilicity_ev == pytest.approx(mu**2 / (2 * eta))
    else:  # e.g. water in STO-3G: EA << 0, mu > 0, so omega has no meaning
        assert result.electrophilicity_ev is None
        assert "mu >= 0" in result.to_dict()["electrophilicity_note"]
    fraction = result.active_space_correlation_fraction
    assert fraction is not None and 0.0 < fraction < 1.0


@pytest.mark.slow
def test_water_solvent_lowers_polar_molecule_energy() -> None:
    gas = compute_energy(H2O, QuantumSettings())
    wet = compute_energy(H2O, QuantumSettings(solvent="water"))
    assert wet.energy_hartree < gas.energy_hartree
    assert wet.all_sectors_match_casci


def test_calculation_hash_is_stable_and_sensitive() -> None:
    a = calculation_hash(QuantumSettings(), "geom")
    assert a == calculation_hash(QuantumSettings(), "geom")
    assert a != calculation_hash(QuantumSettings(basis="6-31g"), "geom")
    assert a != calculation_hash(QuantumSettings(), "other")

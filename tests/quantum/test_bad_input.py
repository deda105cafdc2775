"""The quantum input path refuses, before any work, what it would compute wrongly or forever."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdkit import Chem
from rdkit.Chem import AllChem

from pipeline.quantum.errors import GeometryError, InputRejectedError
from pipeline.quantum.geometry import MoleculeInput, build_mole, complete_hydrogens
from pipeline.quantum.guards import check_molecule, estimate_basis_functions
from pipeline.quantum.settings import QuantumSettings
from pipeline.services.energies import (
    EnergyInputError,
    get_or_compute_energy,
    method_hash,
    request_for_geometry,
    request_for_sdf,
    request_for_smiles,
)
from pipeline.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'qdp.db'}")


def _triage():
    from molecules.settings import TriageSettings

    return TriageSettings()


@pytest.mark.parametrize(
    ("smiles", "why"),
    [
        ("CCＯ", "non-ASCII"),  # was computed as ethane
        ("[Fe](C#N)C#N", "Fe"),  # was computed as HCN
        ("C1=CC=C[CH-]1.[Fe+2].C1=CC=C[CH-]1", "disconnected"),  # ferrocene: was C5H6
        ("C" * 60, "basis functions"),  # a 60-carbon chain: 422 STO-3G functions
    ],
)
def test_smiles_refused_before_any_work(store: Store, smiles: str, why: str) -> None:
    with pytest.raises(EnergyInputError, match=why):
        request_for_smiles(store, smiles, _triage(), quantum=QuantumSettings())
    assert store.status().row_counts["molecules"] == 0  # not even a conformer was made


def test_salt_is_stripped_and_said(store: Store) -> None:
    request = request_for_smiles(store, "CC(=O)[O-].[Na+]", _triage())
    assert any("[Na+]" in note for note in request.notes)
    assert "Na" not in request.molecule.molblock


def test_basis_estimate_equals_pyscf_count() -> None:
    settings = QuantumSettings()
    mol = build_mole(MoleculeInput(smiles="CCO"), settings.basis)
    symbols = [mol.atom_pure_symbol(i) for i in range(mol.natm)]
    assert estimate_basis_functions(symbols, "sto-3g") == mol.nao_nr() == 21
    assert estimate_basis_functions(symbols, "6-31g") == 39


@pytest.mark.parametrize(
    ("settings", "charge", "why"),
    [
        (QuantumSettings(max_basis_functions=10), None, "max_basis_functions"),
        (QuantumSettings(active_electrons=14, active_orbitals=14), None, "max_qubits"),
        (QuantumSettings(), -10, "max_abs_charge"),
    ],
)
def test_size_and_charge_limits(settings: QuantumSettings, charge: int | None, why: str) -> None:
    mol = build_mole(
        MoleculeInput(geometry="O 0 0 0; C 0 0 1.43; C 0 1.5 1.9", charge=charge or 0), "sto-3g"
    )
    with pytest.raises(InputRejectedError, match=why):
        check_molecule(mol, settings)


def test_metal_geometry_refused_unless_allowed() -> None:
    mol = build_mole(MoleculeInput(geometry="Li 0 0 0; H 0 0 1.6"), "sto-3g")
    with pytest.raises(InputRejectedError, match="Li"):
        check_molecule(mol, QuantumSettings())
    check_molecule(mol, QuantumSettings(allow_metals=True))


@pytest.mark.parametrize(
    ("geometry", "why"),
    [
        ("H 0 0 0; H 0 0 0", "0.000 Å apart"),
        ("H 0 0 0; H 0 0 nan", "non-finite"),
        ("H 0 0 0; H 0 0 inf", "non-finite"),
    ],
)
def test_overlapping_or_nan_coordinates(store: Store, geometry: str, why: str) -> None:
    with pytest.raises(GeometryError, match=why):
        build_mole(MoleculeInput(geometry=geometry), "sto-3g")
    request = request_for_geometry(geometry)
    with pytest.raises(EnergyInputError, match=why):
        get_or_compute_energy(store, request, QuantumSettings())
    assert store.status().row_counts["quantum_calculations"] == 0  # refused, not stored


def test_guards_do_not_change_the_store_key() -> None:
    plain = method_hash(QuantumSettings(), properties=False, charge=None, multiplicity=None)
    guarded = method_hash(
        QuantumSettings(max_basis_functions=50, max_qubits=8, max_abs_charge=1, allow_metals=True),
        properties=False,
        charge=None,
        multiplicity=None,
    )
    assert plain == guarded


def _ethanol_sdf(path: Path, *, hydrogens: bool) -> Path:
    mol = Chem.AddHs(Chem.MolFromSmiles("CCO"))
    AllChem.EmbedMolecule(mol, randomSeed=1)
    path.write_text(Chem.MolToMolBlock(mol if hydrogens else Chem.RemoveHs(mol)) + "$$$$\n")
    return path


def test_sdf_without_hydrogens_gets_them_and_says_so(tmp_path: Path) -> None:
    bare = request_for_sdf(_ethanol_sdf(tmp_path / "bare.sdf", hydrogens=False))
    assert bare.notes and "added 6 implicit hydrogens" in bare.notes[0]
    mol = build_mole(bare.molecule, "sto-3g")
    assert sorted(mol.atom_pure_symbol(i) for i in range(mol.natm)) == sorted("CCOHHHHHH")
    full = request_for_sdf(_ethanol_sdf(tmp_path / "full.sdf", hydrogens=True))
    assert full.notes == ()
    assert complete_hydrogens(full.molecule.molblock)[1] == 0


def test_non_utf8_sdf_is_an_input_error(tmp_path: Path) -> None:
    from pipeline.errors import InputFileError

    path = _ethanol_sdf(tmp_path / "x.sdf", hydrogens=True)
    path.write_bytes(b"caf\xe9" + path.read_bytes())
    with pytest.raises(InputFileError, match="not UTF-8"):
        request_for_sdf(path)

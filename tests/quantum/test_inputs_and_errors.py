"""Inputs (geometry, SMILES, molblock) and the domain errors of impossible requests."""

from __future__ import annotations

import pytest
from quantum.cases import H2, H2O, mean_field

from pipeline.errors import QdpError
from pipeline.quantum.active_space import select_active_space
from pipeline.quantum.calculation import compute_energy
from pipeline.quantum.errors import (
    ActiveSpaceError,
    AnsatzError,
    GeometryError,
    SCFConvergenceError,
)
from pipeline.quantum.excitations import Excitation
from pipeline.quantum.geometry import MoleculeInput, build_mole, embed_smiles
from pipeline.quantum.properties import anion_nelec, cation_nelec
from pipeline.quantum.scf import run_scf
from pipeline.quantum.settings import QuantumSettings


def test_from_text_detects_kind() -> None:
    assert MoleculeInput.from_text(H2).geometry
    assert MoleculeInput.from_text("CCO").smiles == "CCO"
    block = (
        "\n  test\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n"
        "    0.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\nM  END\n"
    )
    assert MoleculeInput.from_text(block).molblock


def test_smiles_embedding_is_deterministic() -> None:
    assert embed_smiles("CCO") == embed_smiles("CCO")
    mol = build_mole(MoleculeInput(smiles="CCO"), "sto-3g")
    assert mol.natm == 9 and mol.spin == 0


def test_molblock_input() -> None:
    from rdkit import Chem
    from rdkit.Chem import AllChem

    rd = Chem.AddHs(Chem.MolFromSmiles("O"))
    AllChem.EmbedMolecule(rd, randomSeed=1)
    mol = build_mole(MoleculeInput(molblock=Chem.MolToMolBlock(rd)), "sto-3g")
    assert mol.natm == 3 and mol.nelectron == 10


def test_charge_and_multiplicity() -> None:
    mol = build_mole(MoleculeInput(geometry=H2O, charge=1), "sto-3g")
    assert mol.nelectron == 9 and mol.spin == 1
    mol = build_mole(MoleculeInput(geometry="O 0 0 0; O 0 0 1.21", multiplicity=3), "sto-3g")
    assert mol.spin == 2
    with pytest.raises(GeometryError, match="multiplicity 2 is impossible"):
        build_mole(MoleculeInput(geometry=H2, multiplicity=2), "sto-3g")


def test_bad_smiles_is_a_geometry_error() -> None:
    with pytest.raises(GeometryError, match="cannot parse SMILES"):
        build_mole(MoleculeInput(smiles="C1CC(("), "sto-3g")


def test_open_shell_uses_rohf() -> None:
    result = run_scf(build_mole(MoleculeInput(geometry="O 0 0 0; H 0 0 0.97"), "sto-3g"))
    assert result.method == "ROHF" and result.path == "diis"


def test_unconverged_scf_raises_with_reason() -> None:
    mol = build_mole(MoleculeInput(geometry=H2O), "sto-3g")
    with pytest.raises(SCFConvergenceError, match="did not converge"):
        run_scf(mol, max_cycles=1)


@pytest.mark.parametrize(
    ("n_el", "n_orb", "message"),
    [
        (4, 40, "only 7 molecular orbitals"),
        (3, 4, "cannot carry spin"),
        (10, 4, "do not fit"),
        (12, 8, "molecule has 10"),
    ],
)
def test_impossible_active_space(n_el: int, n_orb: int, message: str) -> None:
    with pytest.raises(ActiveSpaceError, match=message):
        select_active_space(mean_field(H2O), n_el, n_orb)


def test_active_space_error_is_a_qdp_error() -> None:
    assert issubclass(ActiveSpaceError, QdpError)
    with pytest.raises(QdpError):
        compute_energy(H2, QuantumSettings())  # default CAS(4,4) does not fit H2/STO-3G


def test_no_room_for_an_extra_electron() -> None:
    with pytest.raises(ActiveSpaceError, match="full"):
        anion_nelec((2, 2), 2)
    with pytest.raises(ActiveSpaceError, match="no electron"):
        cation_nelec((0, 0))


def test_bad_excitation_is_an_ansatz_error() -> None:
    with pytest.raises(AnsatzError, match="same spin orbital"):
        Excitation((2,), (2,))
    with pytest.raises(AnsatzError, match="number of each spin"):
        Excitation((3,), (0,))


def test_mp2_natural_orbital_selection() -> None:
    space = select_active_space(mean_field(H2O), 0, 4, "mp2_natural_orbitals")
    assert space.n_orbitals == 4 and space.n_electrons % 2 == 0 and space.n_electrons > 0
    assert all(0.0 < n < 2.0 for n in space.natural_occupations)


def test_scf_ladder_records_the_fallback_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.quantum import scf as scf_module

    original = scf_module._new_mf
    calls = {"n": 0}

    def first_rung_starved(mol, solvent, max_cycles):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return original(mol, solvent, 1 if calls["n"] == 1 else max_cycles)

    monkeypatch.setattr(scf_module, "_new_mf", first_rung_starved)
    mol = build_mole(MoleculeInput(geometry=H2O), "sto-3g")
    result = run_scf(mol)
    assert result.path == "damping_level_shift"
    assert result.energy_hartree == pytest.approx(mean_field(H2O).e_tot, abs=1e-8)

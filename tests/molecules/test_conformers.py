"""Conformers: ETKDGv3 + MMFF94, lowest energy kept, failures with reasons."""

from __future__ import annotations

import pytest
from rdkit import Chem

from molecules.conformers import generate_conformer
from molecules.errors import ConformerError
from molecules.settings import TriageSettings
from molecules.triage import triage_smiles
from tests.molecules.conftest import ASPIRIN


def test_conformer_of_aspirin_is_3d_and_reproducible() -> None:
    mol = Chem.MolFromSmiles(ASPIRIN)
    first = generate_conformer(mol, n_conformers=4, seed=7)
    again = generate_conformer(mol, n_conformers=4, seed=7)
    assert first.energy_kcal_per_mol == pytest.approx(again.energy_kcal_per_mol, abs=1e-6)
    assert 1 <= first.n_embedded <= 4
    out = Chem.MolFromMolBlock(first.molblock, removeHs=False)
    assert out.GetNumAtoms() == 21  # 13 heavy atoms + 8 H
    assert out.GetConformer().Is3D()
    assert Chem.MolToInchiKey(out) == Chem.MolToInchiKey(mol)


def test_lowest_of_several_is_not_higher_than_one() -> None:
    mol = Chem.MolFromSmiles("CCCCCCOC(=O)c1ccccc1")
    one = generate_conformer(mol, n_conformers=1, seed=3)
    many = generate_conformer(mol, n_conformers=10, seed=3)
    assert many.energy_kcal_per_mol <= one.energy_kcal_per_mol + 1e-6


def test_mmff_unsupported_reason() -> None:
    with pytest.raises(ConformerError) as info:
        generate_conformer(Chem.MolFromSmiles("C[Se]C"), n_conformers=1)
    assert info.value.reason in {"mmff_unsupported", "embedding_failed"}


def test_bad_count_raises() -> None:
    with pytest.raises(ValueError):
        generate_conformer(Chem.MolFromSmiles("CCO"), n_conformers=0)


def test_triage_adds_conformers_to_passed_molecules() -> None:
    settings = TriageSettings(n_conformers=2, brenk=False, allowed_elements=("C", "H", "O", "Se"))
    results = triage_smiles([ASPIRIN, "C[Se]CCCO", "C1CC("], settings, with_conformers=True)
    assert results[0].conformer is not None and results[0].conformer_error is None
    assert results[1].passed and results[1].conformer is None
    assert results[1].conformer_error in {"mmff_unsupported", "embedding_failed"}
    assert results[2].conformer is None and results[2].conformer_error is None

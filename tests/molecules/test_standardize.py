"""Standardization and identity: salts, charges, tautomers, InChIKey, parse failures."""

from __future__ import annotations

import pytest
from rdkit import Chem

from molecules.errors import MoleculeParseError
from molecules.settings import TriageSettings
from molecules.standardize import (
    compute_inchikey,
    parse_molblock,
    parse_smiles,
    standardize_mol,
    standardize_smiles,
)
from molecules.triage import triage_smiles
from tests.molecules.conftest import ASPIRIN

ASPIRIN_KEY = "BSYNRYMUTXBXSQ-UHFFFAOYSA-N"


def test_same_molecule_different_smiles_same_identity() -> None:
    a = standardize_smiles(ASPIRIN)
    b = standardize_smiles("OC(=O)c1ccccc1OC(C)=O")
    assert a.inchikey == b.inchikey == ASPIRIN_KEY
    assert a.smiles == b.smiles


def test_salt_stripped_and_neutralized() -> None:
    std = standardize_smiles("[Na+].[O-]C(=O)c1ccccc1")
    assert std.smiles == "O=C(O)c1ccccc1"
    assert std.notes == ("salt_stripped",)
    amine = standardize_smiles("C[NH3+].[Cl-]")
    assert amine.smiles == "CN"


def test_multi_component_rejected_when_not_stripping() -> None:
    with pytest.raises(MoleculeParseError) as info:
        standardize_smiles("[Na+].[O-]C(=O)c1ccccc1", strip_salts=False)
    assert info.value.reason == "multi_component"


def test_tautomer_canonicalization_option() -> None:
    enol, keto = "CC(O)=CC", "CC(=O)CC"
    assert standardize_smiles(enol).inchikey != standardize_smiles(keto).inchikey
    a = standardize_smiles(enol, canonical_tautomer=True)
    b = standardize_smiles(keto, canonical_tautomer=True)
    assert a.smiles == b.smiles


@pytest.mark.parametrize(
    ("smiles", "reason"),
    [
        ("", "empty_smiles"),
        ("C1CC(", "invalid_smiles"),
        ("CC\udcffO", "non_utf8"),
        ("C" * 2001, "too_long"),
        ("C(C)(C)(C)(C)C", "sanitization_failed"),
    ],
)
def test_parse_smiles_reasons(smiles: str, reason: str) -> None:
    with pytest.raises(MoleculeParseError) as info:
        parse_smiles(smiles, max_length=2000)
    assert info.value.reason == reason


def test_radical_rejected() -> None:
    with pytest.raises(MoleculeParseError) as info:
        standardize_mol(parse_smiles("[CH3]"))
    assert info.value.reason == "radical"


def test_parse_molblock_round_trip_and_failure() -> None:
    block = Chem.MolToMolBlock(Chem.MolFromSmiles(ASPIRIN))
    assert compute_inchikey(parse_molblock(block)) == ASPIRIN_KEY
    with pytest.raises(MoleculeParseError) as info:
        parse_molblock("junk\n\n\nnot a counts line\nM  END\n")
    assert info.value.reason == "invalid_molblock"


def test_duplicates_merged_names_kept() -> None:
    settings = TriageSettings(brenk=False)
    results = triage_smiles([ASPIRIN, "OC(=O)c1ccccc1OC(C)=O", "CCO"], settings)
    assert results[0].passed and results[0].inchikey == ASPIRIN_KEY
    assert results[1].reasons == ("duplicate",) and results[1].inchikey == ASPIRIN_KEY


def test_cleanup_shortcut_equals_rdkit_cleanup() -> None:
    from rdkit import RDConfig
    from rdkit.Chem.MolStandardize import rdMolStandardize

    from molecules.standardize import cleanup_mol

    with open(f"{RDConfig.RDDataDir}/NCI/first_5K.smi") as fh:
        smiles = [line.split()[0] for _, line in zip(range(400), fh, strict=False)]
    smiles += [
        "CC[N+](=O)[O-]",
        "C[S+]([O-])C",
        "c1cc[n+]([O-])cc1",
        "[Na+].[O-]C(=O)C",
        "CN=[N+]=[N-]",
        "[H]OC(=O)c1ccccc1",  # explicit H atoms: the path that removes them
        "[2H]C([2H])([2H])O",
        "[H][C@@](C)(N)C(=O)O",
    ]
    mols = [m for m in (Chem.MolFromSmiles(s) for s in smiles) if m is not None]
    mols.append(Chem.AddHs(Chem.MolFromSmiles("CC(=O)Nc1ccc(O)cc1")))
    for mol in mols:
        assert Chem.MolToSmiles(cleanup_mol(mol)) == Chem.MolToSmiles(rdMolStandardize.Cleanup(mol))

"""Input RDKit would silently turn into another molecule is refused with a reason."""

from __future__ import annotations

import pytest

from molecules.errors import MoleculeParseError
from molecules.standardize import non_ascii_message, parse_smiles, standardize_smiles
from surrogates.featurize import mol_from_smiles, parse_each

# RDKit drops characters it does not know: each of these parses as another molecule.
LOOK_ALIKES = ["CCＯ", "OＣＣＣ", "c1ccccc1\u00a0", "C\u200bC"]


@pytest.mark.parametrize("smiles", LOOK_ALIKES)
def test_non_ascii_smiles_is_refused_with_its_position(smiles: str) -> None:
    with pytest.raises(MoleculeParseError) as info:
        parse_smiles(smiles)
    assert info.value.reason == "non_ascii"
    assert "position" in str(info.value) and "U+" in str(info.value)
    with pytest.raises(MoleculeParseError):
        standardize_smiles(smiles)


def test_plain_ascii_smiles_still_parse() -> None:
    assert non_ascii_message("c1cc[nH]c1") is None
    assert parse_smiles("c1cc[nH]c1").GetNumAtoms() == 5


def test_fingerprint_parser_rejects_non_ascii() -> None:
    assert mol_from_smiles("CCO") is not None
    for smiles in LOOK_ALIKES:
        assert mol_from_smiles(smiles) is None
        assert mol_from_smiles(smiles, fingerprint_only=True) is None
    mols, positions, rejected = parse_each(["CCO", "CCＯ", "CCN"])
    assert positions == [0, 2] and rejected == [1]

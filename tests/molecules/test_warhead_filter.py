"""The ``warhead`` rule filter (``require_warhead``) and the warhead fields of triage results."""

from __future__ import annotations

from rdkit import Chem

from molecules.filters import enabled_filters, get_filter
from molecules.settings import TriageSettings
from molecules.triage import triage_smiles
from molecules.warheads import find_warheads

ON = TriageSettings(require_warhead=True, brenk=False)


def test_filter_is_registered_and_off_by_default() -> None:
    assert get_filter("warhead").name == "warhead"
    assert "warhead" not in {f.name for f in enabled_filters(TriageSettings())}
    assert "warhead" in {f.name for f in enabled_filters(ON)}


def test_molecules_without_warhead_are_rejected_with_no_warhead() -> None:
    results = triage_smiles(["CCCCO", "CC(=O)Oc1ccccc1C(=O)O", "C=CC(=O)NC"], ON)
    assert [(r.passed, r.reasons) for r in results] == [
        (False, ("no_warhead",)),
        (False, ("no_warhead",)),
        (True, ()),
    ]


def test_all_reasons_lists_no_warhead_beside_other_failures() -> None:
    (result,) = triage_smiles(["CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCO"], ON, all_reasons=True)
    assert "no_warhead" in result.reasons and len(result.reasons) > 1


def test_passed_molecule_records_its_first_warhead_in_canonical_smiles_order() -> None:
    # written backwards: the input atom order differs from the canonical SMILES order
    (result,) = triage_smiles(["O=C(NC)C=C"], ON)
    d = result.descriptors
    assert (d["warhead_class"], d["warhead_mechanism"], d["n_warheads"]) == (
        "acrylamide",
        "michael",
        1.0,
    )
    assert isinstance(d["warhead_site"], int)
    canonical = Chem.MolFromSmiles(result.smiles)
    assert find_warheads(canonical)[0].site == d["warhead_site"]
    atom = canonical.GetAtomWithIdx(d["warhead_site"])
    assert (atom.GetSymbol(), atom.GetTotalNumHs()) == ("C", 2)  # the terminal CH2


def test_warheads_are_recorded_when_not_required() -> None:
    (result,) = triage_smiles(["C=CS(C)(=O)=O"], TriageSettings(brenk=False))
    assert result.passed and result.descriptors["warhead_class"] == "vinyl_sulfone"
    (plain,) = triage_smiles(["CCO"], TriageSettings(brenk=False))
    assert plain.passed and plain.descriptors["n_warheads"] == 0.0
    assert "warhead_class" not in plain.descriptors

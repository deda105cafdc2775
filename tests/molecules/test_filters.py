"""Rule filters on molecules with known answers; registry; all_reasons."""

from __future__ import annotations

import pytest

from molecules.descriptors import MolContext, compute_descriptors
from molecules.errors import FilterConfigError, UnknownFilterError
from molecules.filters import (
    apply_rule_filters,
    enabled_filters,
    get_filter,
    list_filters,
    validate_filter_settings,
)
from molecules.filters.brenk import match_brenk
from molecules.filters.pains import match_pains
from molecules.settings import TriageSettings
from molecules.standardize import standardize_smiles
from tests.molecules.conftest import ASPIRIN, IBUPROFEN

RHODANINE = "O=C1NC(=S)SC1=Cc1ccccc1"  # 5-benzylidene rhodanine, PAINS ene_rhod
ACRYLAMIDE = "C=CC(=O)Nc1ccccc1"  # Michael acceptor
CYCLOSPORIN_LIKE = "CC" * 30 + "C(=O)O"  # long chain: many rotatable bonds, high logP


def ctx(smiles: str) -> MolContext:
    return MolContext(standardize_smiles(smiles).mol)


def check(name: str, smiles: str, **settings: object) -> tuple[str, ...]:
    return get_filter(name).check(ctx(smiles), TriageSettings(**settings))  # type: ignore[arg-type]


def test_aspirin_passes_lipinski_and_veber() -> None:
    assert check("lipinski", ASPIRIN) == ()
    assert check("veber", ASPIRIN) == ()


def test_lipinski_fails_big_greasy_molecule() -> None:
    # MW > 500 and logP > 5: two violations
    assert check("lipinski", "C" * 40 + "c1ccccc1") == ("lipinski",)
    assert check("lipinski", "C" * 40 + "c1ccccc1", lipinski_max_violations=2) == ()


def test_veber_fails_flexible_molecule() -> None:
    assert check("veber", CYCLOSPORIN_LIKE) == ("veber",)


def test_rhodanine_hits_pains() -> None:
    assert check("pains", RHODANINE) == ("pains",)
    assert any("rhod" in d for d in match_pains(ctx(RHODANINE), TriageSettings()))
    assert check("pains", ASPIRIN) == ()


def test_michael_acceptor_hits_brenk() -> None:
    assert check("brenk", ACRYLAMIDE) == ("brenk",)
    assert any("Michael" in d for d in match_brenk(ctx(ACRYLAMIDE)))
    assert check("brenk", IBUPROFEN) == ()


def test_elements_reports_each_unsupported_element() -> None:
    assert check("elements", "C[Si](C)(C)O[B](O)O") == (
        "unsupported_element:B",
        "unsupported_element:Si",
    )
    assert check("elements", ASPIRIN) == ()


def test_heavy_atoms_range() -> None:
    assert check("heavy_atoms", "CO") == ("heavy_atoms",)
    assert check("heavy_atoms", ASPIRIN, max_heavy_atoms=10) == ("heavy_atoms",)
    assert check("heavy_atoms", ASPIRIN) == ()


def test_qed_and_sa_thresholds() -> None:
    assert check("qed", ASPIRIN, qed_min=0.9) == ("qed",)
    assert check("qed", ASPIRIN, qed_min=0.3) == ()
    assert check("sa_score", ASPIRIN, sa_score_max=1.1) == ("sa_score",)
    assert check("sa_score", ASPIRIN) == ()


def test_user_smarts_require_and_forbid() -> None:
    assert check("require_smarts", ASPIRIN, require_smarts=("C(=O)[OH]",)) == ()
    assert check("require_smarts", "CCO", require_smarts=("c1ccccc1",)) == (
        "missing_smarts:c1ccccc1",
    )
    assert check("forbid_smarts", ASPIRIN, forbid_smarts=("C(=O)O[c]",)) == (
        "forbidden_smarts:C(=O)O[c]",
    )


def test_invalid_smarts_and_unknown_filter_raise() -> None:
    with pytest.raises(FilterConfigError, match="invalid SMARTS"):
        validate_filter_settings(TriageSettings(forbid_smarts=("[C",)))
    with pytest.raises(UnknownFilterError, match="lipinski"):
        get_filter("nope")
    with pytest.raises(FilterConfigError, match="min_heavy_atoms"):
        validate_filter_settings(TriageSettings(min_heavy_atoms=10, max_heavy_atoms=5))


def test_first_reason_by_default_all_reasons_when_asked() -> None:
    settings = TriageSettings()
    smiles = "C[Si](C)(C)C=CC(=O)c1ccccc1"  # silicon + Michael acceptor
    assert apply_rule_filters(ctx(smiles), settings) == ("unsupported_element:Si",)
    everything = apply_rule_filters(ctx(smiles), settings, all_reasons=True)
    assert "unsupported_element:Si" in everything and "brenk" in everything


def test_registry_order_and_switches() -> None:
    names = [f.name for f in list_filters()]
    assert set(names) >= {"elements", "heavy_atoms", "lipinski", "veber", "pains", "brenk"}
    costs = [f.cost for f in list_filters()]
    assert costs == sorted(costs)
    off = TriageSettings(pains=False, brenk=False, veber=False)
    assert {"pains", "brenk", "veber"}.isdisjoint(f.name for f in enabled_filters(off))


def test_descriptors_of_aspirin() -> None:
    d = compute_descriptors(standardize_smiles(ASPIRIN).mol)
    assert d["mw"] == pytest.approx(180.159, abs=1e-3)
    assert (d["hbd"], d["hba"], d["heavy"]) == (1.0, 4.0, 13.0)
    assert d["tpsa"] == pytest.approx(63.6, abs=0.1)
    assert 0.0 < d["qed"] < 1.0 and 1.0 <= d["sa_score"] <= 10.0


def test_screened_pains_agrees_with_rdkit_catalog() -> None:
    from rdkit import Chem, RDConfig

    from molecules.filters.catalog import load_pains_catalog, load_screened_pains

    path = f"{RDConfig.RDDataDir}/NCI/first_5K.smi"
    with open(path) as fh:
        smiles = [line.split()[0] for _, line in zip(range(600), fh, strict=False)]
    mols = [m for m in (Chem.MolFromSmiles(s) for s in smiles + [RHODANINE]) if m is not None]
    screened, full = load_screened_pains(), load_pains_catalog()
    got = [screened.has_match(m, MolContext(m).pattern_fingerprint()) for m in mols]
    assert got == [full.HasMatch(m) for m in mols]
    assert sum(got) >= 10  # the sample holds real PAINS hits


def test_fast_qed_equals_rdkit_qed() -> None:
    from rdkit import Chem, RDConfig
    from rdkit.Chem import QED

    with open(f"{RDConfig.RDDataDir}/NCI/first_5K.smi") as fh:
        smiles = [line.split()[0] for _, line in zip(range(300), fh, strict=False)]
    for smi in [*smiles, RHODANINE, ACRYLAMIDE, ASPIRIN]:
        mol = Chem.MolFromSmiles(smi)
        if mol is None:
            continue
        assert MolContext(mol).get("qed") == pytest.approx(QED.qed(mol), abs=1e-12), smi

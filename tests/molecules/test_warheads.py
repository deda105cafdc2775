"""Warhead perception: class and attacked-atom index on known positives, nothing on negatives."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdkit import Chem

from molecules.warheads import WARHEAD_CLASSES, find_warheads, get_warhead_class

MAYR_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "mayr_electrophilicity.csv"
if not MAYR_CSV.exists():  # the shared data folder lives next to the repository checkout
    MAYR_CSV = Path("/work/shared/data/mayr_electrophilicity.csv")


def _sites(smiles: str) -> list[tuple[str, int]]:
    return [(w.warhead_class, w.site) for w in find_warheads(Chem.MolFromSmiles(smiles))]


# (SMILES, class, expected site indices: every site of that class)
POSITIVES = [
    ("C=CC(N)=O", "acrylamide", [0]),
    ("C=CC(=O)N(C)C", "acrylamide", [0]),
    ("C=CC(=O)Nc1ccccc1", "acrylamide", [0]),
    ("C=C(C)C(N)=O", "alpha_substituted_acrylamide", [0]),
    ("C/C=C/C(N)=O", "beta_substituted_acrylamide", [1]),
    ("CN(C)C/C=C/C(=O)Nc1ccccc1", "beta_aminomethyl_acrylamide", [4]),
    ("C=CC(=O)OC", "acrylate", [0]),
    ("C=C(C)C(=O)OC", "alpha_substituted_acrylate", [0]),
    ("CCOC(=O)/C=C/C(=O)OCC", "beta_substituted_acrylate", [5, 6]),
    ("C=CS(C)(=O)=O", "vinyl_sulfone", [0]),
    ("C=CS(=O)(=O)N(C)C", "vinyl_sulfonamide", [0]),
    ("C=CS(=O)(=O)F", "vinyl_sulfone", [0]),  # ESF: Michael acceptor first, its S not re-listed
    ("C=C(S(=O)(=O)c1ccccc1)S(=O)(=O)c1ccccc1", "vinyl_sulfone", [0]),
    ("O=C1C=CC(=O)N1", "maleimide", [2, 3]),
    ("CN1C(=O)C=CC1=O", "maleimide", [4, 5]),
    ("C=CC(C)=O", "enone", [0]),
    ("O=C1C=CCCC1", "enone", [3]),
    ("C=CC=O", "enal", [0]),
    ("C#CC(N)=O", "propiolamide", [0]),
    ("CC#CC(=O)C", "ynone", [1]),
    ("C#CC(=O)OC", "propiolate", [0]),
    ("C=C[N+](=O)[O-]", "nitroalkene", [0]),
    ("O=[N+]([O-])/C=C/c1ccccc1", "nitroalkene", [4]),  # carbon bearing the phenyl
    ("C=Cc1ccccn1", "vinyl_pyridine", [0]),
    ("C=Cc1ccncc1", "vinyl_pyridine", [0]),
    ("C=CC#N", "acrylonitrile", [0]),
    ("N#C/C=C/C#N", "acrylonitrile", [2, 3]),
    ("N#CC(C#N)=Cc1ccccc1", "alkylidene_malononitrile", [5]),
    ("N#CC(=C)C(N)=O", "cyanoacrylamide", [3]),
    ("CC1(C)OC(=O)C(=Cc2ccccc2)C(=O)O1", "alkylidene_malonate", [7]),
    ("O=C1C=CC(=O)O1", "maleic_anhydride", [2, 3]),
    ("O=C1C=CC(=O)C=C1", "quinone", [2, 3, 6, 7]),
    ("COC1=CC(=Cc2ccc(OC)cc2)C=C(OC)C1=O", "quinone_methide", [5]),
    ("ClCC(N)=O", "haloacetamide", [1]),
    ("BrCC(=O)NC", "haloacetamide", [1]),
    ("ClCC(C)=O", "alpha_haloketone", [1]),
    ("CC1CO1", "epoxide", [1, 2]),
    ("C1CN1", "aziridine", [0, 1]),
    ("CC=O", "aldehyde", [1]),
    ("O=Cc1ccccc1", "aldehyde", [1]),
    ("O=C1CCCCC1", "ketone", [1]),
    ("CC(=O)C(F)(F)F", "trifluoromethyl_ketone", [1]),
    ("CC(=O)C(=O)NC", "alpha_ketoamide", [1]),
    ("N#CN(C)C", "activated_nitrile", [1]),
    ("N#Cc1ncccn1", "activated_nitrile", [1]),
    ("Clc1ncccn1", "snar_heteroaryl_halide", [1]),
    ("Clc1ccncn1", "snar_heteroaryl_halide", [1]),
    ("Clc1nccs1", "snar_heteroaryl_halide", [1]),
    ("O=[N+]([O-])c1ccc(Cl)cc1", "snar_nitroaryl_halide", [6]),
    ("Fc1ccccc1[N+](=O)[O-]", "snar_nitroaryl_halide", [1]),
    ("Clc1ccc([N+](=O)[O-])cn1", "snar_nitroaryl_halide", [1]),
    ("O=[N+]([O-])c1cc([N+](=O)[O-])cc([N+](=O)[O-])c1", "snar_polynitroarene", [4, 9, 14]),
    ("CS(=O)(=O)F", "sulfonyl_fluoride", [1]),
    ("FS(=O)(=O)Oc1ccccc1", "sulfonyl_fluoride", [1]),
    ("CCOC(=O)/N=N/C(=O)OCC", "azodicarboxylate", [5, 6]),
    ("S=C=Nc1ccccc1", "isothiocyanate", [1]),
    ("Cc1ccc(S(=O)(=O)/N=C/c2ccccc2)cc1", "activated_imine", [9]),
    ("CC(C)(C)OC(=O)/N=C/c1ccccc1", "activated_imine", [8]),
]

NEGATIVES = [
    "CCCC",  # alkane
    "C1CCCCC1",
    "CCO",  # alcohol
    "COC",  # ether
    "C1CCOC1",
    "c1ccccc1",  # benzene
    "c1ccncc1",
    "CC(=O)N",  # amide without alkene
    "O=C1CCCN1",
    "CC(=O)OC",  # ester without alkene
    "CC(=O)O",  # carboxylic acid
    "C=CC(=O)O",  # acrylic acid (a carboxylate at pH 7, not an acrylate ester)
    "CC(=O)Oc1ccccc1C(=O)O",  # aspirin
    "Clc1ccccc1",  # unactivated aryl chloride
    "Cc1ccc(F)cc1",
    "Clc1cccc([N+](=O)[O-])c1",  # meta-nitro: not SNAr-activated
    "O=[N+]([O-])c1ccccc1",  # nitrobenzene
    "O=[N+]([O-])c1cccc([N+](=O)[O-])c1",
    "CC#N",  # unactivated nitriles
    "N#Cc1ccccc1",
    "C=C",  # unactivated alkenes
    "C=Cc1ccccc1",
    "CC(=O)NC=C",  # enamide
    "CC(N)=CC(=O)OC",  # vinylogous carbamate (donor on the beta carbon)
    "FCC(N)=O",  # fluoroacetamide is no alkylator
    "CC(=O)Nc1ccc(O)cc1",  # paracetamol
    "Cn1cnc2c1c(=O)n(C)c(=O)n2C",  # caffeine
    "O=c1ccc2ccccc2o1",  # coumarin (aromatic lactone in RDKit)
    "OC(=O)C1=CN(C2CC2)c2cc(N3CCNCC3)c(F)cc2C1=O",  # ciprofloxacin: enamine beta carbon
    "COC(=O)C1=C(C)NC(C)=C(C(=O)OC)C1c1ccccc1[N+](=O)[O-]",  # nifedipine
    "CNC(=C[N+](=O)[O-])NCCSCc1ccc(CN(C)C)o1",  # ranitidine: nitro-enediamine
]


@pytest.mark.parametrize(("smiles", "name", "sites"), POSITIVES)
def test_positive_class_and_site(smiles: str, name: str, sites: list[int]) -> None:
    found = _sites(smiles)
    assert [s for c, s in found if c == name] == sites, found
    assert found[0][0] == name  # the expected class is the most specific (first) match


@pytest.mark.parametrize("smiles", NEGATIVES)
def test_negatives_have_no_warhead(smiles: str) -> None:
    assert _sites(smiles) == []


def test_enone_carbonyl_is_not_also_a_ketone() -> None:
    assert _sites("C=CC(=O)c1ccccc1") == [("enone", 0)]


def test_explicit_hydrogens_keep_the_sites() -> None:
    for smiles, name, sites in POSITIVES:
        mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
        assert [w.site for w in find_warheads(mol) if w.warhead_class == name] == sites, smiles


def test_match_fields_are_consistent() -> None:
    mol = Chem.MolFromSmiles("C=CC(=O)NCC(=O)C")  # acrylamide plus a ketone, catalog order
    found = find_warheads(mol)
    assert [(w.warhead_class, w.mechanism, w.site) for w in found] == [
        ("acrylamide", "michael", 0),
        ("ketone", "carbonyl_addition", 6),
    ]
    for w in found:
        assert w.site in w.atoms
        assert all(0 <= a < mol.GetNumAtoms() for a in w.atoms)


def test_every_neutral_mayr_electrophile_has_a_warhead() -> None:
    if not MAYR_CSV.exists():
        pytest.skip(f"measured Mayr set not found at {MAYR_CSV}")
    rows = list(csv.DictReader(MAYR_CSV.open()))
    neutral = [r for r in rows if Chem.GetFormalCharge(Chem.MolFromSmiles(r["smiles"])) == 0]
    assert len(neutral) >= 38
    missing = [r["name"] for r in neutral if not find_warheads(Chem.MolFromSmiles(r["smiles"]))]
    assert missing == []


def test_catalog_is_well_formed() -> None:
    names = [wc.name for wc in WARHEAD_CLASSES]
    assert len(names) == len(set(names))
    for wc in WARHEAD_CLASSES:
        query = Chem.MolFromSmarts(wc.smarts)
        assert query is not None, wc.name
        assert sum(a.GetAtomMapNum() == 1 for a in query.GetAtoms()) == 1, wc.name
        assert get_warhead_class(wc.name) is wc
    with pytest.raises(KeyError):
        get_warhead_class("no_such_class")


def test_bad_input_raises_type_error() -> None:
    with pytest.raises(TypeError, match="Chem.Mol"):
        find_warheads("C=CC(N)=O")  # type: ignore[arg-type]


def test_gates_never_hide_a_warhead() -> None:
    """The cheap pre-screens are necessary conditions: gated search == full search."""
    from rdkit import RDConfig

    from molecules.warheads import _find

    smiles = [s for s, _, _ in POSITIVES] + NEGATIVES
    nci = Path(RDConfig.RDDataDir) / "NCI" / "first_5K.smi"
    if nci.exists():
        smiles += [line.split()[0] for line in nci.read_text().splitlines()[:400]]
    if MAYR_CSV.exists():
        smiles += [r["smiles"] for r in csv.DictReader(MAYR_CSV.open())]
    mols = [m for m in map(Chem.MolFromSmiles, smiles) if m is not None]
    assert sum(bool(_find(m, gated=False)) for m in mols) > len(POSITIVES)
    for mol in mols:
        assert _find(mol, gated=True) == _find(mol, gated=False), Chem.MolToSmiles(mol)

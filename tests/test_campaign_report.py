"""What the campaign report is built from: units of every target, the SDF download (stored 3D
records, 2D for the rest, marked so) and the attacked atom in the campaign's atom order."""

from __future__ import annotations

import numpy as np
import pytest
from rdkit import Chem
from rdkit.Chem import rdDistGeom

from molecules.conformers import generate_conformer
from pipeline.config import Settings
from pipeline.quantum.reactivity.geometry import Geometry
from pipeline.quantum.reactivity.kernel import geometry_molblock
from pipeline.reports.campaign import ReportInputs, results_sdf
from pipeline.services.campaign_reports import campaign_report_inputs, target_label
from pipeline.services.oracles import canonical_inchikey
from pipeline.services.reactivity import reactivity_hash
from pipeline.store import open_store


@pytest.mark.parametrize(
    ("kind", "target", "label", "digits"),
    [
        ("vqe", "energy_hartree", "energy_hartree / Ha", 6),
        ("vqe", "electrophilicity_ev", "electrophilicity_ev / eV", 2),
        ("vqe", "error_mha", "error_mha / mHa", 3),
        ("lookup", "logS", "logS / log10(mol/L)", 2),
        ("lookup", "measured log solubility in mols per litre",
         "measured log solubility in mols per litre / log10(mol/L)", 2),
        ("lookup", "binding_kcal", "binding_kcal / kcal/mol", 1),
        ("lookup", "pIC50", "pIC50", 3),  # unknown: no unit, no crash
        ("reactivity", "delta_e_add_kcal", "ΔE_add (VQE) / kcal/mol", 1),
        ("reactivity", "delta_e_add_dft_kcal", "ΔE_add (DFT) / kcal/mol", 1),
        ("reactivity", "omega_ev", "electrophilicity ω / eV", 2),
    ],
)  # fmt: skip
def test_every_target_has_its_unit(kind: str, target: str, label: str, digits: int) -> None:
    assert target_label(kind, target) == (label, digits)


def _records(sdf: str) -> list[Chem.Mol]:
    supplier = Chem.SDMolSupplier()
    supplier.SetData(sdf, removeHs=False)
    return list(supplier)


def test_sdf_keeps_3d_records_and_marks_the_rest_2d() -> None:
    block = generate_conformer(Chem.MolFromSmiles("C=CC(N)=O"), n_conformers=1).molblock
    rows = [
        {"smiles": "C=CC(N)=O", "value": -6.5, "error": None},
        {"smiles": "C=CC#N", "value": None, "error": "GeometryOptimizationError: …"},
        {"smiles": "not a smiles(", "value": None, "error": "invalid"},
    ]
    inputs = ReportInputs(rows, molblocks={"C=CC(N)=O": block}, geometry_methods={})
    three_d, flat = _records(results_sdf(inputs))  # nothing dropped but the unparsable
    assert three_d.GetProp("coordinates") == "3D" and three_d.GetConformer().Is3D()
    assert three_d.GetNumAtoms() == 10 and three_d.GetProp("value") == "-6.5"
    assert flat.GetProp("coordinates") == "2D" and not flat.GetConformer().Is3D()
    assert flat.GetProp("_Name") == "C=CC#N" and flat.GetProp("error").startswith("Geometry")
    positions = flat.GetConformer().GetPositions()
    assert np.ptp(positions[:, :2]) > 1.0 and np.all(positions[:, 2] == 0)  # drawn, flat


def _species(e: float) -> dict:
    return {"vqe_hartree": e, "casci_hartree": e, "active_electrons": 2, "active_orbitals": 2}


def _details(smiles: str, site: int, molblock: str | None) -> dict:
    """A stored reactivity result (the fields the report reads); ``molblock``: none before
    results kept their warhead geometry."""
    out = {
        "smiles": smiles,
        "warhead_class": "acrylonitrile",
        "site": site,
        # computed with compute_dft = false (as the demo is)
        "delta_e_add_kcal": {"vqe": -5.0, "casci": -5.1, "hf": -3.0, "dft": None, "xtb": -9.0},
        "lumo_ev": -1.0,
        "warhead": _species(-170.0),
        "thiolate": _species(-437.0),
        "sites": [{"site": site, "adduct": _species(-607.0)}],
    }
    if molblock is not None:
        out["warhead_molblock"] = molblock
    return out


def test_report_inputs_take_the_stored_geometries(tmp_path) -> None:
    settings = Settings(home=tmp_path / ".qdp")
    store = open_store(settings)
    key = reactivity_hash(settings.reactivity)
    # acrylonitrile computed as C=CC#N (attacked: atom 0), met in the campaign as N#CC=C
    computed = Chem.MolFromSmiles("C=CC#N")
    molh = Chem.AddHs(computed)
    rdDistGeom.EmbedMolecule(molh, randomSeed=7)
    coords = molh.GetConformer().GetPositions()
    symbols = [a.GetSymbol() for a in molh.GetAtoms()]
    xtb_block = geometry_molblock(computed, Geometry(symbols, coords, -10.0, 3))
    mmff = generate_conformer(Chem.MolFromSmiles("C=CC(N)=O"), n_conformers=1).molblock
    store.upsert_molecules(
        [
            {"inchikey": canonical_inchikey("C=CC#N"), "smiles": "C=CC#N"},
            {"inchikey": canonical_inchikey("C=CC(N)=O"), "smiles": "C=CC(N)=O",
             "conformer_molblock": mmff},
        ]
    )  # fmt: skip
    for smiles, details in (
        ("C=CC#N", _details("C=CC#N", 0, xtb_block)),
        ("C=CC(N)=O", _details("C=CC(N)=O", 0, None)),  # stored before the geometry was kept
    ):
        inchikey = canonical_inchikey(smiles)
        store.put_calculation(
            {"subject_key": inchikey, "settings_hash": key, "inchikey": inchikey,
             "status": "ok", "details": details}
        )  # fmt: skip
    report = {
        "campaign_id": "units",
        "oracle": "reactivity",
        "target": "delta_e_add_kcal",
        "model_version": None,
        "evaluated": [
            {"smiles": "N#CC=C", "round": 0, "value": -5.0, "error": None},
            {"smiles": "C=CC(N)=O", "round": 0, "value": -5.0, "error": None},
            {"smiles": "C=CC(=O)OC", "round": 0, "value": None, "error": "SCF failed"},
        ],
    }
    try:
        inputs = campaign_report_inputs(store, report, settings)
    finally:
        store.close()
    assert inputs.value_label == "ΔE_add (VQE) / kcal/mol" and inputs.value_digits == 1
    keys = [c.key for c in inputs.columns]
    assert "dE_vqe" not in keys  # it is the value column
    assert "dE_dft" not in keys and {"site_atom", "dE_hf", "dE_xtb"} <= set(keys)  # no DFT run
    lumo = next(c for c in inputs.columns if c.key == "lumo_ev")
    assert lumo.header == "LUMO (DFT) / eV"  # the default settings' frontier orbitals
    by_smiles = {r["smiles"]: r for r in inputs.rows}
    assert (by_smiles["N#CC=C"]["site"], by_smiles["N#CC=C"]["site_atom"]) == (3, "C3")
    assert by_smiles["C=CC(N)=O"]["site_atom"] == "C0"
    assert inputs.geometry_methods == {"N#CC=C": "GFN2-xTB (ALPB water)", "C=CC(N)=O": "MMFF94"}
    xtb, old, missing = _records(results_sdf(inputs))
    assert xtb.GetProp("geometry") == "GFN2-xTB (ALPB water)" and xtb.GetProp("coordinates") == "3D"
    assert np.allclose(xtb.GetConformer().GetPositions(), coords, atol=1e-4)  # Å, as stored
    assert [a.GetSymbol() for a in xtb.GetAtoms()] == symbols  # with H, kernel's order
    assert old.GetProp("geometry") == "MMFF94" and old.GetNumAtoms() == 10
    assert missing.GetProp("coordinates") == "2D"

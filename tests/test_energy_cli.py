"""``qdp energy`` as a user runs it: JSON contract, store reuse, --recompute, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import run_qdp

H2 = "H 0 0 0; H 0 0 0.7414"
H2_FCI_STO3G = -1.137270174660  # Hartree; FCI = CASCI(2,2) for H2 in STO-3G


def test_energy_json_reuse_and_recompute(tmp_path: Path) -> None:
    args = ("energy", "--xyz", H2, "--active-space", "2,2", "--properties", "--json")
    first = run_qdp(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    result = json.loads(first.stdout)
    for key in (
        "energy_hartree",
        "reference_energy_hartree",
        "error_mha",
        "matches_casci",
        "all_sectors_match_casci",
        "cation_error_mha",
        "hf_energy_hartree",
        "n_qubits",
        "n_parameters",
        "wall_seconds",
        "ionization_potential_ev",
        "electron_affinity_ev",
        "electrophilicity_ev",
    ):
        assert key in result, key
    assert abs(result["reference_energy_hartree"] - H2_FCI_STO3G) < 1e-8
    assert abs(result["energy_hartree"] - result["reference_energy_hartree"]) < 1.6e-3
    assert result["matches_casci"] is True and result["all_sectors_match_casci"] is True
    assert result["n_qubits"] == 4
    assert result["ionization_potential_ev"] > 0 and result["hardness_ev"] > 0
    assert result["reused"] is False

    second = json.loads(run_qdp(*args, cwd=tmp_path).stdout)
    assert second["reused"] is True
    assert second["energy_hartree"] == result["energy_hartree"]
    forced = json.loads(run_qdp(*args, "--recompute", cwd=tmp_path).stdout)
    assert forced["reused"] is False


def test_impossible_active_space_is_one_clear_line(tmp_path: Path) -> None:
    failed = run_qdp("energy", "--xyz", H2, "--active-space", "4,8", cwd=tmp_path)
    assert failed.returncode != 0
    assert failed.stderr.startswith("qdp: error: ActiveSpaceError")
    assert failed.stderr.strip().count("\n") == 0


def test_energy_needs_exactly_one_input(tmp_path: Path) -> None:
    result = run_qdp("energy", "--xyz", H2, "--smiles", "C", cwd=tmp_path)
    assert result.returncode == 2 and "exactly one of" in result.stderr


WATER_CAS22 = ("--active-space", "2,2", "--json")


def test_energy_of_a_stored_molecule_by_inchikey(tmp_path: Path) -> None:
    first = run_qdp("energy", "--smiles", "O", *WATER_CAS22, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    stored = json.loads(first.stdout)
    assert stored["inchikey"] == "XLYOFNOQVPJJNP-UHFFFAOYSA-N" and stored["reused"] is False
    again = run_qdp("energy", "--inchikey", stored["inchikey"], *WATER_CAS22, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    by_key = json.loads(again.stdout)
    # Same molecule, same stored conformer, same method: the stored result, not a new one.
    assert by_key["reused"] is True and by_key["energy_hartree"] == stored["energy_hartree"]
    assert by_key["geometry_key"] == stored["geometry_key"]


def test_unknown_inchikey_is_an_input_error(tmp_path: Path) -> None:
    import pytest

    from molecules.settings import TriageSettings
    from pipeline.services.energies import EnergyInputError, request_for_inchikey
    from pipeline.store import Store

    store = Store.open(f"sqlite:///{tmp_path / 'qdp.db'}")
    with pytest.raises(EnergyInputError, match="no molecule UHOVQNZJYSORNB-UHFFFAOYSA-N"):
        request_for_inchikey(store, "UHOVQNZJYSORNB-UHFFFAOYSA-N", TriageSettings())
    assert EnergyInputError.exit_code == 2


def test_energy_from_an_sdf_with_explicit_hydrogens(tmp_path: Path) -> None:
    from pyscf import gto, mcscf, scf
    from rdkit import Chem
    from rdkit.Chem import AllChem

    mol = Chem.AddHs(Chem.MolFromSmiles("O"))
    AllChem.EmbedMolecule(mol, randomSeed=7)
    sdf = tmp_path / "water.sdf"
    sdf.write_text(Chem.MolToMolBlock(mol) + "$$$$\n")
    result = run_qdp("energy", "--sdf", str(sdf), *WATER_CAS22, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["inchikey"] is None and data["subject_key"].startswith("geom:")
    # The same coordinates straight into PySCF give the same HF and CASCI(2,2) energies.
    read = Chem.MolFromMolBlock(sdf.read_text(), removeHs=False)  # coordinates as written
    xyz = read.GetConformer().GetPositions()
    atoms = [(a.GetSymbol(), tuple(xyz[a.GetIdx()])) for a in read.GetAtoms()]
    mf = scf.RHF(gto.M(atom=atoms, basis="sto-3g", unit="Angstrom", verbose=0))
    mf.conv_tol = 1e-10
    mf.kernel()
    mc = mcscf.CASCI(mf, 2, 2)
    mc.verbose = 0
    assert abs(data["hf_energy_hartree"] - mf.e_tot) < 1e-8
    assert abs(data["reference_energy_hartree"] - mc.kernel()[0]) < 1e-8
    assert data["matches_casci"] is True and data["n_qubits"] == 4

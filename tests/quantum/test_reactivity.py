"""Thiolate-addition reactivity: ΔE_add against independent PySCF, VQE vs CASCI per species,
the order of known warheads, and refused / failed inputs in the store."""

from __future__ import annotations

import numpy as np
import pytest
from pyscf import dft, gto, mcscf, scf, solvent
from pyscf.mcscf import avas
from rdkit import Chem

from pipeline.errors import SettingsError
from pipeline.quantum.reactivity.adduct import build_adduct
from pipeline.quantum.reactivity.errors import (
    NoWarheadError,
    ReactivityError,
    ReactivityInputError,
    UnsupportedWarheadError,
)
from pipeline.quantum.reactivity.kernel import HARTREE_TO_KCAL, compute_reactivity
from pipeline.quantum.reactivity.mean_field import (
    build_molecule,
    frozen_field_copy,
    run_mean_field,
)
from pipeline.quantum.reactivity.settings import ReactivitySettings

# Minimal basis: these tests check the arithmetic and the plumbing, not the chemistry.
TINY = ReactivitySettings(basis="sto-3g", dft_grid_level=1, n_conformers=1, scf_conv_tol=1e-10)


def _symbols_coords(xyz: str) -> tuple[list[str], np.ndarray]:
    atoms = [a.split() for a in xyz.split(";")]
    return [a[0] for a in atoms], np.array([[float(x) for x in a[1:]] for a in atoms])


def _solvated(mf: scf.hf.SCF) -> scf.hf.SCF:
    mf = solvent.ddCOSMO(mf)
    mf.with_solvent.eps = 78.3553
    mf.with_solvent.grids.level = TINY.solvent_grid_level
    mf.with_solvent.lebedev_order = TINY.solvent_lebedev_order
    mf.with_solvent.lmax = TINY.solvent_lmax
    mf.conv_tol = 1e-10
    mf.verbose = 0
    return mf


def _independent(xyz: str, charge: int, labels: list[str], n_occ: int, n_vir: int) -> dict:
    """HF, CAM-B3LYP and frozen-field CASCI energies straight from PySCF (Hartree)."""
    mol = gto.M(atom=xyz, basis=TINY.basis, charge=charge, verbose=0)
    hf = _solvated(scf.RHF(mol).density_fit())
    hf.kernel()
    ks = _solvated(dft.RKS(mol, xc=TINY.functional).density_fit())
    ks.grids.level = TINY.dft_grid_level
    ks.kernel()
    out = {"hf": hf.e_tot, "dft": ks.e_tot, "casci": hf.e_tot}
    if n_occ == 0 or n_vir == 0:
        return out
    ncas, nelecas, mo = avas.kernel(hf, labels, threshold=TINY.avas_threshold, verbose=0)[:3]
    ncore = (mol.nelectron - nelecas) // 2 + nelecas // 2 - n_occ
    dm = hf.make_rdm1()
    e_sol, v_sol = hf.with_solvent.kernel(dm)
    gas = scf.RHF(mol).density_fit()
    h = gas.get_hcore() + v_sol
    gas.get_hcore = lambda *a, **k: h
    mc = mcscf.CASCI(gas, n_occ + n_vir, 2 * n_occ, ncore=ncore)
    mc.verbose = 0
    mc.fcisolver.conv_tol = 1e-12
    out["casci"] = mc.kernel(mo)[0] + e_sol - np.einsum("ij,ji->", dm, v_sol)
    return out


def _counts(species) -> tuple[int, int]:
    n_occ = species.active_electrons // 2
    return n_occ, species.active_orbitals - n_occ


@pytest.fixture(scope="module")
def acrylonitrile():
    return compute_reactivity(Chem.MolFromSmiles("C=CC#N"), TINY)


@pytest.mark.slow
def test_acrylonitrile_delta_e_matches_independent_pyscf(acrylonitrile) -> None:
    r = acrylonitrile
    assert (r.warhead_class, r.mechanism, r.site) == ("acrylonitrile", "michael", 0)
    adduct = r.sites[0].adduct
    # warhead: site C0 and alpha C1; adduct: the same and S (atom 7, after the 3 H);
    # CH3S-: S1. The CAS sizes are the kernel's (the pooling rule is tested on its own).
    w = _independent(r.warhead.geometry_angstrom, 0, ["0 C 2p", "1 C 2p"], *_counts(r.warhead))
    a = _independent(adduct.geometry_angstrom, -1, ["0 C 2p", "1 C 2p", "7 S 3p"], 2, 2)
    t = _independent(r.thiolate.geometry_angstrom, -1, ["1 S 3p"], *_counts(r.thiolate))
    for method in ("hf", "dft", "casci"):
        expected = HARTREE_TO_KCAL * (a[method] - w[method] - t[method])
        assert r.delta_e_add_kcal[method] == pytest.approx(expected, abs=0.01), method
    assert r.delta_e_add_kcal["vqe"] == pytest.approx(r.delta_e_add_kcal["casci"], abs=1.0)
    # the thiolate adds to the beta carbon: a C-S bond of a real adduct
    assert 1.7 < r.sites[0].cs_bond_angstrom < 2.6


@pytest.mark.slow
def test_each_species_vqe_within_1p6_mha_of_casci(acrylonitrile) -> None:
    errors = acrylonitrile.vqe_minus_casci_mha
    assert set(errors) == {"warhead", "adduct", "thiolate"}
    for species, error in errors.items():
        assert abs(error) <= 1.6, species
        assert error >= -1e-6, species  # variational: never below CASCI
    adduct = acrylonitrile.sites[0].adduct
    assert (adduct.active_electrons, adduct.active_orbitals) == (4, 4)
    reactant_electrons = acrylonitrile.warhead.active_electrons
    reactant_electrons += acrylonitrile.thiolate.active_electrons
    assert reactant_electrons == 4  # the 2 highest occupied of the pair (CH3S- lone pairs)


def test_warhead_geometry_is_kept_as_a_molblock() -> None:
    """The record a report's SDF gets: the GFN2-xTB coordinates (Å) of ``Chem.AddHs(mol)``,
    atom for atom."""
    from pipeline.quantum.reactivity.kernel import _geometry, geometry_molblock

    mol = Chem.MolFromSmiles("C=CC#N")
    geom = _geometry(mol, TINY)
    read = Chem.MolFromMolBlock(geometry_molblock(mol, geom), removeHs=False)
    assert [a.GetSymbol() for a in read.GetAtoms()] == geom.symbols
    assert read.GetConformer().Is3D()
    assert np.allclose(read.GetConformer().GetPositions(), geom.coords_angstrom, atol=1e-4)
    assert Chem.MolToSmiles(Chem.RemoveHs(read)) == Chem.MolToSmiles(mol)
    with pytest.raises(ReactivityError, match="not those of"):
        geometry_molblock(Chem.MolFromSmiles("C=CC(N)=O"), geom)


@pytest.mark.slow
def test_result_keeps_the_warhead_at_its_energies_geometry(acrylonitrile) -> None:
    read = Chem.MolFromMolBlock(acrylonitrile.warhead_molblock, removeHs=False)
    symbols, coords = _symbols_coords(acrylonitrile.warhead.geometry_angstrom)
    assert [a.GetSymbol() for a in read.GetAtoms()] == symbols
    assert np.allclose(read.GetConformer().GetPositions(), coords, atol=1e-4)
    assert acrylonitrile.to_dict()["warhead_molblock"] == acrylonitrile.warhead_molblock


def test_reactant_cas_pools_the_pair_by_orbital_energy() -> None:
    from types import SimpleNamespace

    from pipeline.quantum.reactivity.kernel import reactant_cas

    warhead = SimpleNamespace(
        occupied_energies=np.array([-0.50, -0.40]), virtual_energies=np.array([0.05, 0.30])
    )
    sh = SimpleNamespace(
        occupied_energies=np.array([-0.45, -0.20, -0.19]), virtual_energies=np.array([0.10])
    )
    assert reactant_cas(warhead, sh, 2) == ((0, 1), (2, 1))
    assert reactant_cas(warhead, sh, 3) == ((1, 2), (2, 1))


def test_frozen_field_reproduces_solvated_hf_for_the_hf_determinant() -> None:
    mol = build_molecule(["S", "H"], np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 1.34]]), -1, "sto-3g")
    hf = run_mean_field(mol, TINY)
    frozen, constant = frozen_field_copy(hf)
    dm = hf.make_rdm1()
    e_det = frozen.energy_tot(dm=dm, h1e=frozen.get_hcore()) + constant
    assert e_det == pytest.approx(hf.e_tot, abs=1e-8)


def test_adducts_put_the_charge_where_the_mechanism_says() -> None:
    from molecules.warheads import find_warheads

    cases = {
        "C=CC(=O)N(C)C": ("michael", "CSC[CH-]C(=O)N(C)C"),
        "O=C1CCC1": ("carbonyl_addition", "CSC1([O-])CCC1"),
    }
    for smiles, (mechanism, adduct_smiles) in cases.items():
        mol = Chem.MolFromSmiles(smiles)
        match = find_warheads(mol)[0]
        assert match.mechanism == mechanism
        adduct = build_adduct(mol, match)
        assert Chem.GetFormalCharge(adduct.mol) == -1
        expected = Chem.CanonSmiles(adduct_smiles)
        assert Chem.MolToSmiles(Chem.RemoveHs(adduct.mol)) == expected
    chloroacetamide = Chem.MolFromSmiles("ClCC(=O)NC")
    with pytest.raises(UnsupportedWarheadError, match="SN2"):
        build_adduct(chloroacetamide, find_warheads(chloroacetamide)[0])


def test_no_warhead_radical_and_metal_are_clear_errors() -> None:
    with pytest.raises(NoWarheadError, match="no covalent warhead"):
        compute_reactivity(Chem.MolFromSmiles("CCO"), TINY)
    with pytest.raises(ReactivityInputError, match="unpaired"):
        compute_reactivity(Chem.MolFromSmiles("[CH2]C=CC#N"), TINY)
    with pytest.raises(ReactivityInputError, match="Pt"):
        compute_reactivity(Chem.MolFromSmiles("C=CC(=O)[O-].[Pt+]"), TINY)


def test_store_keeps_failures_with_reasons_and_refuses_bad_input(settings) -> None:
    from pipeline.services.reactivity import ReactivityOracle, get_or_compute_reactivity
    from pipeline.store import open_store

    store = open_store(settings)
    try:
        first = get_or_compute_reactivity(store, "CCO", TINY)
        assert first["status"] == "failed" and "no covalent warhead" in first["error"]
        again = get_or_compute_reactivity(store, "CCO", TINY)
        assert again["reused"] and again["error"] == first["error"]
        sn2 = get_or_compute_reactivity(store, "ClCC(=O)NC", TINY)
        assert sn2["status"] == "failed" and "SN2" in sn2["error"]
        for bad in ("[CH2]C=CC#N", "C=CC(=O)[O-].[Pt+]", "not a smiles"):
            with pytest.raises(ReactivityInputError):
                get_or_compute_reactivity(store, bad, TINY)
        oracle = ReactivityOracle(store, TINY)
        [result] = oracle.evaluate(["[CH2]C=CC#N"])
        assert result.value is None and "unpaired" in (result.error or "")
        with pytest.raises(SettingsError, match="unknown reactivity target"):
            ReactivityOracle(store, TINY, "energy_hartree")
    finally:
        store.close()


@pytest.mark.slow
def test_order_of_three_warheads_of_known_reactivity() -> None:
    """N-methylmaleimide > acrylamide > crotonamide (GSH rates; a beta-methyl slows thia-Michael
    addition), by the default quantum descriptor (VQE ΔE_add; lower = more reactive)."""
    smiles = ["CN1C(=O)C=CC1=O", "C=CC(=O)N", "C/C=C/C(=O)N"]
    values = [
        compute_reactivity(Chem.MolFromSmiles(s), TINY).delta_e_add_kcal["vqe"] for s in smiles
    ]
    assert values == sorted(values), dict(zip(smiles, values, strict=True))


def test_an_adduct_that_lost_its_leaving_group_is_refused() -> None:
    """2-chloropyrimidine's σ-complex relaxes (GFN2-xTB) into the substitution product and
    Cl⁻, whose energy is far below any addition's: refused with the broken bond named."""
    from rdkit import Chem

    from molecules.warheads import find_warheads
    from pipeline.quantum.reactivity.adduct import build_adduct
    from pipeline.quantum.reactivity.errors import GeometryOptimizationError
    from pipeline.quantum.reactivity.geometry import Geometry, starting_coordinates
    from pipeline.quantum.reactivity.kernel import _check_bonds_kept
    from pipeline.quantum.reactivity.settings import ReactivitySettings

    warhead = Chem.MolFromSmiles("Clc1ncccn1")
    [match] = [m for m in find_warheads(warhead) if m.mechanism == "snar"]
    adduct = build_adduct(warhead, match)
    coords = starting_coordinates(adduct.mol, 1)
    symbols = [a.GetSymbol() for a in adduct.mol.GetAtoms()]
    settings = ReactivitySettings()
    _check_bonds_kept(adduct.mol, Geometry(symbols, coords, None, 0), settings)  # intact
    chlorine = symbols.index("Cl")
    away = coords.copy()
    away[chlorine] = coords[match.site] + 3.2 * (coords[chlorine] - coords[match.site]) / (
        np.linalg.norm(coords[chlorine] - coords[match.site])
    )
    with pytest.raises(GeometryOptimizationError, match=r"Cl0–C1 bond broke"):
        _check_bonds_kept(adduct.mol, Geometry(symbols, away, None, 0), settings)


@pytest.mark.slow
def test_chloropyrimidine_sigma_complex_is_refused_end_to_end() -> None:
    """The real path: GFN2-xTB (ALPB water) expels Cl⁻ from 2-chloropyrimidine's σ-complex;
    compute_reactivity refuses it instead of reporting the substitution energy."""
    from pipeline.quantum.reactivity.errors import GeometryOptimizationError
    from pipeline.quantum.reactivity.settings import ReactivitySettings

    settings = ReactivitySettings(basis="sto-3g", compute_dft=False)
    with pytest.raises(GeometryOptimizationError, match="Cl0–C1 bond broke"):
        compute_reactivity(Chem.MolFromSmiles("Clc1ncccn1"), settings)

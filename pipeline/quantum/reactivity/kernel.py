"""ΔE_add of a warhead: ``E(adduct⁻) − E(warhead) − E(CH3S⁻)`` per method, best site reported.

    result = compute_reactivity(Chem.MolFromSmiles("C=CC#N"), ReactivitySettings())
    result.delta_e_add_kcal["vqe"]  # kcal/mol; more negative = more reactive

Per species: GFN2-xTB geometry (ALPB water) from the MMFF conformer, then in ddCOSMO water
DF-HF, DF-DFT (range-separated hybrid), and CASCI and VQE in AVAS orbitals of the reacting
atoms (site, anion atom, S): one rule for both sides of the reaction, the 2k highest occupied
and 2k lowest virtual of the adduct, and of the separated reactant pair (warhead + CH3S⁻,
:func:`reactant_cas`). The GFN2-xTB ΔE comes free with the geometries.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from rdkit import Chem

from molecules.warheads import WarheadMatch, find_warheads
from pipeline.quantum.reactivity.adduct import build_adduct, thiolate, unique_sites
from pipeline.quantum.reactivity.errors import (
    GeometryOptimizationError,
    NoWarheadError,
    ReactivityError,
    ReactivityInputError,
)
from pipeline.quantum.reactivity.geometry import (
    Geometry,
    bond_length,
    starting_coordinates,
    xtb_optimize,
)
from pipeline.quantum.reactivity.settings import ReactivitySettings
from pipeline.quantum.reactivity.species import (
    PreparedSpecies,
    SpeciesEnergies,
    prepare_species,
    solve_species,
)

HARTREE_TO_KCAL = 627.509474
METHODS = ("vqe", "casci", "hf", "dft", "xtb")
MAX_CS_BOND_ANGSTROM = 2.6  # a longer C-S bond after optimisation: the adduct fell apart
BROKEN_BOND_FACTOR = 1.4  # a bond longer than 1.4 x the covalent radii sum has broken
ALLOWED_ELEMENTS = {"H", "B", "C", "N", "O", "F", "P", "S", "Cl", "Br", "I", "Si"}


@dataclass(frozen=True)
class SiteResult:
    """ΔE_add (kcal/mol) of one site, per method in :data:`METHODS` (``None``: not run)."""

    site: int
    warhead_class: str
    mechanism: str
    delta_e_add_kcal: dict[str, float | None]
    adduct: SpeciesEnergies
    adduct_smiles: str
    cs_bond_angstrom: float


@dataclass(frozen=True)
class ReactivityResult:
    """The most favourable site (lowest VQE ΔE_add) and every computed site.

    ``omega_ev`` is the global electrophilicity ``μ²/(2η)`` (``μ = (ε_H+ε_L)/2``,
    ``η = ε_L − ε_H``, DFT orbitals), ``None`` when ``μ ≥ 0``. ``warhead_molblock`` is the
    warhead at the geometry its energies were computed at (``settings.geometry``: GFN2-xTB
    or MMFF; Å, explicit H, atoms in ``Chem.AddHs`` order of the input); ``None`` in results
    stored before it was kept.
    """

    smiles: str
    warhead_class: str
    mechanism: str
    site: int
    delta_e_add_kcal: dict[str, float | None]
    vqe_minus_casci_mha: dict[str, float]
    lumo_ev: float
    omega_ev: float | None
    warhead: SpeciesEnergies
    thiolate: SpeciesEnergies
    sites: list[SiteResult]
    seconds: float
    notes: list[str] = field(default_factory=list)
    warhead_molblock: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["warhead"] = self.warhead.to_dict()
        out["thiolate"] = self.thiolate.to_dict()
        for s, d in zip(self.sites, out["sites"], strict=True):
            d["adduct"] = s.adduct.to_dict()
        return out


def check_input(mol: Chem.Mol, settings: ReactivitySettings) -> None:
    """Refuse what the method does not treat: radicals, metals/unusual elements, several
    molecules, more heavy atoms than ``settings.max_heavy_atoms``.

    Raises:
        ReactivityInputError: with the reason.
    """
    odd = sorted({a.GetSymbol() for a in mol.GetAtoms()} - ALLOWED_ELEMENTS)
    if odd:
        raise ReactivityInputError(
            f"element(s) {', '.join(odd)} not treated "
            f"(allowed: {', '.join(sorted(ALLOWED_ELEMENTS))})"
        )
    radicals = sum(a.GetNumRadicalElectrons() for a in mol.GetAtoms())
    if radicals:
        raise ReactivityInputError(
            f"{radicals} unpaired electron(s): the method treats closed-shell molecules only"
        )
    if len(Chem.GetMolFrags(mol)) > 1:
        raise ReactivityInputError("several disconnected molecules: give one warhead")
    if mol.GetNumHeavyAtoms() > settings.max_heavy_atoms:
        raise ReactivityInputError(
            f"{mol.GetNumHeavyAtoms()} heavy atoms > max_heavy_atoms={settings.max_heavy_atoms}"
        )


def _geometry(mol: Chem.Mol, settings: ReactivitySettings) -> Geometry:
    coords = starting_coordinates(mol, settings.n_conformers)
    molh = Chem.AddHs(mol)
    if settings.geometry == "mmff":
        return Geometry([a.GetSymbol() for a in molh.GetAtoms()], coords, None, 0)
    return xtb_optimize(
        molh, coords, solvent=settings.solvent, max_steps=settings.geometry_max_steps
    )


def geometry_molblock(mol: Chem.Mol, geometry: Geometry) -> str:
    """MDL molblock of ``Chem.AddHs(mol)`` with ``geometry``'s coordinates (Å), the atom order
    :func:`_geometry` optimised in.

    Raises:
        ReactivityError: ``geometry`` is not of these atoms.
    """
    molh = Chem.AddHs(mol)
    symbols = [a.GetSymbol() for a in molh.GetAtoms()]
    if symbols != list(geometry.symbols):
        raise ReactivityError(f"geometry atoms {geometry.symbols} are not those of {symbols}")
    conformer = Chem.Conformer(molh.GetNumAtoms())
    for i, xyz in enumerate(geometry.coords_angstrom):
        conformer.SetAtomPosition(i, [float(v) for v in xyz])
    conformer.Set3D(True)
    molh.RemoveAllConformers()
    molh.AddConformer(conformer, assignId=True)
    return Chem.MolToMolBlock(molh)


@lru_cache(maxsize=8)
def thiolate_prepared(settings: ReactivitySettings) -> tuple[PreparedSpecies, Geometry]:
    """CH3S⁻ mean fields and geometry under ``settings`` (computed once per process)."""
    mol = thiolate()
    geom = _geometry(mol, settings)
    return prepare_species(geom.symbols, geom.coords_angstrom, -1, (1,), settings), geom


@lru_cache(maxsize=32)
def _thiolate_solved(settings: ReactivitySettings, n_occ: int, n_vir: int) -> SpeciesEnergies:
    return solve_species(thiolate_prepared(settings)[0], n_occ, n_vir, settings)


def reactant_cas(
    warhead: PreparedSpecies, sh: PreparedSpecies, k: int
) -> tuple[tuple[int, int], tuple[int, int]]:
    """(occupied, virtual) orbitals of the warhead and of CH3S⁻ in the reactants' CAS(2k,2k):
    the ``k`` highest occupied and ``k`` lowest virtual AVAS orbitals of the separated pair.

    At infinite separation the CASCI of the pair is the sum of the fragments' CASCI in their
    share of these orbitals (excitations between fragments do not couple), so no
    supermolecule calculation is needed.
    """
    occ = sorted(
        [(e, "w") for e in warhead.occupied_energies] + [(e, "t") for e in sh.occupied_energies],
        reverse=True,
    )[:k]
    vir = sorted(
        [(e, "w") for e in warhead.virtual_energies] + [(e, "t") for e in sh.virtual_energies]
    )[:k]
    count = {(side, kind): 0 for side in "wt" for kind in "ov"}
    for _, side in occ:
        count[side, "o"] += 1
    for _, side in vir:
        count[side, "v"] += 1
    return (count["w", "o"], count["w", "v"]), (count["t", "o"], count["t", "v"])


def _delta(adduct: SpeciesEnergies, warhead: SpeciesEnergies, sh: SpeciesEnergies, name: str):
    values = [getattr(x, f"{name}_hartree") for x in (adduct, warhead, sh)]
    if any(v is None for v in values):
        return None
    return HARTREE_TO_KCAL * (values[0] - values[1] - values[2])


def _omega(homo_ev: float, lumo_ev: float) -> float | None:
    mu, eta = 0.5 * (homo_ev + lumo_ev), lumo_ev - homo_ev
    return None if mu >= 0 or eta <= 0 else mu * mu / (2.0 * eta)


def _check_bonds_kept(adduct: Chem.Mol, geom: Geometry, settings: ReactivitySettings) -> None:
    """Refuse an optimised adduct that is no longer the intermediate it was built as: a bond
    that broke means it relaxed into something else, e.g. an SNAr σ-complex that expelled its
    halide (its energy is then the substitution's, far below any addition's).

    Raises:
        GeometryOptimizationError: naming the broken bond.
    """
    table = Chem.GetPeriodicTable()
    for bond in adduct.GetBonds():
        a, b = bond.GetBeginAtom(), bond.GetEndAtom()
        limit = BROKEN_BOND_FACTOR * (
            table.GetRcovalent(a.GetAtomicNum()) + table.GetRcovalent(b.GetAtomicNum())
        )
        length = bond_length(geom, a.GetIdx(), b.GetIdx())
        if length > limit:
            raise GeometryOptimizationError(
                f"the adduct is not a minimum in the {settings.geometry} optimisation: its "
                f"{a.GetSymbol()}{a.GetIdx()}–{b.GetSymbol()}{b.GetIdx()} bond broke "
                f"({length:.2f} Å > {limit:.2f} Å; e.g. the leaving group left an SNAr "
                "σ-complex), so no anionic adduct ΔE_add is defined"
            )


def compute_reactivity(
    mol: Chem.Mol,
    settings: ReactivitySettings,
    *,
    matches: list[WarheadMatch] | None = None,
) -> ReactivityResult:
    """ΔE_add per method at each symmetry-unique warhead site of ``mol`` (≤ ``max_sites``).

    Args:
        mol: one closed-shell molecule (hydrogens implicit or explicit).
        matches: warhead sites to use; default :func:`molecules.warheads.find_warheads`.

    Raises:
        ReactivityInputError: radical, metal, several molecules, too large.
        NoWarheadError: no warhead site.
        UnsupportedWarheadError: every site's mechanism lacks an anionic adduct.
        ReactivityError, GeometryOptimizationError: SCF, geometry or active-space failure.
    """
    start = time.perf_counter()
    mol = Chem.RemoveHs(mol)
    check_input(mol, settings)
    smiles = Chem.MolToSmiles(mol)
    found = find_warheads(mol) if matches is None else matches
    if not found:
        raise NoWarheadError(f"no covalent warhead found in {smiles}")
    sites = unique_sites(mol, found)[: settings.max_sites]
    adducts, notes, first_error = [], [], None
    for match in sites:
        try:
            adducts.append((match, build_adduct(mol, match)))
        except ReactivityError as exc:
            notes.append(f"site {match.site} ({match.warhead_class}): {exc}")
            first_error = first_error or exc
    if not adducts:
        assert first_error is not None
        raise first_error
    sh_prep, sh_geom = thiolate_prepared(settings)
    charge = Chem.GetFormalCharge(mol)
    w_geom = _geometry(mol, settings)
    reacting = tuple(sorted({i for _, a in adducts for i in (a.site, a.anion)}))
    w_prep = prepare_species(w_geom.symbols, w_geom.coords_angstrom, charge, reacting, settings)
    k = 2 * settings.active_pair_size
    (w_occ, w_vir), (t_occ, t_vir) = reactant_cas(w_prep, sh_prep, k)
    warhead = solve_species(w_prep, w_occ, w_vir, settings)
    sh = _thiolate_solved(settings, t_occ, t_vir)
    results: list[SiteResult] = []
    for match, adduct in adducts:
        try:
            a_geom = _geometry(adduct.mol, settings)
            cs = bond_length(a_geom, adduct.site, adduct.sulfur)
            if cs > MAX_CS_BOND_ANGSTROM:
                raise GeometryOptimizationError(
                    f"the adduct fell apart in the {settings.geometry} optimisation "
                    f"(C–S {cs:.2f} Å > {MAX_CS_BOND_ANGSTROM} Å): no stable anionic adduct"
                )
            _check_bonds_kept(adduct.mol, a_geom, settings)
            a_prep = prepare_species(
                a_geom.symbols, a_geom.coords_angstrom, charge - 1, adduct.reacting_atoms, settings
            )
            energies = solve_species(a_prep, k, k, settings)
        except ReactivityError as exc:
            notes.append(f"site {match.site} ({match.warhead_class}): {exc}")
            first_error = first_error or exc
            continue
        delta = {m: _delta(energies, warhead, sh, m) for m in METHODS if m != "xtb"}
        if a_geom.xtb_energy_hartree is not None and w_geom.xtb_energy_hartree is not None:
            assert sh_geom.xtb_energy_hartree is not None
            delta["xtb"] = HARTREE_TO_KCAL * (
                a_geom.xtb_energy_hartree - w_geom.xtb_energy_hartree - sh_geom.xtb_energy_hartree
            )
        else:
            delta["xtb"] = None
        results.append(
            SiteResult(
                match.site,
                match.warhead_class,
                match.mechanism,
                delta,
                energies,
                Chem.MolToSmiles(Chem.RemoveHs(adduct.mol)),
                cs,
            )
        )
    if not results:
        assert first_error is not None
        raise first_error
    best = min(results, key=lambda r: r.delta_e_add_kcal["vqe"])  # type: ignore[arg-type,return-value]
    return ReactivityResult(
        smiles=smiles,
        warhead_class=best.warhead_class,
        mechanism=best.mechanism,
        site=best.site,
        delta_e_add_kcal=best.delta_e_add_kcal,
        vqe_minus_casci_mha={
            "warhead": warhead.vqe_minus_casci_mha,
            "adduct": best.adduct.vqe_minus_casci_mha,
            "thiolate": sh.vqe_minus_casci_mha,
        },
        lumo_ev=warhead.lumo_ev,
        omega_ev=_omega(warhead.homo_ev, warhead.lumo_ev),
        warhead=warhead,
        thiolate=sh,
        sites=results,
        seconds=time.perf_counter() - start,
        notes=notes,
        warhead_molblock=geometry_molblock(mol, w_geom),
    )

"""Energies of one species (warhead, adduct or CH3S⁻) at one geometry: HF, DFT, CASCI, VQE.

Two steps, because the CAS of the reactants is chosen from the warhead and CH3S⁻ together:
:func:`prepare_species` (HF, DFT, the uncapped AVAS orbitals of the reacting atoms) and
:func:`solve_species` (CASCI and VQE in the chosen AVAS orbitals of the solvated HF, with the
HF reaction field frozen in the one-electron Hamiltonian, see
:func:`~pipeline.quantum.reactivity.mean_field.frozen_field_copy`).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from pipeline.quantum.active_space import ActiveSpace, select_avas
from pipeline.quantum.errors import QuantumError
from pipeline.quantum.hamiltonian import active_space_hamiltonian
from pipeline.quantum.reactivity.errors import ReactivityError
from pipeline.quantum.reactivity.mean_field import (
    build_molecule,
    frozen_field_copy,
    run_mean_field,
)
from pipeline.quantum.reactivity.settings import ReactivitySettings
from pipeline.quantum.settings import QuantumSettings
from pipeline.quantum.solver import solve_sector

HARTREE_TO_EV = 27.211386245988
VALENCE_P = {"C": "2p", "N": "2p", "O": "2p", "F": "2p", "S": "3p", "P": "3p", "Cl": "3p"}


@dataclass(frozen=True)
class SpeciesEnergies:
    """Total energies (Hartree) of one species in the settings' solvent.

    Attributes:
        hf_hartree, dft_hartree (``None`` if DFT is off), casci_hartree, vqe_hartree.
        homo_ev, lumo_ev: DFT (else HF) frontier orbital energies, eV.
        active_electrons, active_orbitals: the CAS; active_note: how AVAS was capped.
        vqe_parameters: ansatz parameters; seconds: wall time of this species.
        geometry_angstrom: ``"El x y z; ..."`` in Å, the geometry these energies are at.
    """

    hf_hartree: float
    dft_hartree: float | None
    casci_hartree: float
    vqe_hartree: float
    homo_ev: float
    lumo_ev: float
    active_electrons: int
    active_orbitals: int
    active_note: str
    vqe_parameters: int
    n_basis: int
    seconds: float
    geometry_angstrom: str

    @property
    def vqe_minus_casci_mha(self) -> float:
        return 1000.0 * (self.vqe_hartree - self.casci_hartree)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["vqe_minus_casci_mha"] = self.vqe_minus_casci_mha
        return out


def reacting_ao_labels(symbols: list[str], atoms: tuple[int, ...]) -> list[str]:
    """Minimal-basis valence-p AO labels (PySCF ``search_ao_label`` form) of ``atoms``."""
    labels = [f"{i} {symbols[i]} {VALENCE_P[symbols[i]]}" for i in atoms if symbols[i] in VALENCE_P]
    if not labels:
        raise ReactivityError(f"no p-valence atom among the reacting atoms {atoms}")
    return labels


def _frontier(mf: Any) -> tuple[float, float]:
    occ = np.asarray(mf.mo_occ) > 0
    energies = np.asarray(mf.mo_energy)
    return (
        float(energies[occ].max()) * HARTREE_TO_EV,
        float(energies[~occ].min()) * HARTREE_TO_EV,
    )


@dataclass
class PreparedSpecies:
    """Mean fields and the uncapped AVAS space of one species, before the CAS is chosen.

    Attributes:
        occupied_energies, virtual_energies: Fock eigenvalues (Hartree, ascending) of the
            AVAS occupied and virtual orbitals; the CAS takes the highest occupied and the
            lowest virtual of them.
    """

    symbols: list[str]
    coords_angstrom: np.ndarray
    mol: Any
    hf: Any
    dft_hartree: float | None
    homo_ev: float
    lumo_ev: float
    space: ActiveSpace
    occupied_energies: np.ndarray
    virtual_energies: np.ndarray
    seconds: float


def prepare_species(
    symbols: list[str],
    coords_angstrom: np.ndarray,
    charge: int,
    reacting_atoms: tuple[int, ...],
    settings: ReactivitySettings,
) -> PreparedSpecies:
    """HF and DFT of one closed-shell species and the AVAS orbitals of ``reacting_atoms``.

    Args:
        symbols: element symbols, length ``n_atoms``.
        coords_angstrom: shape ``(n_atoms, 3)``, Å.
        charge: total charge.
        reacting_atoms: atom indices whose valence p orbitals define the AVAS space.

    Raises:
        ReactivityError: SCF not converged, or AVAS finds no orbital.
    """
    start = time.perf_counter()
    mol = build_molecule(symbols, coords_angstrom, charge, settings.basis)
    hf = run_mean_field(mol, settings)
    e_dft = None
    homo, lumo = _frontier(hf)
    if settings.compute_dft:
        ks = run_mean_field(mol, settings, functional=settings.functional, dm0=hf.make_rdm1())
        e_dft = float(ks.e_tot)
        homo, lumo = _frontier(ks)
    labels = reacting_ao_labels(symbols, reacting_atoms)
    try:
        space = select_avas(
            hf, labels, threshold=settings.avas_threshold, max_occupied=999, max_virtual=999
        )
    except QuantumError as exc:
        raise ReactivityError(f"active space: {exc}") from None
    active = space.mo_coeff[:, space.n_core : space.n_core + space.n_orbitals]
    energies = np.einsum("pi,pq,qi->i", active, np.asarray(hf.get_fock()), active)
    return PreparedSpecies(
        symbols,
        np.asarray(coords_angstrom),
        mol,
        hf,
        e_dft,
        homo,
        lumo,
        space,
        energies[: space.n_alpha],
        energies[space.n_alpha :],
        time.perf_counter() - start,
    )


def solve_species(
    prep: PreparedSpecies, n_occupied: int, n_virtual: int, settings: ReactivitySettings
) -> SpeciesEnergies:
    """CASCI and VQE in the ``n_occupied`` highest occupied and ``n_virtual`` lowest virtual
    AVAS orbitals of ``prep`` (frozen HF reaction field). An empty CAS (either count 0): no
    correlation in this species, CASCI = VQE = HF.

    Raises:
        ReactivityError: the VQE or the active-space Hamiltonian fails.
    """
    start = time.perf_counter()
    full = prep.space
    n_occupied, n_virtual = (
        min(n_occupied, full.n_alpha),
        min(n_virtual, full.n_orbitals - full.n_alpha),
    )
    e_cas = e_vqe = float(prep.hf.e_tot)
    n_parameters = 0
    if n_occupied and n_virtual:
        space = ActiveSpace(
            full.n_core + full.n_alpha - n_occupied,
            n_occupied + n_virtual,
            n_occupied,
            n_occupied,
            full.mo_coeff,
            full.selection,
            note=f"AVAS CAS({full.n_electrons},{full.n_orbitals}) capped to "
            f"CAS({2 * n_occupied},{n_occupied + n_virtual})",
        )
        try:
            frozen, constant = frozen_field_copy(prep.hf)
            ham = active_space_hamiltonian(frozen, space)
            solution = solve_sector(
                ham,
                space.nelec,
                QuantumSettings(ansatz=settings.ansatz, tolerance=settings.vqe_tolerance),
            )
        except QuantumError as exc:
            raise ReactivityError(f"active space / VQE: {exc}") from None
        e_cas = float(solution.reference_energy_hartree) + constant
        e_vqe = float(solution.energy_hartree) + constant
        n_parameters = int(solution.ansatz.n_parameters)
    return SpeciesEnergies(
        hf_hartree=float(prep.hf.e_tot),
        dft_hartree=prep.dft_hartree,
        casci_hartree=e_cas,
        vqe_hartree=e_vqe,
        homo_ev=prep.homo_ev,
        lumo_ev=prep.lumo_ev,
        active_electrons=2 * n_occupied if n_virtual else 0,
        active_orbitals=n_occupied + n_virtual if n_occupied and n_virtual else 0,
        active_note=f"AVAS CAS({full.n_electrons},{full.n_orbitals}); kept {n_occupied} occupied, "
        f"{n_virtual} virtual",
        vqe_parameters=n_parameters,
        n_basis=int(prep.mol.nao),
        seconds=prep.seconds + time.perf_counter() - start,
        geometry_angstrom="; ".join(
            f"{el} {x:.6f} {y:.6f} {z:.6f}"
            for el, (x, y, z) in zip(prep.symbols, prep.coords_angstrom, strict=True)
        ),
    )

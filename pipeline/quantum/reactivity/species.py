"""Energies of one species (warhead, adduct or CH3S⁻) at one geometry: HF, DFT, CASCI, VQE.

CASCI and VQE act on the same AVAS active space of the (solvated) HF orbitals, with the HF
reaction field frozen in the one-electron Hamiltonian (see
:func:`~pipeline.quantum.reactivity.mean_field.frozen_field_copy`).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from pipeline.quantum.active_space import select_avas
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


def species_energies(
    symbols: list[str],
    coords_angstrom: np.ndarray,
    charge: int,
    reacting_atoms: tuple[int, ...],
    settings: ReactivitySettings,
    *,
    n_pairs: int,
) -> SpeciesEnergies:
    """HF, DFT, CASCI and VQE energies of one closed-shell species.

    Args:
        symbols: element symbols, length ``n_atoms``.
        coords_angstrom: shape ``(n_atoms, 3)``, Å.
        charge: total charge.
        reacting_atoms: atom indices whose valence p orbitals define the AVAS space.
        n_pairs: electron pairs that the reaction rearranges in this species (warhead 1: the
            C=C π; CH3S⁻ 1: the S lone pair; adduct 2: C–S σ and the anion's pair); the
            active space is ``n_pairs * settings.active_pair_size`` occupied and as many
            virtual AVAS orbitals, so CAS sizes add up across the reaction.

    Raises:
        ReactivityError: SCF not converged, or no usable active space / VQE failure.
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
            hf,
            labels,
            threshold=settings.avas_threshold,
            max_occupied=n_pairs * settings.active_pair_size,
            max_virtual=n_pairs * settings.active_pair_size,
        )
        frozen, constant = frozen_field_copy(hf)
        ham = active_space_hamiltonian(frozen, space)
        solution = solve_sector(
            ham,
            space.nelec,
            QuantumSettings(ansatz=settings.ansatz, tolerance=settings.vqe_tolerance),
        )
    except QuantumError as exc:
        raise ReactivityError(f"active space / VQE: {exc}") from None
    return SpeciesEnergies(
        hf_hartree=float(hf.e_tot),
        dft_hartree=e_dft,
        casci_hartree=float(solution.reference_energy_hartree) + constant,
        vqe_hartree=float(solution.energy_hartree) + constant,
        homo_ev=homo,
        lumo_ev=lumo,
        active_electrons=int(space.n_electrons),
        active_orbitals=int(space.n_orbitals),
        active_note=space.note,
        vqe_parameters=int(solution.ansatz.n_parameters),
        n_basis=int(mol.nao),
        seconds=time.perf_counter() - start,
        geometry_angstrom="; ".join(
            f"{el} {x:.6f} {y:.6f} {z:.6f}"
            for el, (x, y, z) in zip(symbols, coords_angstrom, strict=True)
        ),
    )

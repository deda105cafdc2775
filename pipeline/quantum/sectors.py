"""The species of one calculation: VQE and CASCI of one sector, in the gas phase or in ddCOSMO.

Gas phase: one sector of the shared active-space Hamiltonian. Solvated: a ddCOSMO CASCI of that
species (N, N-1 or N+1 electrons; same geometry and orbitals, so vertical) with VQE as the
fcisolver, beside the same ddCOSMO CASCI with the exact solver; each species sees the
equilibrium reaction field of its own density. Energies in Hartree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.quantum.active_space import ActiveSpace
from pipeline.quantum.engines.ci_vector import CIVectorEngine
from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian
from pipeline.quantum.settings import QuantumSettings
from pipeline.quantum.solver import (
    MATCHES_CASCI_MHA,
    SectorSolution,
    permute_hamiltonian,
    solve_sector,
)

WATER_EPSILON = 78.3553  # as in PySCF's solvent tables


@dataclass
class SectorEnergy:
    """VQE and CASCI energies (Hartree) of one sector (the cation or anion of a result)."""

    nelec: tuple[int, int]
    energy_hartree: float
    reference_energy_hartree: float
    n_parameters: int
    n_evaluations: int

    @property
    def error_mha(self) -> float:
        return 1000.0 * (self.energy_hartree - self.reference_energy_hartree)

    @property
    def matches_casci(self) -> bool:
        """``|VQE - CASCI| <= 1.6 mHa`` in this sector (same active space)."""
        return abs(self.error_mha) <= MATCHES_CASCI_MHA


@dataclass
class SolvedSpecies:
    """One solved species: its energies (Hartree) and what the circuit cross-check needs."""

    solution: SectorSolution
    energy_hartree: float  # VQE (solvated: self-consistent ddCOSMO with VQE)
    reference_energy_hartree: float  # CASCI, same treatment
    n_evaluations: int
    circuit_ham: ActiveSpaceHamiltonian  # what the optimized circuit is evaluated on
    circuit_offset_hartree: float = 0.0  # reported energy - <circuit_ham> of the VQE state

    def sector(self) -> SectorEnergy:
        return SectorEnergy(
            self.solution.nelec,
            self.energy_hartree,
            self.reference_energy_hartree,
            self.solution.ansatz.n_parameters,
            self.n_evaluations,
        )


def solve_gas(
    ham: ActiveSpaceHamiltonian, nelec: tuple[int, int], settings: QuantumSettings
) -> SolvedSpecies:
    """VQE and CASCI of the ``nelec`` sector of the gas-phase ``ham``."""
    solution = solve_sector(ham, nelec, settings)
    return SolvedSpecies(
        solution,
        solution.energy_hartree,
        solution.reference_energy_hartree,
        solution.vqe.n_evaluations,
        solution.ham,
    )


def solve_solvated(
    mf: Any, space: ActiveSpace, nelec: tuple[int, int], settings: QuantumSettings
) -> SolvedSpecies:
    """ddCOSMO CASCI of the ``nelec`` species (VQE fcisolver) beside the exact one."""
    from pyscf import ao2mo, mcscf
    from pyscf import solvent as pyscf_solvent

    from pipeline.quantum.fcisolver import VQEFCISolver

    extra = space.n_electrons - sum(nelec)  # +1 cation, -1 anion
    species = mf.mol
    if extra:
        species = mf.mol.copy()
        species.charge += extra
        species.spin = abs(nelec[0] - nelec[1])
        species.build(verbose=0)

    def casci() -> Any:
        base = mcscf.CASCI(mf, space.n_orbitals, nelec)
        base.mol = species  # same atoms and basis; its charge fixes the core and solvent
        mc = pyscf_solvent.ddCOSMO(base)
        mc.with_solvent.eps = WATER_EPSILON
        mc.verbose = 0
        return mc

    mc = casci()
    mc.fcisolver = VQEFCISolver(mf.mol, settings)
    mc.kernel(space.mo_coeff)
    ref = casci()
    ref.fcisolver.conv_tol = 1e-12
    ref.kernel(space.mo_coeff)
    solutions = mc.fcisolver.solutions
    final = solutions[-1]
    # The circuit sees the reaction field of the final state, frozen.
    h1, e_core = mc.get_h1eff(space.mo_coeff)
    eri = ao2mo.restore(1, mc.get_h2eff(space.mo_coeff), space.n_orbitals)
    frozen = ActiveSpaceHamiltonian(np.asarray(h1), np.asarray(eri), float(e_core))
    e_frozen = CIVectorEngine(frozen, nelec).expectation(final.ci_vector.ravel())
    return SolvedSpecies(
        final,
        float(mc.e_tot),
        float(ref.e_tot),
        sum(s.vqe.n_evaluations for s in solutions),
        permute_hamiltonian(frozen, final.orbital_order),
        float(mc.e_tot) - e_frozen,
    )


def mp2_correlation_energy(mf: Any) -> float:
    """MP2 correlation energy (Hartree) of the full basis, chemical core frozen.

    RMP2 for RHF, UMP2 on ROHF orbitals for open shells; with a solvated mean field, MP2 in
    its orbitals (reaction field frozen at the SCF).
    """
    from pyscf import mp
    from pyscf.data.elements import chemcore

    pt = mp.MP2(mf, frozen=chemcore(mf.mol) or None)
    pt.verbose = 0
    return float(pt.kernel()[0])

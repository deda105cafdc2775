"""Active-space Hamiltonian: PySCF integrals -> OpenFermion ``InteractionOperator`` -> qubits.

Spin-orbital order follows OpenFermion: spin orbital ``2p`` is alpha of spatial orbital ``p``,
``2p + 1`` is beta. Integrals are in Hartree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import openfermion as of
from pyscf import ao2mo, fci, mcscf

from pipeline.quantum.active_space import ActiveSpace

Mapping = Literal["jordan_wigner", "bravyi_kitaev"]


@dataclass(frozen=True)
class ActiveSpaceHamiltonian:
    """``H = e_core + sum h1[p,q] E_pq + 1/2 sum eri[p,q,r,s] (E_pq E_rs - delta_qr E_ps)``.

    Attributes:
        h1: one-electron integrals incl. the frozen-core potential, shape ``(n, n)``, Hartree.
        eri: two-electron integrals in chemists' notation ``(pq|rs)``, shape ``(n, n, n, n)``.
        e_core: nuclear repulsion + frozen-core energy (Hartree).
    """

    h1: np.ndarray
    eri: np.ndarray
    e_core: float

    @property
    def n_orbitals(self) -> int:
        return int(self.h1.shape[0])

    @property
    def n_qubits(self) -> int:
        return 2 * self.n_orbitals


def active_space_hamiltonian(mf: Any, space: ActiveSpace) -> ActiveSpaceHamiltonian:
    """Integrals of ``space`` (core folded into ``h1``, ``e_core``) as PySCF CASCI builds them."""
    mc = mcscf.CASCI(mf, space.n_orbitals, space.nelec)
    mc.verbose = 0
    h1, e_core = mc.get_h1eff(space.mo_coeff)
    eri = ao2mo.restore(1, mc.get_h2eff(space.mo_coeff), space.n_orbitals)
    return ActiveSpaceHamiltonian(np.asarray(h1), np.asarray(eri), float(e_core))


def interaction_operator(ham: ActiveSpaceHamiltonian) -> of.InteractionOperator:
    """The second-quantized Hamiltonian of ``ham`` (core energy as the constant)."""
    two_body = np.asarray(ham.eri.transpose(0, 2, 3, 1), order="C")
    one_spin, two_spin = of.chem.molecular_data.spinorb_from_spatial(ham.h1, two_body)
    return of.InteractionOperator(ham.e_core, one_spin, 0.5 * two_spin)


def qubit_hamiltonian(ham: ActiveSpaceHamiltonian, mapping: Mapping = "jordan_wigner") -> Any:
    """``ham`` as an OpenFermion ``QubitOperator`` under Jordan–Wigner or Bravyi–Kitaev."""
    op = interaction_operator(ham)
    if mapping == "jordan_wigner":
        return of.jordan_wigner(op)
    if mapping == "bravyi_kitaev":
        return of.bravyi_kitaev(of.get_fermion_operator(op), n_qubits=ham.n_qubits)
    raise ValueError(f"unknown mapping {mapping!r} (allowed: jordan_wigner, bravyi_kitaev)")


def casci_energy(ham: ActiveSpaceHamiltonian, nelec: tuple[int, int]) -> tuple[float, np.ndarray]:
    """Exact (FCI) ground energy of ``ham`` in the ``nelec = (n_alpha, n_beta)`` sector.

    Returns:
        ``(energy_hartree, ci)`` with ``ci`` of shape ``(C(n, n_alpha), C(n, n_beta))``.
    """
    solver = fci.direct_spin1.FCI()
    solver.conv_tol = 1e-12
    solver.max_cycle = 500
    energy, ci = solver.kernel(ham.h1, ham.eri, ham.n_orbitals, nelec, ecore=ham.e_core)
    return float(energy), np.asarray(ci)

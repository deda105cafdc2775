"""One VQE solve of one sector of one Hamiltonian, with the ansatz chosen by name.

Every sector starts from the determinant that dominates its exact (CASCI) ground state: the
active orbitals are reordered so that determinant is the aufbau one the ansätze are built on.
Starting from the aufbau determinant of the N-electron orbitals is a symmetry trap for ions:
when the lowest N-1 (or N+1) state has its hole (particle) in an orbital of another symmetry,
every gradient that would lead there is zero, and VQE or ADAPT stops on an excited state
(acrylamide cation, CAS(4,4): 41.9 mHa above CASCI). Each solution carries the CASCI energy
of its sector, so every reported sector is checked against it.

Shared by :mod:`.calculation` and the PySCF fcisolver adapter (:mod:`.fcisolver`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyscf import lib
from pyscf.fci import addons, cistring

from pipeline.quantum.adapt import adapt_kernel
from pipeline.quantum.ansatz import build_ansatz
from pipeline.quantum.excitations import Ansatz
from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian, casci_energy
from pipeline.quantum.settings import QuantumSettings
from pipeline.quantum.vqe import VQEResult, vqe_kernel

MATCHES_CASCI_MHA = 1.6  # |VQE - CASCI| of one sector, same active space, milli-Hartree


@dataclass
class SectorSolution:
    """The optimized ansatz of one ``nelec`` sector, its VQE result and its CASCI energy.

    Attributes:
        nelec: ``(n_alpha, n_beta)``.
        ansatz: the optimized ansatz; it acts on ``ham`` (orbitals in ``orbital_order``).
        vqe: the VQE result; its ``ci_vector`` is in ``orbital_order``.
        reference_energy_hartree: exact (CASCI) ground energy of the sector.
        orbital_order: active orbital ``orbital_order[k]`` is orbital ``k`` of ``ham``.
        ham: the Hamiltonian in ``orbital_order`` (the one the ansatz and circuit act on).
    """

    nelec: tuple[int, int]
    ansatz: Ansatz
    vqe: VQEResult
    reference_energy_hartree: float
    orbital_order: tuple[int, ...]
    ham: ActiveSpaceHamiltonian

    @property
    def energy_hartree(self) -> float:
        return self.vqe.energy_hartree

    @property
    def error_mha(self) -> float:
        """VQE - CASCI of this sector, milli-Hartree."""
        return 1000.0 * (self.energy_hartree - self.reference_energy_hartree)

    @property
    def ci_vector(self) -> np.ndarray:
        """The VQE state in the original orbital order, shape ``(C(n, n_alpha), C(n, n_beta))``."""
        return unpermute_ci(self.vqe.ci_vector, self.orbital_order, self.nelec)


def dominant_determinant_order(
    ci: np.ndarray, n_orbitals: int, nelec: tuple[int, int]
) -> tuple[int, ...]:
    """Orbital order that makes the largest-weight determinant of ``ci`` the aufbau one.

    Only determinants whose minority-spin orbitals are a subset of the majority-spin ones
    qualify (those an orbital reordering turns into the aufbau determinant). Order: doubly
    occupied, singly occupied, empty orbitals, each ascending. Ties keep the lower index, so
    the aufbau determinant keeps the identity order when it dominates.
    """
    na, nb = nelec
    strings_a = cistring.make_strings(range(n_orbitals), na)
    strings_b = cistring.make_strings(range(n_orbitals), nb)
    sa, sb = strings_a[:, None], strings_b[None, :]
    subset = (sb & ~sa) == 0 if na >= nb else (sa & ~sb) == 0
    weight = np.where(subset, np.asarray(ci).reshape(len(strings_a), len(strings_b)) ** 2, -1.0)
    ia, ib = np.unravel_index(int(np.argmax(weight)), weight.shape)
    occ_a, occ_b = int(strings_a[ia]), int(strings_b[ib])
    both = [p for p in range(n_orbitals) if occ_a >> p & 1 and occ_b >> p & 1]
    single = [p for p in range(n_orbitals) if (occ_a ^ occ_b) >> p & 1]
    empty = [p for p in range(n_orbitals) if not (occ_a | occ_b) >> p & 1]
    return tuple(both + single + empty)


def permute_hamiltonian(
    ham: ActiveSpaceHamiltonian, order: tuple[int, ...]
) -> ActiveSpaceHamiltonian:
    """``ham`` with orbital ``k`` := old orbital ``order[k]``."""
    o = np.asarray(order)
    return ActiveSpaceHamiltonian(
        np.ascontiguousarray(ham.h1[np.ix_(o, o)]),
        np.ascontiguousarray(ham.eri[np.ix_(o, o, o, o)]),
        ham.e_core,
    )


def unpermute_ci(ci: np.ndarray, order: tuple[int, ...], nelec: tuple[int, int]) -> np.ndarray:
    """A CI vector of the reordered orbitals expressed in the original ones (signs included)."""
    n = len(order)
    if order == tuple(range(n)):
        return ci
    perm = np.zeros((n, n))
    perm[list(order), range(n)] = 1.0  # column k of the reordered basis is old orbital order[k]
    return addons.transform_ci_for_orbital_rotation(ci, n, nelec, perm.T)


def solve_sector(
    ham: ActiveSpaceHamiltonian,
    nelec: tuple[int, int],
    settings: QuantumSettings,
    *,
    warm_start: SectorSolution | None = None,
) -> SectorSolution:
    """VQE (or ADAPT-VQE) for ``ham`` in the ``nelec = (n_alpha, n_beta)`` sector.

    The sector's CASCI ground state is computed first; the ansatz is built on its dominant
    determinant (see :func:`dominant_determinant_order`).

    Args:
        ham: active-space Hamiltonian.
        nelec: electrons of each spin in the active space.
        settings: ansatz, optimizer, tolerance, layer counts, ADAPT thresholds.
        warm_start: a previous solution whose parameters start a fixed ansatz (used only with
            the same sector, orbital order and parameter count; never for ADAPT).
    """
    with lib.with_omp_threads(1):  # small CI spaces: threads cost more than they save
        reference, ci = casci_energy(ham, nelec)
    order = dominant_determinant_order(ci, ham.n_orbitals, nelec)
    work = ham if order == tuple(range(ham.n_orbitals)) else permute_hamiltonian(ham, order)
    if settings.ansatz == "adapt":
        res = adapt_kernel(
            work,
            nelec,
            gradient_threshold=settings.adapt_gradient_threshold,
            max_operators=settings.adapt_max_operators,
            pool_kind=settings.adapt_pool,
            tetris=settings.adapt_tetris,
            inner_max_iterations=settings.adapt_inner_max_iterations,
            optimizer=settings.optimizer,
            tol=settings.tolerance,
            max_iterations=settings.max_iterations,
        )
        return SectorSolution(nelec, res.ansatz, res.vqe, reference, order, work)
    ansatz = build_ansatz(
        settings.ansatz,
        work,
        nelec,
        kupccgsd_layers=settings.kupccgsd_layers,
        hea_layers=settings.hea_layers,
    )
    x0 = None
    if (
        warm_start is not None
        and warm_start.nelec == nelec
        and warm_start.orbital_order == order
        and warm_start.ansatz.n_parameters == ansatz.n_parameters
    ):
        x0 = warm_start.vqe.parameters
    vqe = vqe_kernel(
        work,
        ansatz,
        x0,
        optimizer=settings.optimizer,
        tol=settings.tolerance,
        max_iterations=settings.max_iterations,
    )
    return SectorSolution(nelec, ansatz, vqe, reference, order, work)

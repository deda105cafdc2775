"""ADAPT-VQE (Grimsley, Economou, Barnes, Mayhall, Nat. Commun. 2019) with a fermionic pool.

Pool (see :func:`fermionic_pool`): spin-adapted generalized singles and doubles by default,
or the occupied -> virtual ones of the reference (the UCCSD groups). Each step appends the
pool operator with the largest energy gradient ``|dE/dθ| = |2 <ψ|H G|ψ>|`` at θ = 0
(operators may be chosen again) -- by default together with further operators on disjoint
orbitals (TETRIS-ADAPT) -- and re-optimizes all parameters from the previous optimum. Stops
when the largest gradient is below ``gradient_threshold`` or after ``max_operators``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pyscf import lib
from pyscf.fci import direct_spin1

from pipeline.quantum.engines.ci_vector import CIVectorEngine
from pipeline.quantum.errors import AnsatzError
from pipeline.quantum.excitations import (
    Ansatz,
    Excitation,
    check_sector,
    from_groups,
    generalized_pool_groups,
    singles_doubles_groups,
)
from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian
from pipeline.quantum.vqe import Optimizer, VQEResult, vqe_kernel

PoolKind = Literal["gsd", "sd"]


@dataclass
class AdaptResult:
    """ADAPT-VQE outcome: the grown ansatz, its final VQE, and the history.

    Attributes:
        ansatz: the grown ansatz (name ``"adapt"``).
        vqe: the last re-optimization; its ``n_evaluations`` and ``wall_seconds`` are totals.
        max_gradients: largest pool gradient before each step (Hartree/radian).
        energies_hartree: energy after each step.
        converged: the gradient criterion was met (not just the operator limit).
    """

    ansatz: Ansatz
    vqe: VQEResult
    max_gradients: list[float] = field(default_factory=list)
    energies_hartree: list[float] = field(default_factory=list)
    converged: bool = False


def fermionic_pool(
    n_orbitals: int, nelec: tuple[int, int], kind: PoolKind = "gsd"
) -> list[list[Excitation]]:
    """The ADAPT pool, one group (shared parameter) per pool operator.

    ``"sd"``: spin-adapted occupied -> virtual singles and doubles of the reference (UCCSD's
    operators). ``"gsd"``: spin-adapted generalized singles and doubles (any orbitals), which
    keeps lowering the energy where the ``"sd"`` pool stalls near the UCCSD energy.
    """
    if kind == "sd":
        singles, doubles = singles_doubles_groups(n_orbitals, nelec, spin_adapted=True)
        return doubles + singles
    if kind == "gsd":
        return generalized_pool_groups(n_orbitals, nelec, spin_adapted=True)
    raise AnsatzError(f"unknown ADAPT pool {kind!r} (allowed: sd, gsd)")


class PoolGradients:
    """All pool gradients ``2 <ψ|H G_g|ψ>`` at once from one transition 2-RDM.

    For ``T = a†a†aa``: ``<σ|G|ψ> = <σ|T|ψ> - <σ|T†|ψ>`` with ``σ = Hψ``; both are elements of
    PySCF's ``trans_rdm12s(σ, ψ)`` (``dm1[p,q] = <q† p>``, ``dm2[p,q,r,s] = <p† r† s q>``).
    """

    def __init__(self, engine: CIVectorEngine, pool: list[list[Excitation]]) -> None:
        self.engine = engine
        self.n_groups = len(pool)
        n = engine.n_orbitals
        self._offsets = {
            "1a": 0,
            "1b": n**2,
            "2aa": 2 * n**2,
            "2ab": 2 * n**2 + n**4,
            "2bb": 2 * n**2 + 2 * n**4,
        }
        group, idx_t, sgn_t, idx_d, sgn_d = [], [], [], [], []
        for g, members in enumerate(pool):
            for exc in members:
                i, s = self._slot(exc.creation, exc.annihilation)
                j, t = self._slot(exc.annihilation[::-1], exc.creation[::-1])
                group.append(g)
                idx_t.append(i)
                sgn_t.append(s)
                idx_d.append(j)
                sgn_d.append(t)
        self.group = np.array(group, dtype=np.intp)
        self.idx_t, self.sgn_t = np.array(idx_t, dtype=np.intp), np.array(sgn_t, float)
        self.idx_d, self.sgn_d = np.array(idx_d, dtype=np.intp), np.array(sgn_d, float)

    def _slot(self, cre: tuple[int, ...], ann: tuple[int, ...]) -> tuple[int, int]:
        """Flat index and sign of ``<a†_{cre...} a_{ann...}>`` in the concatenated RDMs."""
        n = self.engine.n_orbitals
        if len(cre) == 1:
            block = "1a" if cre[0] % 2 == 0 else "1b"
            return self._offsets[block] + (ann[0] // 2) * n + cre[0] // 2, 1  # dm1[q,p]=<p† q>
        c0, c1 = cre
        a0, a1 = ann  # T = c0† c1† a0 a1 = <P† R† S Q> with P=c0, R=c1, S=a0, Q=a1
        sign = 1
        spins = (c0 % 2, c1 % 2)
        if spins[0] != spins[1]:
            if c0 % 2 == 1:  # want the alpha creator first
                c0, c1, sign = c1, c0, -sign
            if a1 % 2 == 1:  # want the alpha annihilator last (Q)
                a0, a1, sign = a1, a0, -sign
            block = "2ab"
        else:
            block = "2aa" if spins[0] == 0 else "2bb"
        p, q, r, s = c0 // 2, a1 // 2, c1 // 2, a0 // 2
        return self._offsets[block] + ((p * n + q) * n + r) * n + s, sign

    def __call__(self, sigma: np.ndarray, psi: np.ndarray) -> np.ndarray:
        """Gradients of every pool group, shape ``(n_groups,)``, Hartree/radian."""
        eng = self.engine
        with lib.with_omp_threads(eng.omp_threads):
            (d1a, d1b), (d2aa, d2ab, _, d2bb) = direct_spin1.trans_rdm12s(
                sigma.reshape(eng.shape), psi.reshape(eng.shape), eng.n_orbitals, eng.nelec
            )
        flat = np.concatenate([d1a.ravel(), d1b.ravel(), d2aa.ravel(), d2ab.ravel(), d2bb.ravel()])
        member = 2.0 * (self.sgn_t * flat[self.idx_t] - self.sgn_d * flat[self.idx_d])
        return np.bincount(self.group, weights=member, minlength=self.n_groups)


def adapt_kernel(
    ham: ActiveSpaceHamiltonian,
    nelec: tuple[int, int],
    *,
    pool: list[list[Excitation]] | None = None,
    pool_kind: PoolKind = "gsd",
    gradient_threshold: float = 1e-3,
    max_operators: int = 200,
    optimizer: Optimizer = "L-BFGS-B",
    tol: float = 1e-8,
    max_iterations: int = 1000,
    inner_max_iterations: int = 30,
    inner_tol: float | None = None,
    tetris: bool = True,
    log: Callable[[int, float, float], None] | None = None,
) -> AdaptResult:
    """Grow and optimize an ADAPT-VQE ansatz in the ``nelec`` sector of ``ham``.

    Intermediate re-optimizations use the gradient tolerance ``gradient_threshold / 10`` (or
    ``tol`` if looser) and at most ``inner_max_iterations`` iterations; the final ansatz is
    polished towards ``tol`` for at most ``3 * inner_max_iterations`` iterations.

    Args:
        tetris: add, per step, every operator above the threshold whose spatial orbitals are
            disjoint from those of the operators already added in that step, largest gradient
            first (TETRIS-ADAPT, Anastasiou et al., Phys. Rev. Research 6, 013254 (2024));
            ``False`` adds one operator per step (original ADAPT).
        log: called after each step as ``log(n_operators, energy_hartree, max_gradient)``.

    Raises:
        AnsatzError: the sector does not fit, the pool is empty, or a limit is not positive.
    """
    start = time.perf_counter()
    check_sector("adapt", ham.n_orbitals, nelec)
    if gradient_threshold <= 0 or max_operators < 1 or inner_max_iterations < 1:
        raise AnsatzError(
            f"adapt: gradient_threshold ({gradient_threshold}), max_operators ({max_operators}) "
            f"and inner_max_iterations ({inner_max_iterations}) must be positive"
        )
    pool = pool if pool is not None else fermionic_pool(ham.n_orbitals, nelec, pool_kind)
    if not pool:
        raise AnsatzError(f"empty ADAPT pool for {ham.n_orbitals} orbitals, nelec={nelec}")
    if inner_tol is None:
        inner_tol = gradient_threshold / 10
    inner_tol = max(tol, min(inner_tol, gradient_threshold / 10))
    engine = CIVectorEngine(ham, nelec)
    screen = PoolGradients(engine, pool)
    supports = [
        frozenset(p // 2 for exc in group for p in exc.creation + exc.annihilation)
        for group in pool
    ]
    chosen: list[list[Excitation]] = []
    theta = np.zeros(0)
    psi = engine.reference()
    n_eval = 1
    result = AdaptResult(from_groups("adapt", ham.n_orbitals, nelec, []), _empty(engine, psi))
    energy = engine.expectation(psi)
    while len(chosen) < max_operators:
        sigma = engine.apply_hamiltonian(psi)
        grads = screen(sigma, psi)
        best = int(np.argmax(np.abs(grads)))
        result.max_gradients.append(float(abs(grads[best])))
        if abs(grads[best]) < gradient_threshold:
            result.converged = True
            break
        picked = _select(grads, supports, gradient_threshold, tetris)
        picked = picked[: max_operators - len(chosen)]
        chosen += [pool[g] for g in picked]
        ansatz = from_groups(
            "adapt", ham.n_orbitals, nelec, chosen, np.append(theta, np.zeros(len(picked)))
        )
        vqe = vqe_kernel(
            ham,
            ansatz,
            optimizer=optimizer,
            tol=inner_tol,
            max_iterations=min(max_iterations, inner_max_iterations),
            engine=engine,
        )
        n_eval += vqe.n_evaluations
        theta = vqe.parameters
        psi = vqe.ci_vector.ravel()
        stalled = energy - vqe.energy_hartree < 1e-12
        energy = vqe.energy_hartree
        result.energies_hartree.append(energy)
        result.ansatz, result.vqe = ansatz, vqe
        if log is not None:
            log(len(chosen), energy, float(abs(grads[best])))
        if stalled:
            break
    if chosen and inner_tol > tol:  # polish: a few more iterations at the final tolerance
        vqe = vqe_kernel(
            ham,
            result.ansatz,
            theta,
            optimizer=optimizer,
            tol=tol,
            max_iterations=min(max_iterations, 3 * inner_max_iterations),
            engine=engine,
        )
        n_eval += vqe.n_evaluations
        energy = vqe.energy_hartree
        result.vqe = vqe
    result.vqe.n_evaluations = n_eval
    result.vqe.energy_hartree = energy
    result.vqe.wall_seconds = time.perf_counter() - start
    return result


def _select(
    grads: np.ndarray, supports: list[frozenset[int]], threshold: float, tetris: bool
) -> list[int]:
    """Pool indices to add this step, largest |gradient| first (see ``tetris``)."""
    picked: list[int] = []
    used: set[int] = set()
    for g in np.argsort(-np.abs(grads), kind="stable"):
        if abs(grads[g]) < threshold:
            break
        if supports[g] & used:
            continue
        picked.append(int(g))
        used |= supports[g]
        if not tetris:
            break
    return picked


def _empty(engine: CIVectorEngine, psi: np.ndarray) -> VQEResult:
    return VQEResult(
        energy_hartree=engine.expectation(psi),
        parameters=np.zeros(0),
        n_evaluations=1,
        n_iterations=0,
        converged=True,
        message="reference",
        wall_seconds=0.0,
        ci_vector=psi.reshape(engine.shape),
    )

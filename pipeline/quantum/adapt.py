"""ADAPT-VQE (Grimsley, Economou, Barnes, Mayhall, Nat. Commun. 2019) with a fermionic pool.

Pool: the spin-adapted occupied -> virtual singles and doubles of the reference (the UCCSD
groups). Each step appends the pool operator with the largest energy gradient
``|dE/dθ| = |2 <ψ|H G|ψ>|`` at θ = 0 (operators may be chosen again) and re-optimizes all
parameters from the previous optimum. Stops when the largest gradient is below
``gradient_threshold`` or after ``max_operators`` operators.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from pipeline.quantum.engines.ci_vector import CIVectorEngine
from pipeline.quantum.errors import AnsatzError
from pipeline.quantum.excitations import Ansatz, Excitation, from_groups, singles_doubles_groups
from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian
from pipeline.quantum.vqe import Optimizer, VQEResult, vqe_kernel


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


def fermionic_pool(n_orbitals: int, nelec: tuple[int, int]) -> list[list[Excitation]]:
    """Spin-adapted singles and doubles of the reference, one group per pool operator."""
    singles, doubles = singles_doubles_groups(n_orbitals, nelec, spin_adapted=True)
    return doubles + singles


def adapt_kernel(
    ham: ActiveSpaceHamiltonian,
    nelec: tuple[int, int],
    *,
    pool: list[list[Excitation]] | None = None,
    gradient_threshold: float = 1e-3,
    max_operators: int = 200,
    optimizer: Optimizer = "L-BFGS-B",
    tol: float = 1e-8,
    max_iterations: int = 1000,
    inner_max_iterations: int = 100,
    inner_tol: float | None = None,
    log: Callable[[int, float, float], None] | None = None,
) -> AdaptResult:
    """Grow and optimize an ADAPT-VQE ansatz in the ``nelec`` sector of ``ham``.

    Intermediate re-optimizations use the gradient tolerance ``min(1e-5, threshold / 10)``
    (or ``tol`` if looser); the final ansatz is re-optimized to ``tol``.

    Args:
        log: called after each step as ``log(n_operators, energy_hartree, max_gradient)``.

    Raises:
        AnsatzError: the pool is empty.
    """
    start = time.perf_counter()
    pool = pool if pool is not None else fermionic_pool(ham.n_orbitals, nelec)
    if not pool:
        raise AnsatzError(f"empty ADAPT pool for {ham.n_orbitals} orbitals, nelec={nelec}")
    if inner_tol is None:
        inner_tol = min(1e-5, gradient_threshold / 10)
    inner_tol = max(tol, min(inner_tol, gradient_threshold / 10))
    engine = CIVectorEngine(ham, nelec)
    pool_maps = [engine.compile(group) for group in pool]
    chosen: list[list[Excitation]] = []
    theta = np.zeros(0)
    psi = engine.reference()
    n_eval = 1
    result = AdaptResult(from_groups("adapt", ham.n_orbitals, nelec, []), _empty(engine, psi))
    energy = engine.expectation(psi)
    while len(chosen) < max_operators:
        sigma = engine.apply_hamiltonian(psi)
        grads = np.array(
            [2.0 * sum(engine.generator_overlap(sigma, psi, m) for m in maps) for maps in pool_maps]
        )
        best = int(np.argmax(np.abs(grads)))
        result.max_gradients.append(float(abs(grads[best])))
        if abs(grads[best]) < gradient_threshold:
            result.converged = True
            break
        chosen.append(pool[best])
        ansatz = from_groups("adapt", ham.n_orbitals, nelec, chosen, np.append(theta, 0.0))
        vqe = vqe_kernel(
            ham, ansatz, optimizer=optimizer, tol=inner_tol,
            max_iterations=min(max_iterations, inner_max_iterations), engine=engine,
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
    if chosen and inner_tol > tol:
        vqe = vqe_kernel(
            ham, result.ansatz, theta, optimizer=optimizer, tol=tol,
            max_iterations=max_iterations, engine=engine,
        )
        n_eval += vqe.n_evaluations
        energy = vqe.energy_hartree
        result.vqe = vqe
    result.vqe.n_evaluations = n_eval
    result.vqe.energy_hartree = energy
    result.vqe.wall_seconds = time.perf_counter() - start
    return result


def _empty(engine: CIVectorEngine, psi: np.ndarray) -> VQEResult:
    return VQEResult(
        energy_hartree=engine.expectation(psi), parameters=np.zeros(0), n_evaluations=1,
        n_iterations=0, converged=True, message="reference", wall_seconds=0.0,
        ci_vector=psi.reshape(engine.shape),
    )

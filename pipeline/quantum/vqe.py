"""VQE kernel: minimize ``<ref|U(θ)† H U(θ)|ref>`` with analytic (adjoint) gradients.

The energy and its gradient come from the fast CI-vector engine in one call; SciPy's
L-BFGS-B is the default optimizer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.optimize import minimize

from pipeline.quantum.engines.ci_vector import CIVectorEngine, CompiledAnsatz
from pipeline.quantum.excitations import Ansatz
from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian

Optimizer = Literal["L-BFGS-B", "BFGS", "SLSQP"]


@dataclass
class VQEResult:
    """Outcome of one VQE optimization.

    Attributes:
        energy_hartree: optimized energy (Hartree, core energy included).
        parameters: optimal θ, shape ``(n_parameters,)``, radians.
        n_evaluations: energy evaluations (each one also gave the gradient).
        n_iterations: optimizer iterations.
        converged: the optimizer reported success.
        message: the optimizer's message.
        wall_seconds: time of the optimization.
        ci_vector: final state, shape ``(C(n, n_alpha), C(n, n_beta))`` (PySCF FCI layout).
    """

    energy_hartree: float
    parameters: np.ndarray
    n_evaluations: int
    n_iterations: int
    converged: bool
    message: str
    wall_seconds: float
    ci_vector: np.ndarray = field(repr=False)


def vqe_kernel(
    ham: ActiveSpaceHamiltonian,
    ansatz: Ansatz,
    x0: np.ndarray | None = None,
    *,
    optimizer: Optimizer = "L-BFGS-B",
    tol: float = 1e-8,
    max_iterations: int = 1000,
    engine: CIVectorEngine | None = None,
) -> VQEResult:
    """Optimize ``ansatz`` on ``ham`` in the ansatz's sector.

    Args:
        ham: active-space Hamiltonian.
        ansatz: excitation-product ansatz (its ``nelec`` selects the sector).
        x0: starting θ, shape ``(n_parameters,)``; default ``ansatz.initial_parameters``.
        optimizer: SciPy method.
        tol: gradient tolerance (Hartree/radian) of the optimizer.
        max_iterations: optimizer iteration limit.
        engine: a :class:`CIVectorEngine` of the same sector to reuse (its caches).

    Returns:
        :class:`VQEResult`.
    """
    start = time.perf_counter()
    engine = engine or CIVectorEngine(ham, ansatz.nelec)
    compiled = CompiledAnsatz(engine, ansatz)
    theta0 = np.array(ansatz.initial_parameters if x0 is None else x0, dtype=float)
    n_eval = 0

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        nonlocal n_eval
        n_eval += 1
        return compiled.energy_and_gradient(theta)

    if ansatz.n_parameters == 0:
        energy, _ = fun(theta0)
        theta, n_iter, ok, msg = theta0, 0, True, "no parameters"
    else:
        if optimizer == "L-BFGS-B":
            options = {"gtol": tol, "ftol": 1e-15, "maxiter": max_iterations, "maxcor": 30}
        elif optimizer == "BFGS":
            options = {"gtol": tol, "maxiter": max_iterations}
        elif optimizer == "SLSQP":
            options = {"ftol": tol * tol, "maxiter": max_iterations}
        else:
            raise ValueError(f"unknown optimizer {optimizer!r}")
        res = minimize(fun, theta0, jac=True, method=optimizer, options=options)
        theta, energy = np.asarray(res.x), float(res.fun)
        n_iter, ok, msg = int(res.get("nit", 0)), bool(res.success), str(res.message)
    psi = compiled.state(theta)
    energy = engine.expectation(psi)
    return VQEResult(
        energy_hartree=energy,
        parameters=theta,
        n_evaluations=n_eval,
        n_iterations=n_iter,
        converged=ok,
        message=msg,
        wall_seconds=time.perf_counter() - start,
        ci_vector=psi.reshape(engine.shape),
    )

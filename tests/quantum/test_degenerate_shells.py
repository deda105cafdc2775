"""Energies do not depend on how a molecule is oriented: degenerate orbital shells stay whole.

Before whole shells, the default CAS(4,4) of NH3 held one orbital of each e pair; a rigid
rotation of the molecule moved CASCI and VQE by up to 10.4 mHa.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from quantum.cases import N2, mean_field

from pipeline.quantum.active_space import ActiveSpace, select_active_space
from pipeline.quantum.errors import ActiveSpaceError
from pipeline.quantum.geometry import MoleculeInput, build_mole
from pipeline.quantum.hamiltonian import active_space_hamiltonian, casci_energy
from pipeline.quantum.scf import run_scf
from pipeline.quantum.settings import QuantumSettings
from pipeline.quantum.solver import solve_sector


def _nh3(rotation: np.ndarray) -> str:
    """C3v NH3 (N-H 1.012 Å, H-N-H 106.7°) rotated rigidly by ``rotation`` (3 x 3)."""
    cos_hnh = np.cos(np.deg2rad(106.7))
    cos_t = np.sqrt((cos_hnh + 0.5) / 1.5)  # angle of N-H to the C3 axis
    sin_t = np.sqrt(1.0 - cos_t**2)
    atoms = [("N", np.zeros(3))] + [
        ("H", 1.012 * np.array([sin_t * np.cos(a), sin_t * np.sin(a), -cos_t]))
        for a in 2 * np.pi / 3 * np.arange(3)
    ]
    return "; ".join(f"{s} " + " ".join(f"{c:.12f}" for c in rotation @ x) for s, x in atoms)


def _rotation(a: float, b: float, c: float) -> np.ndarray:
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    return rz @ ry @ rx


NH3 = _nh3(np.eye(3))


def _casci(mf, **kwargs) -> tuple[float, tuple[int, int]]:  # type: ignore[no-untyped-def]
    space = select_active_space(mf, 4, 4, **kwargs)
    ham = active_space_hamiltonian(mf, space)
    return casci_energy(ham, space.nelec)[0], (space.n_electrons, space.n_orbitals)


def _mix_degenerate_pairs(mf, angle: float):  # type: ignore[no-untyped-def]
    """A copy of ``mf`` whose canonical orbitals are rotated by ``angle`` inside every
    degenerate pair (an equally valid set of canonical orbitals)."""
    mixed = copy.copy(mf)
    mo = np.array(mf.mo_coeff)
    e = mf.mo_energy
    for p in range(len(e) - 1):
        if abs(e[p + 1] - e[p]) < 1e-6:
            c, s = np.cos(angle), np.sin(angle)
            mo[:, [p, p + 1]] = mo[:, [p, p + 1]] @ np.array([[c, -s], [s, c]])
    mixed.mo_coeff = mo
    return mixed


def _hf_casci_vqe(geometry: str) -> tuple[tuple[float, float, float], ActiveSpace]:
    """HF, CASCI and VQE (UCCSD) energies (Hartree) of the default CAS(4,4) request."""
    settings = QuantumSettings()
    mf = run_scf(build_mole(MoleculeInput(geometry=geometry), settings.basis)).mf
    space = select_active_space(mf, settings.active_electrons, settings.active_orbitals)
    solution = solve_sector(active_space_hamiltonian(mf, space), space.nelec, settings)
    return (mf.e_tot, solution.reference_energy_hartree, solution.energy_hartree), space


def test_nh3_rigid_rotation_keeps_hf_casci_and_vqe() -> None:
    a, space = _hf_casci_vqe(NH3)
    b, _ = _hf_casci_vqe(_nh3(_rotation(0.3, 1.1, -0.7)))
    assert (space.n_electrons, space.n_orbitals) == (6, 6)  # both e pairs whole
    assert "enlarged to CAS(6,6)" in space.note
    np.testing.assert_allclose(b, a, rtol=0, atol=1e-6)
    assert abs(a[2] - a[1]) < 1.6e-3


@pytest.mark.parametrize(
    ("geometry", "rule", "cas"),
    [
        (NH3, "enlarge", (6, 6)),
        (NH3, "shrink", (2, 2)),
        (N2, "enlarge", (6, 5)),  # the occupied pi_u pair whole
        (N2, "shrink", (2, 3)),
    ],
)
def test_rotation_inside_degenerate_shells_cannot_change_casci(
    geometry: str, rule: str, cas: tuple[int, int]
) -> None:
    mf = mean_field(geometry)
    base, got = _casci(mf, degenerate_shells=rule)
    assert got == cas
    for angle in (0.4, 1.1):
        assert _casci(_mix_degenerate_pairs(mf, angle), degenerate_shells=rule)[0] == (
            pytest.approx(base, abs=1e-8)
        )


def test_a_window_that_splits_a_shell_depends_on_orientation() -> None:
    """The failure the rule prevents (threshold 0 turns it off)."""
    mf = mean_field(NH3)
    base, got = _casci(mf, degeneracy_threshold=0.0)
    assert got == (4, 4)
    mixed, _ = _casci(_mix_degenerate_pairs(mf, 0.7), degeneracy_threshold=0.0)
    assert abs(mixed - base) > 1e-3


def test_mp2_natural_orbitals_keep_degenerate_pairs() -> None:
    space = select_active_space(mean_field(N2), 0, 3, "mp2_natural_orbitals")
    assert space.n_orbitals == 4 and "enlarged to 4" in space.note
    occ = space.natural_occupations
    assert occ[0] == pytest.approx(occ[1], abs=1e-8) and occ[2] == pytest.approx(occ[3], abs=1e-8)


def test_shrinking_to_nothing_is_an_active_space_error() -> None:
    # N2 CAS(2,2): sigma_g HOMO and one pi_g of the LUMO pair; shrinking drops the pi_g and
    # leaves two electrons in one orbital with nothing to excite into, which is refused.
    with pytest.raises(ActiveSpaceError, match=r"CAS\(2,1\).*nothing to correlate"):
        select_active_space(mean_field(N2), 2, 2, degenerate_shells="shrink")


def test_an_enlarged_window_still_respects_max_qubits() -> None:
    from pipeline.quantum.calculation import compute_energy

    settings = QuantumSettings(max_qubits=10)  # CAS(4,4) = 8 qubits passes the early guard
    with pytest.raises(ActiveSpaceError, match="12 qubits, more than quantum.max_qubits = 10"):
        compute_energy(MoleculeInput(geometry=NH3), settings)

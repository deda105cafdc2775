"""Shared small molecules for the quantum tests (mean fields computed once per session)."""

from __future__ import annotations

from functools import cache

from pipeline.quantum.active_space import select_active_space
from pipeline.quantum.geometry import MoleculeInput, build_mole
from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian, active_space_hamiltonian
from pipeline.quantum.scf import run_scf

H2 = "H 0 0 0; H 0 0 0.7414"
LIH = "Li 0 0 0; H 0 0 1.5949"
H2O = "O 0 0 0.1173; H 0 0.7572 -0.4692; H 0 -0.7572 -0.4692"
N2 = "N 0 0 0; N 0 0 1.0977"


@cache
def mean_field(geometry: str, basis: str = "sto-3g"):  # type: ignore[no-untyped-def]
    return run_scf(build_mole(MoleculeInput(geometry=geometry), basis)).mf


@cache
def active_hamiltonian(
    geometry: str, n_electrons: int, n_orbitals: int, basis: str = "sto-3g"
) -> tuple[ActiveSpaceHamiltonian, tuple[int, int]]:
    mf = mean_field(geometry, basis)
    space = select_active_space(mf, n_electrons, n_orbitals)
    return active_space_hamiltonian(mf, space), space.nelec

"""Density-fitted RHF / RKS in ddCOSMO water for the reactivity step, and its frozen-field copy.

``pipeline.quantum.scf.run_scf`` has neither density fitting nor a DFT functional, and its
ddCOSMO uses PySCF's default grids; both dominate the cost for 10–25 heavy atoms with diffuse
functions, so the reactivity step builds its own mean fields here (same fallback idea: DIIS,
then second-order SCF).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyscf import dft, gto, scf

from pipeline.quantum.reactivity.errors import ReactivityError
from pipeline.quantum.reactivity.settings import ReactivitySettings

WATER_EPSILON = 78.3553


def build_molecule(
    symbols: list[str], coords_angstrom: np.ndarray, charge: int, basis: str
) -> gto.Mole:
    """A closed-shell PySCF molecule; coordinates shape ``(n_atoms, 3)`` in Å."""
    mol = gto.Mole()
    mol.atom = [
        (s, tuple(float(x) for x in xyz)) for s, xyz in zip(symbols, coords_angstrom, strict=True)
    ]
    mol.unit = "Angstrom"
    mol.basis = basis
    mol.charge = charge
    mol.spin = 0
    mol.verbose = 0
    try:
        mol.build(parse_arg=False, dump_input=False)
    except (RuntimeError, KeyError, ValueError) as exc:
        raise ReactivityError(
            f"PySCF cannot build the molecule in basis {basis!r}: {exc}"
        ) from None
    return mol


def _solvate(mf: Any, settings: ReactivitySettings) -> Any:
    if settings.solvent == "none":
        return mf
    from pyscf import solvent

    mf = solvent.ddCOSMO(mf)
    mf.with_solvent.eps = WATER_EPSILON
    mf.with_solvent.grids.level = settings.solvent_grid_level
    mf.with_solvent.lebedev_order = settings.solvent_lebedev_order
    mf.with_solvent.lmax = settings.solvent_lmax
    return mf


def run_mean_field(
    mol: gto.Mole,
    settings: ReactivitySettings,
    *,
    functional: str | None = None,
    dm0: np.ndarray | None = None,
) -> Any:
    """Converged DF-RHF (``functional=None``) or DF-RKS, in ddCOSMO water if the settings say.

    Raises:
        ReactivityError: neither DIIS nor second-order SCF converged.
    """

    def new() -> Any:
        if functional is None:
            base = scf.RHF(mol)
        else:
            base = dft.RKS(mol, xc=functional)
            base.grids.level = settings.dft_grid_level
        base = base.density_fit()
        base.conv_tol = settings.scf_conv_tol
        base.max_cycle = 100
        base.verbose = 0
        return _solvate(base, settings)

    mf = new()
    mf.kernel(dm0=dm0)
    if mf.converged:
        return mf
    first = float(mf.e_tot)
    mf2 = new().newton()
    mf2.kernel(dm0=mf.make_rdm1())
    if mf2.converged:
        return mf2
    name = functional or "HF"
    raise ReactivityError(
        f"{name} SCF did not converge ({mol.nelectron} electrons, charge {mol.charge}; "
        f"DIIS E={first:.6f}, Newton E={float(mf2.e_tot):.6f})"
    )


def frozen_field_copy(mf: Any) -> tuple[Any, float]:
    """A gas-phase DF-RHF object with ``mf``'s orbitals whose core Hamiltonian holds the
    reaction-field potential ``V0`` of ``mf``'s density ``D0`` (frozen), and the constant to add.

    The ddCOSMO energy (nuclei and electrons) to first order about ``D0`` is
    ``E_sol(D) ≈ E_sol(D0) + tr((D − D0) V0)``, so CASCI or VQE on this copy's Hamiltonian plus
    the returned ``E_sol(D0) − tr(D0 V0)`` (Hartree) is the correlated energy in the frozen
    field; for the HF determinant it is the solvated HF energy. Gas phase (no
    ``with_solvent``): the copy is ``mf`` itself and the constant 0.
    """
    solvent = getattr(mf, "with_solvent", None)
    if solvent is None:
        return mf, 0.0
    dm = mf.make_rdm1()
    e_sol, v_sol = solvent.kernel(dm)
    copy = scf.RHF(mf.mol).density_fit()
    copy.with_df = mf.with_df
    copy.verbose = 0
    hcore = copy.get_hcore() + np.asarray(v_sol)
    copy.get_hcore = lambda *args, **kwargs: hcore
    copy.mo_coeff = mf.mo_coeff
    copy.mo_occ = mf.mo_occ
    copy.mo_energy = mf.mo_energy
    copy.e_tot = mf.e_tot
    copy.converged = True
    return copy, float(e_sol) - float(np.einsum("ij,ji->", dm, v_sol))

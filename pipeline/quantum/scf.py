"""Mean field: RHF for closed shells, ROHF for open shells, with a fallback ladder.

Ladder: plain DIIS -> damping + level shift -> second-order (Newton) SCF. The path that
converged is recorded in :class:`SCFResult`; if none converges, :class:`SCFConvergenceError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pyscf import gto, scf

from pipeline.quantum.errors import SCFConvergenceError

SCFPath = Literal["diis", "damping_level_shift", "newton"]


@dataclass
class SCFResult:
    """A converged mean field.

    Attributes:
        mf: the converged PySCF object (``RHF`` or ``ROHF``, possibly solvated).
        energy_hartree: total SCF energy (Hartree).
        method: ``"RHF"`` or ``"ROHF"``.
        path: which rung of the ladder converged.
    """

    mf: Any
    energy_hartree: float
    method: str
    path: SCFPath


def _new_mf(mol: gto.Mole, solvent: str, max_cycles: int) -> Any:
    mf = scf.RHF(mol) if mol.spin == 0 else scf.ROHF(mol)
    mf.max_cycle = max_cycles
    mf.conv_tol = 1e-10
    mf.verbose = 0
    if solvent == "water":
        from pyscf import solvent as pyscf_solvent

        mf = pyscf_solvent.ddCOSMO(mf)
        mf.with_solvent.eps = 78.3553  # water, as in PySCF's solvent tables
    elif solvent != "none":
        raise SCFConvergenceError(f"unknown solvent {solvent!r} (allowed: none, water)")
    return mf


def run_scf(mol: gto.Mole, *, solvent: str = "none", max_cycles: int = 100) -> SCFResult:
    """Run RHF (spin 0) or ROHF (spin > 0) on ``mol``, falling back until one converges.

    Args:
        mol: a built molecule.
        solvent: ``"none"`` or ``"water"`` (ddCOSMO implicit solvent).
        max_cycles: SCF iterations per rung of the ladder.

    Raises:
        SCFConvergenceError: no rung converged; the message lists the final energies.
    """
    method = "RHF" if mol.spin == 0 else "ROHF"
    tried: list[str] = []
    mf = _new_mf(mol, solvent, max_cycles)
    mf.kernel()
    if mf.converged:
        return SCFResult(mf, float(mf.e_tot), method, "diis")
    tried.append(f"diis: E={mf.e_tot:.8f}")
    dm = mf.make_rdm1()

    mf2 = _new_mf(mol, solvent, 2 * max_cycles)
    mf2.damp = 0.5
    mf2.diis_start_cycle = 5
    mf2.level_shift = 0.5
    mf2.kernel(dm0=dm)
    if mf2.converged:
        # Polish without the level shift so orbital energies are the true ones.
        mf3 = _new_mf(mol, solvent, max_cycles)
        mf3.kernel(dm0=mf2.make_rdm1())
        if mf3.converged:
            return SCFResult(mf3, float(mf3.e_tot), method, "damping_level_shift")
    tried.append(f"damping+level shift: E={mf2.e_tot:.8f}")

    mf4 = _new_mf(mol, solvent, max_cycles).newton()
    mf4.kernel(dm0=mf2.make_rdm1())
    if mf4.converged:
        return SCFResult(mf4, float(mf4.e_tot), method, "newton")
    tried.append(f"newton: E={mf4.e_tot:.8f}")
    raise SCFConvergenceError(
        f"{method} did not converge for {mol.nelectron} electrons, spin {mol.spin} "
        f"({'; '.join(tried)})"
    )

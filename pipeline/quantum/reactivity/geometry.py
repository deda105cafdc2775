"""Starting geometries (MMFF conformer via :mod:`molecules.conformers`, ETKDG where MMFF lacks
parameters, e.g. carbanions) and GFN2-xTB optimisation (tblite; ALPB water) with L-BFGS.

Coordinates in Å; tblite works in Bohr and Hartree/Bohr.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdDistGeom
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from molecules.conformers import generate_conformer
from molecules.errors import ConformerError
from pipeline.quantum.reactivity.errors import GeometryOptimizationError

BOHR_PER_ANGSTROM = 1.0 / 0.52917721090380
GRADIENT_TOLERANCE = 3e-4  # Hartree/Bohr, max component (geomeTRIC's default is 4.5e-4)


@dataclass(frozen=True)
class Geometry:
    """Element symbols (length ``n``), coordinates ``(n, 3)`` Å, and the xTB energy (Hartree)."""

    symbols: list[str]
    coords_angstrom: np.ndarray
    xtb_energy_hartree: float | None
    n_steps: int


def starting_coordinates(mol: Chem.Mol, n_conformers: int, seed: int = 42) -> np.ndarray:
    """Coordinates ``(n_atoms, 3)`` Å of ``mol`` (explicit H, atom order kept): the lowest MMFF
    conformer, or one ETKDG embedding when MMFF has no parameters.

    Raises:
        GeometryOptimizationError: no conformer can be embedded.
    """
    try:
        result = generate_conformer(mol, n_conformers=n_conformers, seed=seed)
        conf_mol = Chem.MolFromMolBlock(result.molblock, removeHs=False, sanitize=False)
        return np.asarray(conf_mol.GetConformer().GetPositions())
    except ConformerError as exc:
        if exc.reason != "mmff_unsupported":
            raise GeometryOptimizationError(f"no starting conformer: {exc.reason}") from None
    molh = Chem.AddHs(mol)
    params = rdDistGeom.ETKDGv3()
    params.randomSeed = seed
    if rdDistGeom.EmbedMolecule(molh, params) != 0:
        params.useRandomCoords = True
        if rdDistGeom.EmbedMolecule(molh, params) != 0:
            raise GeometryOptimizationError("ETKDG could not embed a starting conformer")
    return np.asarray(molh.GetConformer().GetPositions())


def xtb_optimize(
    mol: Chem.Mol,
    coords_angstrom: np.ndarray,
    *,
    solvent: str = "water",
    max_steps: int = 500,
) -> Geometry:
    """GFN2-xTB minimum near ``coords_angstrom`` (L-BFGS on analytic gradients).

    Args:
        mol: explicit-hydrogen molecule (elements and formal charge; closed shell).
        solvent: ``"water"`` (ALPB) or ``"none"``.

    Raises:
        GeometryOptimizationError: xTB SCF failure or no convergence in ``max_steps``.
    """
    from tblite.exceptions import TBLiteRuntimeError, TBLiteValueError
    from tblite.interface import Calculator

    numbers = np.array([a.GetAtomicNum() for a in mol.GetAtoms()])
    symbols = [a.GetSymbol() for a in mol.GetAtoms()]
    charge = float(Chem.GetFormalCharge(mol))
    x0 = np.asarray(coords_angstrom, dtype=float).ravel() * BOHR_PER_ANGSTROM
    try:
        calc = Calculator("GFN2-xTB", numbers, x0.reshape(-1, 3), charge=charge, uhf=0)
        calc.set("verbosity", 0)
        if solvent == "water":
            calc.add("alpb-solvation", "water")
    except (TBLiteRuntimeError, TBLiteValueError) as exc:
        raise GeometryOptimizationError(f"GFN2-xTB setup failed: {exc}") from None
    cache: dict[str, float] = {}

    def energy_gradient(x: np.ndarray) -> tuple[float, np.ndarray]:
        calc.update(positions=x.reshape(-1, 3))
        res = calc.singlepoint()
        cache["e"] = float(res.get("energy"))
        return cache["e"], np.asarray(res.get("gradient")).ravel()

    try:
        # One OpenMP thread: a warhead-sized xTB step is ~ms, and tblite's threads then
        # only spin; on a busy 2-core host they made each step ~100x slower.
        with threadpool_limits(limits=1, user_api="openmp"):
            opt = minimize(
                energy_gradient,
                x0,
                jac=True,
                method="L-BFGS-B",
                options={"maxiter": max_steps, "gtol": GRADIENT_TOLERANCE, "ftol": 1e-12},
            )
            _, grad = energy_gradient(opt.x)
    except TBLiteRuntimeError as exc:
        raise GeometryOptimizationError(f"GFN2-xTB SCF failed during optimisation: {exc}") from None
    if np.abs(grad).max() > 3 * GRADIENT_TOLERANCE:
        raise GeometryOptimizationError(
            f"GFN2-xTB optimisation not converged in {max_steps} steps "
            f"(max gradient {np.abs(grad).max():.1e} Hartree/Bohr)"
        )
    return Geometry(symbols, opt.x.reshape(-1, 3) / BOHR_PER_ANGSTROM, cache["e"], int(opt.nit))


def bond_length(geometry: Geometry, i: int, j: int) -> float:
    """Distance between atoms ``i`` and ``j`` in Å."""
    return float(np.linalg.norm(geometry.coords_angstrom[i] - geometry.coords_angstrom[j]))

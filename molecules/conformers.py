"""3D conformers: RDKit ETKDGv3 embedding of several conformers, MMFF94 optimization, keep
the lowest-energy one.

Failure reasons (``ConformerError.reason``): ``embedding_failed``, ``mmff_unsupported``
(atom types MMFF94 lacks), ``optimization_failed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdkit import Chem
from rdkit.Chem import AllChem, rdDistGeom, rdForceFieldHelpers

from molecules.errors import ConformerError


@dataclass(frozen=True)
class ConformerResult:
    """The lowest-energy MMFF94 conformer of a molecule.

    Attributes:
        molblock: MDL V2000 molblock with explicit hydrogens, coordinates in Angstrom.
        energy_kcal_per_mol: MMFF94 energy of that conformer, kcal/mol.
        n_embedded: conformers embedded (<= requested).
        converged: whether the MMFF optimization of the kept conformer converged.
    """

    molblock: str
    energy_kcal_per_mol: float
    n_embedded: int
    converged: bool


def generate_conformer(
    mol: Chem.Mol,
    *,
    n_conformers: int = 5,
    seed: int = 42,
    max_iterations: int = 500,
) -> ConformerResult:
    """Embed ``n_conformers`` conformers with ETKDGv3, optimize with MMFF94, keep the lowest.

    Args:
        mol: a sanitized molecule (hydrogens are added here; input not modified).
        n_conformers: conformers to embed (>= 1).
        seed: random seed of the embedding (same seed, same result).
        max_iterations: MMFF optimizer iterations per conformer.

    Raises:
        ConformerError: reason ``embedding_failed``, ``mmff_unsupported`` or
            ``optimization_failed``.
        ValueError: ``n_conformers < 1``.
    """
    if n_conformers < 1:
        raise ValueError(f"n_conformers must be >= 1, got {n_conformers}")
    molh = Chem.AddHs(mol)
    params = rdDistGeom.ETKDGv3()
    params.randomSeed = seed
    params.pruneRmsThresh = 0.1
    conf_ids = list(rdDistGeom.EmbedMultipleConfs(molh, n_conformers, params))
    if not conf_ids:
        params.useRandomCoords = True
        conf_ids = list(rdDistGeom.EmbedMultipleConfs(molh, n_conformers, params))
    if not conf_ids:
        raise ConformerError("embedding_failed", "ETKDGv3 embedding produced no conformer")
    if not rdForceFieldHelpers.MMFFHasAllMoleculeParams(molh):
        raise ConformerError("mmff_unsupported", "MMFF94 lacks parameters for this molecule")
    try:
        results = AllChem.MMFFOptimizeMoleculeConfs(
            molh, numThreads=1, maxIters=max_iterations, mmffVariant="MMFF94"
        )
    except (RuntimeError, ValueError) as exc:
        raise ConformerError("optimization_failed", str(exc)) from exc
    best = min(range(len(results)), key=lambda i: results[i][1])
    not_converged, energy = results[best]
    best_id = conf_ids[best]
    out = Chem.Mol(molh, confId=best_id)
    return ConformerResult(
        molblock=Chem.MolToMolBlock(out),
        energy_kcal_per_mol=float(energy),
        n_embedded=len(conf_ids),
        converged=not_converged == 0,
    )

"""DMPNN graph features computed with numpy, identical to DeepChem 2.8's ``DMPNNFeaturizer``.

DeepChem's featurizer builds Python lists per atom and per bond and its ``_MapperDMPNN``
loops over atoms and bonds; together they run at a few hundred molecules per second. This
module computes the same arrays (tested equal on ESOL) from a handful of RDKit calls per atom:

* atom features (133): one-hot atomic number − 1 in 0..99, total degree 0..5, formal charge
  in (−1, −2, 1, 2, 0), chiral tag 0..3, total H count 0..4, hybridization in
  (SP, SP2, SP3, SP3D, SP3D2) — each with a trailing "other" slot — then aromatic flag and
  mass × 0.01;
* bond features (14): 0 ("not a missing bond"), single, double, triple, aromatic,
  conjugated, in ring, one-hot stereo 0..5 plus "other"; each bond twice (i→j then j→i);
* the index lists of ``_MapperDMPNN``: bonds into each atom (ascending, −1 padded) and, for
  each bond, the bonds into its source atom except its reverse (−1 in place of the reverse).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rdkit import Chem

ATOM_FDIM = 133
BOND_FDIM = 14
_CHARGES = {-1: 0, -2: 1, 1: 2, 2: 3, 0: 4}
_HYBRID = {"SP": 0, "SP2": 1, "SP3": 2, "SP3D": 3, "SP3D2": 4}
_HYBRID_INDEX = {
    int(value): _HYBRID.get(str(value), 5)
    for value in Chem.rdchem.HybridizationType.values.values()
}
# column offsets of each one-hot block
_OFF_DEGREE = 101
_OFF_CHARGE = _OFF_DEGREE + 7
_OFF_CHIRAL = _OFF_CHARGE + 6
_OFF_HS = _OFF_CHIRAL + 5
_OFF_HYBRID = _OFF_HS + 6
_OFF_AROMATIC = _OFF_HYBRID + 6
_OFF_MASS = _OFF_AROMATIC + 1
_BOND_TYPES = {
    Chem.rdchem.BondType.SINGLE: 1,
    Chem.rdchem.BondType.DOUBLE: 2,
    Chem.rdchem.BondType.TRIPLE: 3,
    Chem.rdchem.BondType.AROMATIC: 4,
}


def _clip(values: np.ndarray, n: int) -> np.ndarray:
    """Indices 0..n-1 kept, anything else mapped to the "other" slot ``n``."""
    return np.where((values >= 0) & (values < n), values, n)


def atom_feature_matrix(mols: Sequence[Chem.Mol]) -> np.ndarray:
    """DeepChem DMPNN atom features of all atoms of ``mols``, stacked in molecule order.

    Returns:
        float64 array of shape ``(total atoms, 133)``.
    """
    rows = []
    for mol in mols:
        for i in range(mol.GetNumAtoms()):
            a = mol.GetAtomWithIdx(i)
            rows.append(
                (
                    a.GetAtomicNum() - 1,
                    a.GetTotalDegree(),
                    _CHARGES.get(a.GetFormalCharge(), 5),
                    int(a.GetChiralTag()),
                    a.GetTotalNumHs(),
                    _HYBRID_INDEX.get(int(a.GetHybridization()), 5),
                    a.GetIsAromatic(),
                    a.GetMass(),
                )
            )
    n = len(rows)
    x = np.zeros((n, ATOM_FDIM))
    if n == 0:
        return x
    table = np.array(rows, dtype=np.float64)
    ints = table[:, :6].astype(np.int64)
    r = np.arange(n)
    x[r, _clip(ints[:, 0], 100)] = 1
    x[r, _OFF_DEGREE + _clip(ints[:, 1], 6)] = 1
    x[r, _OFF_CHARGE + ints[:, 2]] = 1
    x[r, _OFF_CHIRAL + _clip(ints[:, 3], 4)] = 1
    x[r, _OFF_HS + _clip(ints[:, 4], 5)] = 1
    x[r, _OFF_HYBRID + ints[:, 5]] = 1
    x[r, _OFF_AROMATIC] = table[:, 6]
    x[r, _OFF_MASS] = table[:, 7] * 0.01
    return x


def bond_arrays(mols: Sequence[Chem.Mol]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Directed bonds of all ``mols``: source atom, target atom (indices within each molecule,
    int64 ``(R,)``) and features ``(R, 14)``, stacked in molecule order.

    Bond k of a molecule gives directed bonds 2k (begin→end) and 2k+1 (end→begin).
    """
    rows = []
    for mol in mols:
        for k in range(mol.GetNumBonds()):
            b = mol.GetBondWithIdx(k)
            rows.append(
                (
                    b.GetBeginAtomIdx(),
                    b.GetEndAtomIdx(),
                    _BOND_TYPES.get(b.GetBondType(), 0),
                    b.GetIsConjugated(),
                    b.IsInRing(),
                    int(b.GetStereo()),
                )
            )
    n = len(rows)
    feats = np.zeros((n, BOND_FDIM))
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), feats
    table = np.array(rows, dtype=np.int64)
    begin, end, btype = table[:, 0], table[:, 1], table[:, 2]
    r = np.arange(n)
    typed = btype > 0
    feats[r[typed], btype[typed]] = 1
    feats[:, 5] = table[:, 3]
    feats[:, 6] = table[:, 4]
    feats[r, 7 + _clip(table[:, 5], 6)] = 1
    src = np.stack([begin, end], axis=1).reshape(-1)
    dst = np.stack([end, begin], axis=1).reshape(-1)
    return src, dst, np.repeat(feats, 2, axis=0)


def incoming_bonds(dst: np.ndarray, n_atoms: int) -> np.ndarray:
    """Bonds into each atom, ascending, −1 padded: int64 ``(n_atoms, max(1, max in-degree))``."""
    counts = np.bincount(dst, minlength=n_atoms) if dst.size else np.zeros(n_atoms, np.int64)
    width = max(1, int(counts.max()) if n_atoms else 1)
    out = np.full((n_atoms, width), -1, dtype=np.int64)
    if dst.size:
        order = np.argsort(dst, kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        slot = np.arange(dst.size) - starts[dst[order]]
        out[dst[order], slot] = order
    return out


def mapper_arrays(
    atoms: np.ndarray, src: np.ndarray, dst: np.ndarray, bond_feats: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``f_ini_atoms_bonds`` ``(R + 1, 147)``, ``atom_to_incoming_bonds``, ``mapping``.

    ``mapping`` has shape ``(R + 1, w)`` with ``w`` the largest in-degree (at least 1).

    As DeepChem's ``_MapperDMPNN``: the last row of ``f_ini`` is zeros and the last row of
    ``mapping`` is −1; a molecule without bonds has one zero row and ``mapping = [[-1]]``.
    """
    n_atoms = atoms.shape[0]
    a2b = incoming_bonds(dst, n_atoms)
    if src.size == 0:
        return np.zeros((1, ATOM_FDIM + BOND_FDIM)), a2b, np.full((1, 1), -1, dtype=np.int64)
    f_ini = np.zeros((src.size + 1, ATOM_FDIM + BOND_FDIM))
    f_ini[:-1, :ATOM_FDIM] = atoms[src]
    f_ini[:-1, ATOM_FDIM:] = bond_feats
    mapping = a2b[src]
    reverse = np.arange(src.size) ^ 1
    mapping = np.where(mapping == reverse[:, None], -1, mapping)
    mapping = np.vstack([mapping, np.full((1, mapping.shape[1]), -1, dtype=np.int64)])
    return f_ini, a2b, mapping


def dmpnn_arrays(
    mols: Sequence[Chem.Mol],
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Per molecule: atom features, ``f_ini_atoms_bonds``, ``atom_to_incoming_bonds``,
    ``mapping`` (as :func:`mapper_arrays`) and bond source atoms ``(R,)``."""
    atoms = atom_feature_matrix(mols)
    src, dst, feats = bond_arrays(mols)
    out = []
    a0 = b0 = 0
    for mol in mols:
        na, nb = mol.GetNumAtoms(), 2 * mol.GetNumBonds()
        x = atoms[a0 : a0 + na]
        s, d = src[b0 : b0 + nb], dst[b0 : b0 + nb]
        out.append((x, *mapper_arrays(x, s, d, feats[b0 : b0 + nb]), s))
        a0, b0 = a0 + na, b0 + nb
    return out

"""Featurization for surrogates: Morgan fingerprints, Tanimoto similarity, DMPNN graphs.

Written against RDKit and DeepChem directly (``molecules/`` is developed in parallel); every
function raises :class:`~surrogates.errors.FeaturizationError` listing the inputs that failed,
never returns a partial result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from rdkit import Chem, RDLogger
from rdkit.Chem import rdFingerprintGenerator

from molecules.gnn.featurize import featurize_dmpnn, map_dmpnn_graph
from surrogates.errors import FeaturizationError

RDLogger.DisableLog("rdApp.*")


def parse_smiles(smiles: Sequence[str]) -> list[Chem.Mol]:
    """Parse SMILES with RDKit sanitization.

    Args:
        smiles: ``n`` SMILES strings.

    Returns:
        ``n`` RDKit molecules, in input order.

    Raises:
        FeaturizationError: naming every SMILES RDKit cannot parse.
    """
    mols: list[Chem.Mol] = []
    failures: list[tuple[int, str, str]] = []
    for i, s in enumerate(smiles):
        if not isinstance(s, str):
            raise TypeError(f"SMILES #{i} is {type(s).__name__}, expected str")
        mol = Chem.MolFromSmiles(s)
        if mol is None or mol.GetNumAtoms() == 0:
            failures.append((i, s, "RDKit could not parse it"))
        else:
            mols.append(mol)
    if failures:
        raise FeaturizationError(failures)
    return mols


def morgan_fingerprints(smiles: Sequence[str], radius: int = 2, n_bits: int = 2048) -> np.ndarray:
    """Morgan (ECFP-like) bit fingerprints.

    Args:
        smiles: ``n`` SMILES strings.
        radius: Morgan radius (2 gives ECFP4).
        n_bits: fingerprint length.

    Returns:
        uint8 array of shape ``(n, n_bits)`` holding 0/1.
    """
    return fingerprints_of(parse_smiles(smiles), radius, n_bits)


def fingerprints_of(mols: Sequence[Chem.Mol], radius: int = 2, n_bits: int = 2048) -> np.ndarray:
    """:func:`morgan_fingerprints` of parsed molecules: uint8 ``(n, n_bits)``."""
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=n_bits)
    out = np.zeros((len(mols), n_bits), dtype=np.uint8)
    for i, mol in enumerate(mols):
        out[i] = generator.GetFingerprintAsNumPy(mol)
    return out


def tanimoto_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Tanimoto similarity between two sets of bit fingerprints.

    T(x, y) = |x ∧ y| / (|x| + |y| − |x ∧ y|); two empty fingerprints have similarity 0.

    Args:
        a: 0/1 array of shape ``(n, d)``.
        b: 0/1 array of shape ``(m, d)``.

    Returns:
        float64 array of shape ``(n, m)`` with values in [0, 1].
    """
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"fingerprint shapes {a.shape} and {b.shape} do not match")
    af = a.astype(np.float32)
    bf = b.astype(np.float32)
    inter = (af @ bf.T).astype(np.float64)
    union = af.sum(1, dtype=np.float64)[:, None] + bf.sum(1, dtype=np.float64)[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        sim = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    return sim


def max_tanimoto(query: np.ndarray, reference: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Nearest-neighbour Tanimoto similarity of each query to a reference set.

    Args:
        query: 0/1 array of shape ``(n, d)``.
        reference: 0/1 array of shape ``(m, d)``, ``m >= 1``.
        chunk: queries compared per block (bounds memory to ``chunk * m`` floats).

    Returns:
        array of shape ``(n,)``: max over the reference set of the Tanimoto similarity.
    """
    if reference.shape[0] == 0:
        raise ValueError("reference set is empty")
    out = np.empty(query.shape[0], dtype=np.float64)
    for start in range(0, query.shape[0], chunk):
        out[start : start + chunk] = tanimoto_matrix(query[start : start + chunk], reference).max(1)
    return out


def pack_bits(fps: np.ndarray) -> np.ndarray:
    """Pack a 0/1 array of shape ``(n, d)`` into uint8 of shape ``(n, ceil(d / 8))``."""
    return np.packbits(fps.astype(bool), axis=1)


def unpack_bits(packed: np.ndarray, n_bits: int) -> np.ndarray:
    """Inverse of :func:`pack_bits`: uint8 0/1 array of shape ``(n, n_bits)``."""
    return np.unpackbits(packed, axis=1, count=n_bits)


GRAPH_WIDTH = 6
"""Incoming-bond index lists are padded with -1 to at least this width (max atom degree)."""


def dmpnn_graphs(
    smiles: Sequence[str], *, reference: bool = False, mols: Sequence[Chem.Mol] | None = None
) -> list[Any]:
    """DeepChem DMPNN inputs, one PyTorch-Geometric ``Data`` per molecule.

    The arrays are those of ``deepchem.feat.DMPNNFeaturizer`` (133 atom, 14 bond features,
    no global features) followed by DeepChem's ``_MapperDMPNN`` index mappings, computed once
    so that training epochs and ensemble members reuse them. By default they come from
    :mod:`molecules.gnn.featurize` (NumPy, several times faster, tested identical), the same
    featurizer the GNN triage filters use; ``reference=True`` runs DeepChem's own.
    ``bond_src`` (the atom each directed bond leaves, shape ``(n_bonds,)``) is kept for the
    fast inference path of :mod:`surrogates.dmpnn_infer`; DeepChem's layers ignore it. The
    index lists are padded with −1 (a zero row; DMPNN layers have no bias) to
    :data:`GRAPH_WIDTH` columns so graphs batch without re-padding, as DeepChem's generator
    does per batch; see :func:`collate_graphs`.

    Args:
        smiles: ``n`` SMILES strings.
        reference: use DeepChem's featurizer and mapper.
        mols: the same molecules already parsed by :func:`parse_smiles` (skips parsing).

    Returns:
        ``n`` graphs ready for ``torch_geometric.data.Batch.from_data_list``.
    """
    import torch
    from deepchem.models.torch_models.dmpnn import _ModData

    mols = list(mols) if mols is not None else parse_smiles(smiles)
    if len(mols) != len(smiles):
        raise ValueError(f"{len(smiles)} SMILES but {len(mols)} molecules")
    arrays = _reference_arrays(mols, smiles) if reference else _numpy_arrays(mols)
    pad = torch.nn.functional.pad
    graphs: list[Any] = []
    for atoms, f_ini, a2b, mapping, src in arrays:
        graphs.append(
            _ModData(
                required_inc=len(f_ini),
                atom_features=torch.from_numpy(np.ascontiguousarray(atoms)).float(),
                f_ini_atoms_bonds=torch.from_numpy(np.ascontiguousarray(f_ini)).float(),
                atom_to_incoming_bonds=pad(
                    torch.from_numpy(a2b), (0, max(0, GRAPH_WIDTH - a2b.shape[1])), value=-1
                ),
                mapping=pad(
                    torch.from_numpy(mapping), (0, max(0, GRAPH_WIDTH - mapping.shape[1])), value=-1
                ),
                global_features=torch.zeros(0),
                bond_src=torch.from_numpy(np.asarray(src, dtype=np.int64)),
            )
        )
    return graphs


def _numpy_arrays(
    mols: Sequence[Chem.Mol],
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """The same arrays as :func:`_reference_arrays`, from :mod:`molecules.gnn.featurize`."""
    out = []
    for mol in mols:
        graph = featurize_dmpnn(mol)
        atoms, f_ini, a2b, mapping, _glob = map_dmpnn_graph(graph)
        out.append((atoms, f_ini, a2b, mapping, graph.edge_index[0].astype(np.int64)))
    return out


def _reference_arrays(
    mols: Sequence[Chem.Mol], smiles: Sequence[str]
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """DeepChem's ``DMPNNFeaturizer`` + ``_MapperDMPNN`` arrays (see :func:`dmpnn_graphs`)."""
    import deepchem as dc
    from deepchem.models.torch_models.dmpnn import _MapperDMPNN

    out = []
    failures: list[tuple[int, str, str]] = []
    for i, feat in enumerate(dc.feat.DMPNNFeaturizer().featurize(mols)):
        if not isinstance(feat, dc.feat.GraphData):
            failures.append((i, smiles[i], "DMPNNFeaturizer failed"))
            continue
        mapper = _MapperDMPNN(feat)
        atoms, f_ini, a2b, mapping, _glob = mapper.values
        out.append((atoms, f_ini, a2b, mapping, np.asarray(mapper.bond_to_ini_atom, np.int64)))
    if failures:
        raise FeaturizationError(failures)
    return out


def pad_graph_widths(graphs: Sequence[Any]) -> list[Any]:
    """The graphs, with index lists padded by −1 to a common width (copies only where needed).

    Args:
        graphs: graphs from :func:`dmpnn_graphs`.
    """
    import torch

    width = max(int(g["mapping"].shape[1]) for g in graphs)
    padded = []
    for g in graphs:
        extra = width - int(g["mapping"].shape[1])
        if extra:
            g = g.clone()
            g["mapping"] = torch.nn.functional.pad(g["mapping"], (0, extra), value=-1)
            g["atom_to_incoming_bonds"] = torch.nn.functional.pad(
                g["atom_to_incoming_bonds"], (0, extra), value=-1
            )
        padded.append(g)
    return padded


def collate_graphs(graphs: Sequence[Any]) -> Any:
    """One ``torch_geometric.data.Batch`` of DMPNN graphs (see :func:`pad_graph_widths`)."""
    from torch_geometric.data import Batch

    return Batch.from_data_list(pad_graph_widths(graphs))

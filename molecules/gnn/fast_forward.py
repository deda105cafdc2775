"""DeepChem 2.8 ``DMPNN.forward`` evaluated on edge lists: the same function, several times faster.

DeepChem gathers padded index tables (``message[mapping].sum(1)``) and reads molecules out
one by one in a Python loop. With ``R`` directed bonds (bond ``r`` and its reverse are
``r`` and ``r ^ 1``), ``A`` atoms and ``N`` molecules, its encoder computes::

    inp = W_i [x_src(r) | e_r];  m = act(inp)
    repeat depth−1 times:  m = Σ_{r': dst(r') = src(r), r' ≠ r^1} m_r';  h = act(inp + W_h m)
    a = act(W_o [x_a | Σ_{r: dst(r) = a} h_r]);  z = readout(a);  y = FFN(z)

Here the masked neighbour sum is ``(Σ_{dst(r') = src(r)} m_r') − m_{r^1}``: one scatter-add
over the edge list and two gathers, with no padded tables. DeepChem's loop feeds ``m``, not
``h``, back into the next step, so only the last ``h`` matters; it is computed once. The
atom part of ``W_i`` is applied per atom instead of per bond. :func:`check_supported` names
the network options reproduced; the tests compare with DeepChem's forward to float32
rounding. Used by the triage GNN filters and by the surrogate DMPNN ensembles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from molecules.errors import ModelFileError


@dataclass(frozen=True)
class GraphBatch:
    """``N`` molecular graphs concatenated into one edge list.

    Attributes:
        atom_features: float32 ``(A, 133)``.
        bond_features: float32 ``(R, 14)``, one row per directed bond; rows ``2k`` and
            ``2k + 1`` are the two directions of one bond.
        bond_src: int64 ``(R,)``, the atom each directed bond leaves.
        bond_dst: int64 ``(R,)``, the atom it enters.
        atom_molecule: int64 ``(A,)``, the molecule of each atom (0..N−1, ascending).
        atoms_per_molecule: float32 ``(N, 1)``.
    """

    atom_features: torch.Tensor
    bond_features: torch.Tensor
    bond_src: torch.Tensor
    bond_dst: torch.Tensor
    atom_molecule: torch.Tensor
    atoms_per_molecule: torch.Tensor

    @property
    def n_molecules(self) -> int:
        return int(self.atoms_per_molecule.shape[0])

    @classmethod
    def from_molecules(cls, molecules: Sequence[tuple[np.ndarray, ...]]) -> GraphBatch:
        """Concatenate ``N`` molecules' arrays (:func:`molecules.gnn.featurize.dmpnn_arrays`).

        Args:
            molecules: per molecule ``(atom features (A_i, 133), bond features (R_i, 14)
                with both directions of each bond adjacent, edge index (2, R_i): source
                atoms, then target atoms)``.
        """
        if not len(molecules):
            raise ValueError("no molecules to batch")
        atom_features, bond_features, edge_index = zip(*molecules, strict=True)
        counts = np.array([len(x) for x in atom_features], dtype=np.int64)
        if (counts == 0).any():
            raise ValueError("a molecule without atoms cannot be batched")
        offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
        shifted = [
            np.asarray(e, dtype=np.int64).reshape(2, -1) + off
            for e, off in zip(edge_index, offsets, strict=True)
        ]
        index = np.concatenate(shifted, axis=1)
        return cls(
            atom_features=_cat_float32(atom_features),
            bond_features=_cat_float32(bond_features),
            bond_src=torch.from_numpy(np.ascontiguousarray(index[0])),
            bond_dst=torch.from_numpy(np.ascontiguousarray(index[1])),
            atom_molecule=torch.from_numpy(np.repeat(np.arange(len(counts)), counts)),
            atoms_per_molecule=torch.from_numpy(counts.astype(np.float32)[:, None]),
        )


def _cat_float32(arrays: Sequence[np.ndarray | torch.Tensor]) -> torch.Tensor:
    return torch.cat([torch.as_tensor(a) for a in arrays]).to(torch.float32)


def check_supported(network: torch.nn.Module) -> None:
    """Raise :class:`ModelFileError` unless ``network`` is a DMPNN that this module reproduces.

    Supported: DeepChem's defaults — ReLU activations, no bias in ``W_i``/``W_h``, no global
    features, depth ≥ 2 — with mean, sum or norm aggregation, regression or classification.
    """
    enc = network.encoder
    problems = []
    if not isinstance(enc.activation, torch.nn.ReLU) or not isinstance(
        network.ffn.activation, torch.nn.ReLU
    ):
        problems.append("activation is not ReLU")
    if enc.aggregation not in ("mean", "sum", "norm"):
        problems.append(f"aggregation {enc.aggregation!r}")
    if enc.W_i.bias is not None or enc.W_h.bias is not None:
        problems.append("encoder has biases")
    if enc.depth < 2:
        problems.append("depth < 2")
    if network.ffn.linears[0].in_features != enc.W_o.out_features:
        problems.append("global features")
    if problems:
        raise ModelFileError("fast DMPNN forward does not support: " + ", ".join(problems))


def encode(network: torch.nn.Module, batch: GraphBatch) -> torch.Tensor:
    """Molecule encodings of DeepChem's ``DMPNNEncoderLayer``, float32 ``(N, hidden)``."""
    enc = network.encoder
    n_atom = batch.atom_features.shape[1]
    w_i, w_h, w_o = enc.W_i.weight, enc.W_h.weight, enc.W_o.weight
    src, dst = batch.bond_src, batch.bond_dst
    n_atoms, n_bonds = batch.atom_features.shape[0], src.shape[0]
    inp = (batch.atom_features @ w_i[:, :n_atom].T).index_select(0, src)
    if n_bonds:
        inp.addmm_(batch.bond_features, w_i[:, n_atom:].T)
    reverse = torch.arange(n_bonds) ^ 1
    message = torch.relu(inp)
    for _ in range(1, enc.depth):  # index_select: several times faster than [] indexing
        into_atom = message.new_zeros((n_atoms, message.shape[1])).index_add_(0, dst, message)
        message = into_atom.index_select(0, src).sub_(message.index_select(0, reverse))
    hidden = torch.addmm(inp, message, w_h.T).relu_()
    incoming = hidden.new_zeros((n_atoms, hidden.shape[1])).index_add_(0, dst, hidden)
    atoms = torch.addmm(incoming @ w_o[:, n_atom:].T, batch.atom_features, w_o[:, :n_atom].T)
    if enc.W_o.bias is not None:
        atoms.add_(enc.W_o.bias)
    atoms.relu_()
    pooled = atoms.new_zeros((batch.n_molecules, atoms.shape[1])).index_add_(
        0, batch.atom_molecule, atoms
    )
    if enc.aggregation == "mean":
        pooled /= batch.atoms_per_molecule
    elif enc.aggregation == "norm":
        pooled /= enc.aggregation_norm
    return pooled


def feed_forward(network: torch.nn.Module, encodings: torch.Tensor) -> torch.Tensor:
    """DeepChem's ``PositionwiseFeedForward`` at inference (dropout off): ``(N, n_out)``."""
    ffn = network.ffn
    linears = ffn.linears
    z = encodings
    for k, lin in enumerate(linears):
        z = torch.addmm(lin.bias, z, lin.weight.T)
        last = k == len(linears) - 1
        if not last or (len(linears) == 1 and not ffn.dropout_at_input_no_act):
            z = z.relu_()
    return z


def network_outputs(network: torch.nn.Module, batch: GraphBatch) -> torch.Tensor:
    """Raw FFN outputs of one DeepChem ``DMPNN``: float32 ``(N, n_tasks)`` for regression,
    ``(N, n_tasks * n_classes)`` logits for classification."""
    check_supported(network)
    with torch.inference_mode():
        return feed_forward(network, encode(network, batch))


def predict(network: torch.nn.Module, batch: GraphBatch) -> np.ndarray:
    """What ``DMPNNModel.predict`` returns, as float64 ``(N, n_tasks)``.

    Regression: the network outputs (standardized units, as trained). Classification: the
    softmax probability of class 1 per task (DeepChem's ``n_classes = 2``).
    """
    out = network_outputs(network, batch)
    if network.mode == "classification":
        out = torch.softmax(out.view(len(out), network.n_tasks, network.n_classes), dim=2)[..., 1]
    return out.double().numpy()


def ensemble_outputs(networks: Sequence[torch.nn.Module], batch: GraphBatch) -> torch.Tensor:
    """First output column of each regression network: float32 ``(M, N)``.

    Members run one after another on the shared batch (each member's ``(R, hidden)``
    activations stay contiguous and cache-sized, faster on CPU than stacking members).
    """
    return torch.stack([network_outputs(net, batch)[:, 0] for net in networks])

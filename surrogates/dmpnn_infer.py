"""Fast ensemble inference for DeepChem DMPNN networks: all members in one pass.

DeepChem's ``DMPNN.forward`` gathers padded index lists (``message[mapping].sum(1)``) and
reads out molecule by molecule in a Python loop, for one network at a time. This module
evaluates the *same* function, for ``M`` members on operators built once:

* the padded index lists become sparse 0/1 operators built once per batch of molecules
  (bond→bond ``S_map``, atom←bond ``S_in``, molecule←atom mean ``S_read``), shared by every
  member and every message-passing step; entries pointing at DeepChem's zero padding row
  are dropped (they contribute exactly zero because the encoder layers have no bias);
* the atom part of ``W_i`` (applied to ``[atom(src) | bond]``) is applied once per atom
  instead of once per bond, and affine steps are fused (``addmm``, in-place ReLU).

With ``h`` the hidden size, ``R`` bonds, ``A`` atoms, DeepChem's encoder computes::

    inp = W_i [x_src(r) | e_r];  m = relu(inp)
    repeat depth−1 times:  m = S_map m;  h = relu(inp + W_h m)     # m is not reset to h
    a = relu(W_o [x_a | S_in h]);  z = S_read a;  y = FFN(z)

DeepChem 2.8's loop aggregates ``m`` rather than ``h`` (the hidden state is never fed back),
so only the last ``h`` matters: this module computes ``m = S_map^(depth−1) relu(inp)`` and
one ``h``, the same function with one ``W_h`` product instead of ``depth − 1``.
:func:`check_supported` lists the network options this path reproduces; the tests compare it
with DeepChem's forward.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from surrogates.errors import SurrogateError


@dataclass(frozen=True)
class GraphOperators:
    """Inputs and sparse operators of ``N`` molecules, shared by every ensemble member.

    Attributes:
        atom_features: float32 ``(A, 133)``.
        bond_features: float32 ``(R, 14)``, one row per directed bond.
        bond_src: int64 ``(R,)``, the atom each bond leaves.
        s_map: sparse CSR ``(R, R)``: row r sums the bonds into r's source atom except r's reverse.
        s_in: sparse CSR ``(A, R)``: row a sums the bonds into atom a.
        s_read: sparse CSR ``(N, A)``: row i averages molecule i's atoms.
    """

    atom_features: torch.Tensor
    bond_features: torch.Tensor
    bond_src: torch.Tensor
    s_map: torch.Tensor
    s_in: torch.Tensor
    s_read: torch.Tensor

    @property
    def n_molecules(self) -> int:
        return int(self.s_read.shape[0])


def _csr(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, shape: tuple[int, int]
) -> torch.Tensor:
    order = np.lexsort((cols, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    crow = np.zeros(shape[0] + 1, dtype=np.int64)
    np.add.at(crow, rows + 1, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "sparse CSR support is in beta"
        return torch.sparse_csr_tensor(
            torch.from_numpy(np.cumsum(crow)),
            torch.from_numpy(cols.astype(np.int64)),
            torch.from_numpy(vals.astype(np.float32)),
            size=shape,
        )


def build_operators(graphs: Sequence[Any]) -> GraphOperators:
    """Concatenate graphs from :func:`surrogates.featurize.dmpnn_graphs` into operators."""
    atoms, bonds, srcs = [], [], []
    map_r, map_c, in_r, in_c, read_r, read_c, read_v = [], [], [], [], [], [], []
    atom_off = 0
    bond_off = 0
    for i, g in enumerate(graphs):
        x = g["atom_features"]
        f_ini = g["f_ini_atoms_bonds"]
        n_atoms = int(x.shape[0])
        n_bonds = int(g["bond_src"].shape[0])
        n_atom_feat = int(x.shape[1])
        atoms.append(x)
        bonds.append(f_ini[:n_bonds, n_atom_feat:])
        srcs.append(g["bond_src"] + atom_off)
        mapping = g["mapping"][:n_bonds].numpy()
        r, c = np.nonzero((mapping >= 0) & (mapping < n_bonds))
        map_r.append(r + bond_off)
        map_c.append(mapping[r, c] + bond_off)
        a2b = g["atom_to_incoming_bonds"].numpy()
        r, c = np.nonzero((a2b >= 0) & (a2b < n_bonds))
        in_r.append(r + atom_off)
        in_c.append(a2b[r, c] + bond_off)
        read_r.append(np.full(n_atoms, i))
        read_c.append(np.arange(n_atoms) + atom_off)
        read_v.append(np.full(n_atoms, 1.0 / n_atoms))
        atom_off += n_atoms
        bond_off += n_bonds
    cat = np.concatenate
    return GraphOperators(
        atom_features=torch.cat(atoms).float(),
        bond_features=torch.cat(bonds).float(),
        bond_src=torch.cat(srcs).long(),
        s_map=_csr(cat(map_r), cat(map_c), np.ones(sum(map(len, map_r))), (bond_off, bond_off)),
        s_in=_csr(cat(in_r), cat(in_c), np.ones(sum(map(len, in_r))), (atom_off, bond_off)),
        s_read=_csr(cat(read_r), cat(read_c), cat(read_v), (len(graphs), atom_off)),
    )


def check_supported(network: torch.nn.Module) -> None:
    """Raise :class:`SurrogateError` unless ``network`` is a DMPNN this path reproduces.

    Supported: regression, ReLU activations, mean aggregation, no bias in ``W_i`` and
    ``W_h`` (DeepChem's default), no global features.
    """
    enc = network.encoder
    problems = []
    if getattr(network, "mode", None) != "regression":
        problems.append("mode is not regression")
    if not isinstance(enc.activation, torch.nn.ReLU) or not isinstance(
        network.ffn.activation, torch.nn.ReLU
    ):
        problems.append("activation is not ReLU")
    if enc.aggregation != "mean":
        problems.append("aggregation is not mean")
    if enc.W_i.bias is not None or enc.W_h.bias is not None:
        problems.append("encoder has biases")
    if enc.depth < 2:
        problems.append("depth < 2")
    if problems:
        raise SurrogateError("fast DMPNN inference unsupported: " + ", ".join(problems))


def _member_forward(net: torch.nn.Module, ops: GraphOperators) -> torch.Tensor:
    """One network's outputs, shape ``(N,)``, on precomputed operators."""
    enc = net.encoder
    n_atom_feat = ops.atom_features.shape[1]
    w_i, w_h, w_o = enc.W_i.weight, enc.W_h.weight, enc.W_o.weight
    inp = (ops.atom_features @ w_i[:, :n_atom_feat].T)[ops.bond_src]
    inp.addmm_(ops.bond_features, w_i[:, n_atom_feat:].T)
    message = torch.relu(inp)
    for _ in range(1, enc.depth):
        message = ops.s_map @ message
    # DeepChem recomputes h from m at every step and keeps only the last one: same function
    h = torch.addmm(inp, message, w_h.T).relu_()
    incoming = ops.s_in @ h
    atoms = torch.addmm(
        incoming @ w_o[:, n_atom_feat:].T, ops.atom_features, w_o[:, :n_atom_feat].T
    )
    if enc.W_o.bias is not None:
        atoms.add_(enc.W_o.bias)
    z = ops.s_read @ atoms.relu_()
    linears = net.ffn.linears
    for k, lin in enumerate(linears):
        z = torch.addmm(lin.bias, z, lin.weight.T)
        if k < len(linears) - 1:
            z = z.relu_()
    return z[:, 0]


def ensemble_forward(networks: Sequence[torch.nn.Module], ops: GraphOperators) -> torch.Tensor:
    """Outputs of every network, tensor of shape ``(M, N)`` (standardized target units).

    Members run one after another on the shared operators: keeping each member's ``(R, h)``
    activations contiguous and cache-sized is faster on CPU than stacking members.

    Args:
        networks: ``M`` DeepChem ``DMPNN`` networks.
        ops: operators of ``N`` molecules from :func:`build_operators`.
    """
    for net in networks:
        check_supported(net)
    return torch.stack([_member_forward(net, ops) for net in networks])

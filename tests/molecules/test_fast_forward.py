"""The edge-list DMPNN forward equals DeepChem's ``DMPNNModel.predict`` (float32 rounding)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from rdkit import Chem

from molecules.errors import ModelFileError
from molecules.gnn.fast_forward import GraphBatch, check_supported, predict
from molecules.gnn.model import build_dmpnn, featurize_mols
from molecules.gnn.predict import predict_graphs
from tests.molecules.test_gnn import FEATURIZE_SMILES


def _deepchem_predict(model, graphs: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    import deepchem as dc

    out = model.predict(dc.data.NumpyDataset(graphs))
    if model.model.mode == "classification":
        return out.reshape(len(graphs), model.model.n_tasks, 2)[:, :, 1]
    return out.reshape(len(graphs), -1)


@pytest.fixture(scope="module")
def graphs() -> np.ndarray:
    graphs, ok = featurize_mols([Chem.MolFromSmiles(s) for s in FEATURIZE_SMILES])
    assert ok.all()  # includes single atoms without bonds ("C", "[NH4+]")
    return graphs


@pytest.mark.parametrize(
    ("mode", "n_tasks", "depth", "ffn_layers"),
    [("regression", 1, 3, 2), ("classification", 12, 3, 2), ("regression", 2, 2, 1),
     ("classification", 1, 4, 3)],
)  # fmt: skip
def test_fast_forward_equals_deepchem(
    graphs: np.ndarray, mode: str, n_tasks: int, depth: int, ffn_layers: int
) -> None:
    torch.manual_seed(depth + ffn_layers)
    model = build_dmpnn(
        mode=mode, n_tasks=n_tasks, hidden_size=32, depth=depth, ffn_layers=ffn_layers,
        batch_size=5,
    )  # fmt: skip
    model.model.eval()
    ours = predict_graphs(model, graphs, mode=mode, batch_size=7)
    theirs = _deepchem_predict(model, graphs)
    assert ours.shape == (len(graphs), n_tasks)
    assert np.allclose(ours, theirs, atol=2e-6, rtol=1e-5)


def _batch(graphs: np.ndarray) -> GraphBatch:
    return GraphBatch.from_molecules(
        [(g.node_features, g.edge_features, g.edge_index) for g in graphs]
    )


def test_batch_composition_does_not_change_a_prediction(graphs: np.ndarray) -> None:
    torch.manual_seed(0)
    network = build_dmpnn(mode="regression", n_tasks=1, hidden_size=16, depth=3, ffn_layers=2)
    network = network.model.eval()
    together = predict(network, _batch(graphs))
    alone = np.concatenate([predict(network, _batch(graphs[i : i + 1]))
                            for i in range(len(graphs))])  # fmt: skip
    reordered = predict(network, _batch(graphs[::-1]))[::-1]
    assert np.allclose(together, alone, atol=1e-6) and np.allclose(together, reordered, atol=1e-6)
    with pytest.raises(ValueError, match="no molecules"):
        GraphBatch.from_molecules([])


def test_unsupported_network_is_refused() -> None:
    from deepchem.models.torch_models.dmpnn import DMPNN

    with pytest.raises(ModelFileError, match="activation"):
        check_supported(DMPNN(enc_activation="tanh"))
    with pytest.raises(ModelFileError, match="depth"):
        check_supported(DMPNN(depth=1))
    with pytest.raises(ModelFileError, match="biases"):
        check_supported(DMPNN(bias=True))


def test_predict_graphs_checks_the_mode(graphs: np.ndarray) -> None:
    model = build_dmpnn(mode="regression", n_tasks=1, hidden_size=8, depth=2, ffn_layers=1)
    with pytest.raises(ModelFileError, match="mode"):
        predict_graphs(model, graphs, mode="classification")

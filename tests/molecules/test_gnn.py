"""Tiny seeded GNN training and prediction round-trip (small data, few epochs)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from molecules.errors import ModelFileError
from molecules.gnn.data import TOX21_TASKS, load_esol, load_tox21, split_indices
from molecules.gnn.predict import load_gnn_predictor
from molecules.gnn.train import TrainingReport, train_solubility_model, train_toxicity_model
from molecules.settings import GNNTrainingSettings, TriageSettings
from molecules.standardize import standardize_smiles
from molecules.triage import triage_smiles
from tests.molecules.conftest import ASPIRIN, IBUPROFEN

TINY = GNNTrainingSettings(seed=3, epochs=2, hidden_size=16, depth=2, max_molecules=60)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[TrainingReport, TrainingReport]:
    root = tmp_path_factory.mktemp("gnn")
    sol = train_solubility_model("data/esol_delaney.csv", root / "sol", TINY)
    tox = train_toxicity_model("data/tox21.csv.gz", root / "tox", TINY)
    return sol, tox


def test_loaders_and_split() -> None:
    esol, tox = load_esol("data/esol_delaney.csv"), load_tox21("data/tox21.csv.gz")
    assert esol.y.shape == (1128, 1) and tox.y.shape == (8014, 12)
    assert tox.tasks == TOX21_TASKS
    assert 0 < tox.w.mean() < 1  # some labels are missing and masked
    a, b, c = split_indices(100, seed=1)
    assert (len(a), len(b), len(c)) == (80, 10, 10)
    assert sorted(np.concatenate([a, b, c]).tolist()) == list(range(100))
    assert np.array_equal(a, split_indices(100, seed=1)[0])


@pytest.mark.slow
def test_training_reports_and_writes_files(trained: tuple[TrainingReport, TrainingReport]) -> None:
    sol, tox = trained
    assert set(sol.metrics) == {"train_rmse", "valid_rmse", "test_rmse"}
    assert set(tox.metrics) == {"train_roc_auc", "valid_roc_auc", "test_roc_auc"}
    assert all(math.isfinite(v) for v in sol.metrics.values())
    assert sol.weights_path.is_file() and sol.metadata_path.is_file()
    meta = json.loads(tox.metadata_path.read_text())
    assert meta["kind"] == "toxicity" and meta["tasks"] == list(TOX21_TASKS)
    assert sol.n_train + sol.n_valid + sol.n_test == 60


@pytest.mark.slow
def test_training_is_seeded(tmp_path: Path, trained: tuple[TrainingReport, TrainingReport]) -> None:
    again = train_solubility_model("data/esol_delaney.csv", tmp_path / "sol2", TINY)
    assert again.metrics == pytest.approx(trained[0].metrics, abs=1e-5)


@pytest.mark.slow
def test_prediction_round_trip_and_filters(trained: tuple[TrainingReport, TrainingReport]) -> None:
    sol, tox = trained
    gnn = load_gnn_predictor(sol.weights_path.parent, tox.weights_path.parent, batch_size=8)
    mols = [standardize_smiles(s).mol for s in (ASPIRIN, IBUPROFEN, "CCO")]
    pred = gnn.predict(mols)
    assert pred.ok.all()
    assert pred.log_solubility is not None and pred.log_solubility.shape == (3,)
    assert pred.toxicity is not None and pred.toxicity.shape == (3, 12)
    assert ((pred.toxicity >= 0) & (pred.toxicity <= 1)).all()
    again = gnn.predict(mols[::-1])  # batch order does not change a molecule's prediction
    assert np.allclose(again.log_solubility[::-1], pred.log_solubility, atol=1e-5)

    base = dict(brenk=False, pains=False)
    strict = TriageSettings(**base, min_log_solubility=100.0, max_toxicity_probability=0.0)
    results = triage_smiles([ASPIRIN, "C1CC("], strict, gnn=gnn)
    assert results[0].reasons == ("low_solubility",)  # stops at the first failing filter
    every = triage_smiles([ASPIRIN], strict, gnn=gnn, all_reasons=True)[0].reasons
    assert "low_solubility" in every and "toxicity:SR-MMP" in every
    assert set(results[0].predictions) == {"log_solubility", *(f"tox:{t}" for t in TOX21_TASKS)}
    assert results[1].predictions == {}
    lenient = TriageSettings(**base, min_log_solubility=-100.0, max_toxicity_probability=1.0)
    assert triage_smiles([ASPIRIN], lenient, gnn=gnn)[0].passed
    off = TriageSettings(**base, solubility_filter=False, toxicity_filter=False,
                         min_log_solubility=100.0, max_toxicity_probability=0.0)  # fmt: skip
    assert triage_smiles([ASPIRIN], off, gnn=gnn)[0].passed


def test_missing_model_directory_raises(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="not found"):
        load_gnn_predictor(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelFileError, match="missing"):
        load_gnn_predictor(None, tmp_path / "empty")
    with pytest.raises(ModelFileError):
        load_gnn_predictor(None, None)


FEATURIZE_SMILES = [
    ASPIRIN, IBUPROFEN, "C", "[NH4+]", "C[C@H](N)C(=O)O", "C/C=C/C", "c1ccncc1", "C#N",
    "O=[N+]([O-])c1ccccc1", "F/C=C/F", "CS(=O)(=O)N", "[Se]1C=CC=C1", "C[Si](C)(C)C",
    "OB(O)c1ccccc1", "[2H]C([2H])([2H])O", "c1ccc2[nH]ccc2c1", "C1CC2CCC1C2",
]  # fmt: skip


def test_fast_featurizer_equals_deepchem() -> None:
    import deepchem as dc
    from rdkit import Chem

    from molecules.gnn.featurize import featurize_dmpnn

    reference = dc.feat.DMPNNFeaturizer()
    for smiles in FEATURIZE_SMILES:
        mol = Chem.MolFromSmiles(smiles)
        ours, theirs = featurize_dmpnn(mol), reference._featurize(mol)
        assert np.array_equal(ours.node_features, theirs.node_features), smiles
        assert np.array_equal(ours.edge_index, theirs.edge_index), smiles
        assert np.array_equal(ours.edge_features, theirs.edge_features), smiles


def test_numpy_mapper_equals_deepchem_mapper() -> None:
    from deepchem.models.torch_models.dmpnn import _MapperDMPNN
    from rdkit import Chem

    from molecules.gnn.featurize import featurize_dmpnn, map_dmpnn_graph

    for smiles in FEATURIZE_SMILES:
        graph = featurize_dmpnn(Chem.MolFromSmiles(smiles))
        ours, theirs = map_dmpnn_graph(graph), _MapperDMPNN(graph).values
        for a, b in zip(ours, theirs, strict=True):
            assert a.shape == b.shape and np.array_equal(a, b), smiles


@pytest.mark.slow
def test_triage_library_with_gnn_in_workers(
    tmp_path: Path, trained: tuple[TrainingReport, TrainingReport]
) -> None:
    from molecules.triage import triage_library

    sol, tox = trained
    gnn = load_gnn_predictor(sol.weights_path.parent, tox.weights_path.parent)
    path = tmp_path / "lib.smi"
    path.write_text(f"{ASPIRIN} a\n{IBUPROFEN} b\nC1CC( c\n")
    settings = TriageSettings(n_workers=2, chunk_size=1, brenk=False, min_log_solubility=-100.0,
                              max_toxicity_probability=1.0)  # fmt: skip
    results = [r for chunk in triage_library(path, settings, gnn=gnn) for r in chunk.results]
    assert [r.passed for r in results] == [True, True, False]
    assert "log_solubility" in results[0].predictions and "tox:NR-AR" in results[1].predictions

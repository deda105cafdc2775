"""Model weights kept in the store: a second machine (another home, the same database) loads
surrogates and GNN filters from the store alone; tampered copies are refused."""

from __future__ import annotations

import csv
import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from rdkit import Chem
from sqlalchemy import delete, update

import pipeline.services.filters as filters
from molecules.settings import GNNTrainingSettings
from pipeline.config import Settings
from pipeline.notebook import predict
from pipeline.services.model_files import (
    ModelIntegrityError,
    directory_sha256,
    weights_archive,
    weights_directory,
)
from pipeline.services.surrogate_models import (
    RegisteredSurrogate,
    load_registered,
    train_and_register,
)
from pipeline.store import Store, open_store
from pipeline.store.models import ModelWeights
from surrogates.settings import SurrogateSettings

ESOL = Path(__file__).resolve().parents[1] / "data" / "esol_delaney.csv"
TINY_GNN = GNNTrainingSettings(seed=1, epochs=1, hidden_size=16, depth=2, max_molecules=60)
QUERIES = ["CCO", "c1ccccc1O", "CC(=O)Oc1ccccc1C(=O)O"]


def _two_machines(tmp_path: Path, url: str) -> tuple[Settings, Settings]:
    """Two workers' settings: their own homes (and model folders), one database."""
    return (
        Settings(home=tmp_path / "a", database_url=url),
        Settings(home=tmp_path / "b", database_url=url),
    )


def _register_rf(settings: Settings) -> RegisteredSurrogate:
    with ESOL.open() as handle:
        rows = list(csv.DictReader(handle))[:40]
    store = open_store(settings)
    try:
        return train_and_register(
            store,
            [r["smiles"] for r in rows],
            [float(r["measured log solubility in mols per litre"]) for r in rows],
            target="logS",
            settings=SurrogateSettings(kind="rf", rf_n_trees=20),
            models_dir=settings.models_dir,
        )
    finally:
        store.close()


def _set_archive(store: Store, model_id: int, archive: bytes) -> None:
    with store.session() as session, session.begin():
        session.execute(
            update(ModelWeights).where(ModelWeights.model_id == model_id).values(archive=archive)
        )


def test_archive_is_deterministic(tmp_path: Path) -> None:
    (tmp_path / "w" / "sub").mkdir(parents=True)
    (tmp_path / "w" / "b.json").write_text("{}")
    (tmp_path / "w" / "sub" / "a.npz").write_bytes(b"\x00\x01")
    sha256, archive = weights_archive(tmp_path / "w")
    assert sha256 == directory_sha256(tmp_path / "w")
    shutil.copytree(tmp_path / "w", tmp_path / "copy")
    for path in (tmp_path / "copy").rglob("*"):
        os.utime(path, (1e9, 1e9))
    assert weights_archive(tmp_path / "copy") == (sha256, archive)


def test_surrogate_predicts_on_a_second_machine_from_the_store_alone(
    database_url: str, tmp_path: Path
) -> None:
    first, second = _two_machines(tmp_path, database_url)
    trained = _register_rf(first)
    expected = trained.model.predict(QUERIES)[0]
    shutil.rmtree(first.models_dir)  # the first machine's folder: unreachable from the second

    items = predict(QUERIES, second, model=trained.record.id)
    np.testing.assert_allclose([i["mean"] for i in items], expected)
    cached = second.models_dir / "cache" / trained.record.sha256[:16]
    assert directory_sha256(cached) == trained.record.sha256
    store = open_store(second)
    stored = store.model_weights(trained.record.id)
    assert stored is not None and stored.archive == weights_archive(cached)[1]  # same bytes
    store.close()


def test_concurrent_loads_unpack_one_whole_directory(tmp_path: Path) -> None:
    first, second = _two_machines(tmp_path, f"sqlite:///{tmp_path / 'qdp.db'}")
    record = _register_rf(first).record
    shutil.rmtree(first.models_dir)
    store = open_store(second)
    found: list[Path] = []

    def load() -> None:
        found.append(weights_directory(store, record, second.models_dir))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    cache = second.models_dir / "cache"
    assert found == [cache / record.sha256[:16]] * 4
    assert [p.name for p in cache.iterdir()] == [record.sha256[:16]]  # no temporary folders


def test_filter_loads_on_a_second_machine_from_the_store_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filters, "filter_gate", lambda *_: {"accepted": True, "gate": "test"})
    first, second = _two_machines(tmp_path, f"sqlite:///{tmp_path / 'qdp.db'}")
    store = open_store(first)
    trained = filters.train_filter(store, "solubility", first.models_dir, TINY_GNN)
    mols = [Chem.MolFromSmiles(s) for s in QUERIES]
    on_first, _ = filters.load_filter_predictor(
        store, solubility=True, toxicity=False, models_dir=first.models_dir
    )
    assert on_first is not None
    expected = on_first.predict(mols).log_solubility
    store.close()
    shutil.rmtree(first.models_dir)

    store = open_store(second)
    on_second, used = filters.load_filter_predictor(
        store, solubility=True, toxicity=False, models_dir=second.models_dir
    )
    store.close()
    assert used == {"solubility": trained.record.id}
    assert on_second is not None and on_second.solubility_dir is not None
    assert on_second.solubility_dir.is_relative_to(second.models_dir / "cache")
    np.testing.assert_allclose(on_second.predict(mols).log_solubility, expected, rtol=1e-5)


def test_tampered_or_missing_weights_are_refused(tmp_path: Path) -> None:
    first, second = _two_machines(tmp_path, f"sqlite:///{tmp_path / 'qdp.db'}")
    record = _register_rf(first).record
    shutil.rmtree(first.models_dir)
    store = open_store(second)
    models = second.models_dir

    cached = weights_directory(store, record, models)
    weights = next(cached.glob("*.npz"))
    weights.write_bytes(weights.read_bytes() + b"x")  # the cached copy tampered with
    with pytest.raises(ModelIntegrityError, match=f"was modified.*delete {cached}"):
        load_registered(store, record.id, models_dir=models)
    shutil.rmtree(cached)
    assert load_registered(store, record.id, models_dir=models).record.id == record.id

    weights.write_bytes(weights.read_bytes() + b"x")
    _, forged = weights_archive(cached)  # a well-formed archive of other weights
    _set_archive(store, record.id, forged)
    shutil.rmtree(cached)
    with pytest.raises(ModelIntegrityError, match="weights stored in the database hash to"):
        load_registered(store, record.id, models_dir=models)
    _set_archive(store, record.id, b"not an archive")
    with pytest.raises(ModelIntegrityError, match="archive cannot be unpacked"):
        load_registered(store, record.id, models_dir=models)
    assert not (models / "cache").exists() or not any((models / "cache").iterdir())

    with store.session() as session, session.begin():  # a version stored before archives
        session.execute(delete(ModelWeights).where(ModelWeights.model_id == record.id))
    with pytest.raises(ModelIntegrityError, match="the store holds no copy of it"):
        load_registered(store, record.id, models_dir=models)
    store.close()

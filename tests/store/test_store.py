"""The store on SQLite and on a real PostgreSQL server: migrations, idempotent writes,
concurrent writers, status."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from pipeline.store import Store, content_hash
from pipeline.store.database import create_store_engine, head_revision
from pipeline.store.models import Base

ASPIRIN = {"inchikey": "BSYNRYMUTXBXSQ-UHFFFAOYSA-N", "smiles": "CC(=O)Oc1ccccc1C(=O)O"}


def test_first_use_migrates_to_head(database_url: str) -> None:
    store = Store.open(database_url)
    status = store.status()
    assert status.schema_revision == head_revision()
    assert set(status.row_counts) == {t.name for t in Base.metadata.sorted_tables}
    assert all(count == 0 for count in status.row_counts.values())
    store.close()


def test_migrations_match_models(database_url: str) -> None:
    store = Store.open(database_url)
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    store.close()
    assert diff == []


def test_molecule_written_twice_keeps_one_row_and_fills_gaps(database_url: str) -> None:
    store = Store.open(database_url)
    store.upsert_molecules([{**ASPIRIN, "name": "aspirin"}])
    store.upsert_molecules([{**ASPIRIN, "name": None, "conformer_molblock": "MOL"}])
    molecule = store.get_molecule(ASPIRIN["inchikey"])
    assert molecule is not None
    assert (molecule.name, molecule.conformer_molblock) == ("aspirin", "MOL")
    assert store.status().row_counts["molecules"] == 1
    store.close()


def test_names_of_later_repeats_are_added_once(database_url: str) -> None:
    store = Store.open(database_url)
    store.upsert_molecules(
        [{**ASPIRIN, "name": "aspirin"}, {**ASPIRIN, "inchikey": "X" * 27, "name": None}]
    )
    changed = store.add_molecule_names(
        {ASPIRIN["inchikey"]: ["Aspirin", "aspirin", "ASA", "ASA"], "unknown": ["x"]}
    )
    assert changed == 1
    assert store.get_molecule(ASPIRIN["inchikey"]).name == "aspirin; Aspirin; ASA"  # type: ignore[union-attr]
    assert store.add_molecule_names({ASPIRIN["inchikey"]: ["ASA"]}) == 0
    assert store.add_molecule_names({"X" * 27: ["first"]}) == 1
    assert store.get_molecule("X" * 27).name == "first"  # type: ignore[union-attr]
    store.close()


def test_triage_merges_names_of_repeats_across_chunks(tmp_path: Path) -> None:
    from pipeline.config import Settings
    from pipeline.services.triage import run_triage

    library = tmp_path / "lib.smi"
    aspirin = ASPIRIN["smiles"]
    library.write_text(f"{aspirin} a\nCCO e1\nCCN n1\nCCC p1\nOC(=O)c1ccccc1OC(C)=O b\n")
    settings = Settings(home=tmp_path / ".qdp", triage={"chunk_size": 2, "n_workers": 1})
    store = Store.open(settings.resolved_database_url)
    summary = run_triage(library, settings, store, with_conformers=False)
    assert summary.rejected_by_reason.get("duplicate") == 1
    assert store.get_molecule(ASPIRIN["inchikey"]).name == "a; b"  # type: ignore[union-attr]
    store.close()


def test_calculation_is_kept_unless_replaced(database_url: str) -> None:
    store = Store.open(database_url)
    row = {
        "subject_key": ASPIRIN["inchikey"],
        "settings_hash": "h" * 64,
        "status": "ok",
        "energy_hartree": -1.5,
        "properties": {"ip_hartree": 0.3},
    }
    store.put_calculation(row)
    store.put_calculation({**row, "energy_hartree": -9.0})
    stored = store.get_calculation(row["subject_key"], row["settings_hash"])
    assert stored is not None and stored.energy_hartree == -1.5
    store.put_calculation({**row, "energy_hartree": -2.5}, replace=True)
    stored = store.get_calculation(row["subject_key"], row["settings_hash"])
    assert stored is not None and stored.energy_hartree == -2.5
    assert stored.properties == {"ip_hartree": 0.3}
    assert store.status().row_counts["quantum_calculations"] == 1
    store.close()


# A model version's row (what Store.add_model takes), as the tests below vary it.
MODEL_ROW = {
    "kind": "rf",
    "target": "logS",
    "n_train": 10,
    "training_set_hash": "t",
    "seed": 0,
    "path": "/m",
}


def test_model_versions_and_campaign_records(database_url: str) -> None:
    store = Store.open(database_url)
    model = {**MODEL_ROW, "sha256": "s", "metrics": {"rmse": 0.5}}
    first = store.add_model(model)
    assert store.add_model(model).id == first.id
    second = store.add_model({**model, "seed": 1})
    latest = store.latest_model("rf", "logS")
    assert latest is not None and latest.id == second.id
    store.put_predictions(
        [{"model_id": first.id, "inchikey": ASPIRIN["inchikey"], "mean": 1.0, "std": 0.1}]
    )
    store.create_campaign("c1", {"acquisition": "ucb"})
    store.record_evaluation("c1", "CCO", 0, 1.25)
    store.record_evaluation("c1", "CCO", 0, 99.0)  # a repeated oracle result is not a new row
    store.record_round("c1", 0, ["CCO"], {"rmse": 0.1})
    store.update_campaign("c1", status="finished", state={"round": 1})
    assert [(e.smiles, e.value) for e in store.campaign_evaluations("c1")] == [("CCO", 1.25)]
    assert store.campaign_rounds("c1")[0].selected == ["CCO"]
    campaign = store.get_campaign("c1")
    assert campaign is not None and (campaign.status, campaign.state) == ("finished", {"round": 1})
    store.close()


def _write_overlapping(url: str, worker: int, n: int) -> None:
    store = Store.open(url)
    for i in range(n):
        shared, own = f"SHARED{i:04d}", f"W{worker}M{i:04d}"
        store.upsert_molecules(
            [{"inchikey": shared, "smiles": "C"}, {"inchikey": own, "smiles": "C"}]
        )
        store.put_calculation(
            {
                "subject_key": shared,
                "settings_hash": "x",
                "status": "ok",
                "energy_hartree": float(worker),
            }
        )
        store.put_calculation({"subject_key": own, "settings_hash": "x", "status": "ok"})
    store.close()


@pytest.mark.parametrize("n_workers", [4])
def test_concurrent_writers_lose_nothing(database_url: str, n_workers: int) -> None:
    n = 60
    Store.open(database_url).close()  # migrate first, so workers race only on writes
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_write_overlapping, args=(database_url, w, n))
        for w in range(n_workers)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=300)
        assert process.exitcode == 0
    counts = Store.open(database_url).status().row_counts
    assert counts["molecules"] == n + n_workers * n
    assert counts["quantum_calculations"] == n + n_workers * n


def test_concurrent_first_use_migrates_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'race.db'}"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_overlapping, args=(url, w, 2)) for w in range(3)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=300)
        assert process.exitcode == 0
    assert Store.open(url).status().row_counts["molecules"] == 2 + 3 * 2


def test_bad_url_is_a_store_error() -> None:
    from pipeline.errors import StoreError

    with pytest.raises(StoreError, match="invalid database URL"):
        create_store_engine("not a url")


def test_content_hash_is_order_independent() -> None:
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})


def test_campaign_lease_is_held_by_one_owner(database_url: str) -> None:
    store = Store.open(database_url)
    assert store.acquire_campaign_lease("c", "host:1:a", 60)[0]
    taken, holder, _ = store.acquire_campaign_lease("c", "host:2:b", 60)
    assert not taken and holder == "host:1:a"
    assert store.acquire_campaign_lease("c", "host:1:a", 60)[0]  # renewal by the holder
    assert store.acquire_campaign_lease("c", "host:2:b", 60, take_from="host:1:a")[0]
    store.release_campaign_lease("c", "host:1:a")  # not its lease any more: no effect
    assert not store.acquire_campaign_lease("c", "host:3:c", 60)[0]
    store.release_campaign_lease("c", "host:2:b")
    assert store.acquire_campaign_lease("c", "host:3:c", 0.0)[0]  # expires at once
    assert store.acquire_campaign_lease("c", "host:4:d", 60)[0]  # so it can be taken
    store.close()


def test_model_row_and_its_weights_are_written_together(database_url: str) -> None:
    store = Store.open(database_url)
    model = {**MODEL_ROW, "sha256": "s" * 64}
    first = store.add_model(model, archive=b"weights")
    assert store.add_model(model, archive=b"other").id == first.id  # the first archive stays
    weights = store.model_weights(first.id)
    assert weights is not None
    assert (weights.archive, weights.sha256, weights.size_bytes) == (b"weights", "s" * 64, 7)
    assert store.model_weights(store.add_model({**model, "seed": 1}).id) is None
    store.close()


def test_upgrade_keeps_models_stored_before_weights_were(database_url: str, tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import text

    from pipeline.services.model_files import directory_sha256, weights_directory
    from pipeline.store.database import alembic_config

    weights = tmp_path / "old-model"
    weights.mkdir()
    (weights / "model.json").write_text("{}")
    engine = create_store_engine(database_url)
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0003")
        connection.execute(
            text(
                "INSERT INTO surrogate_models (model_key, kind, target, n_train,"
                " training_set_hash, hyperparameters, seed, metrics, path, sha256, created_at)"
                " VALUES ('k', 'rf', 'logS', 3, 't', '{}', 0, '{}', :path, :sha, :now)"
            ),
            {"path": str(weights), "sha": directory_sha256(weights), "now": "2026-01-01 00:00:00"},
        )
        connection.commit()
    engine.dispose()

    store = Store.open(database_url)
    assert store.status().schema_revision == head_revision()
    [old] = store.list_models()
    assert store.model_weights(old.id) is None
    assert weights_directory(store, old, tmp_path / "models") == weights  # from its path
    store.close()

"""The store's read and write operations, idempotent on content keys.

Each write is one transaction (mostly one ``INSERT … ON CONFLICT`` statement), so writing
the same content twice keeps one row and concurrent writers (processes or threads, SQLite or
PostgreSQL) neither lose rows nor deadlock: SQLite serialises them through its busy timeout
(merging writes take the write lock first, ``BEGIN IMMEDIATE``), PostgreSQL through row locks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from molecules.hashing import content_hash
from pipeline.errors import StoreCorruptError
from pipeline.store.database import create_store_engine, current_revision, damaged_message, migrate
from pipeline.store.models import (
    Base,
    Campaign,
    CampaignEvaluation,
    CampaignLease,
    CampaignRound,
    ModelWeights,
    Molecule,
    Prediction,
    QuantumCalculation,
    SurrogateModel,
    TriageReject,
    TriageResult,
    utcnow,
)

Row = Mapping[str, Any]
_EPSILON = timedelta(seconds=1)


@dataclass(frozen=True)
class StoreStatus:
    """What ``qdp db status`` prints."""

    backend: str
    url: str
    schema_revision: str | None
    head_revision: str
    row_counts: dict[str, int]


class Store:
    """Thin handle over an engine; every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Store:
        """Open (and migrate on first use) the store at ``url``."""
        engine = create_store_engine(url)
        migrate(engine)
        return cls(engine)

    def session(self) -> Session:
        """A new ORM session; use as a context manager."""
        return self._sessions()

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()

    # -- generic ------------------------------------------------------------------------

    def _upsert_statement(
        self,
        table: Table,
        rows: Sequence[Row],
        keys: Sequence[str],
        update_columns: Sequence[str] = (),
        combine: Callable[[Any, Any], Any] | None = None,
    ) -> Any:
        """An ``INSERT … ON CONFLICT (keys)`` statement for this backend.

        On conflict the ``update_columns`` take the new value, or ``combine(new, old)``
        when given; with no update columns the existing row is kept untouched.
        """
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        statement = insert(table).values(list(rows))
        if not update_columns:
            return statement.on_conflict_do_nothing(index_elements=list(keys))
        new = statement.excluded
        return statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={c: combine(new[c], table.c[c]) if combine else new[c] for c in update_columns},
        )

    def _upsert(
        self,
        table: Table,
        rows: Sequence[Row],
        keys: Sequence[str],
        update_columns: Sequence[str] = (),
        combine: Callable[[Any, Any], Any] | None = None,
    ) -> int:
        """Run one upsert statement in its own transaction; returns the rows given."""
        if not rows:
            return 0
        statement = self._upsert_statement(table, rows, keys, update_columns, combine)
        with self.engine.begin() as connection:
            connection.execute(statement)
        return len(rows)

    # -- molecules and triage ----------------------------------------------------------

    @contextmanager
    def _write_transaction(self) -> Iterator[Connection]:
        """One transaction that holds the write lock from its start (SQLite) so reading and
        then writing in it cannot fail with a stale snapshot; PostgreSQL locks rows."""
        with self.engine.begin() as connection:
            if self.engine.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            yield connection

    def upsert_molecules(self, rows: Iterable[Row]) -> int:
        """Insert molecules by InChIKey; a known key keeps its row and gains what is new.

        Each row needs ``inchikey`` and ``smiles``; ``name``, ``source``,
        ``conformer_molblock`` and ``conformer_energy_kcal`` (kcal/mol) are optional. A known
        molecule gains the new names (``"; "``-joined, each once) and the new source (in
        ``sources``; ``source`` stays the first), and a given conformer replaces its own.
        Returns the number of rows given.
        """
        rows = list(rows)
        with self._write_transaction() as connection:
            self._merge_molecules(connection, rows, {})
        return len(rows)

    def add_molecule_names(self, names: Mapping[str, Sequence[str]]) -> int:
        """Add names to stored molecules (``"; "``-joined, each name once, order kept).

        For repeats of a molecule met after its first record was stored; unknown InChIKeys
        are ignored. Returns the number of molecules whose name changed.
        """
        with self._write_transaction() as connection:
            return self._merge_molecules(connection, [], names)

    def _merge_molecules(
        self, connection: Connection, rows: Sequence[Row], names: Mapping[str, Sequence[str]]
    ) -> int:
        """Insert new molecules, then merge names, sources and conformers into stored ones.

        Returns the number of stored molecules that changed.
        """
        incoming: dict[str, dict[str, Any]] = {}
        for r in rows:
            new = incoming.setdefault(
                r["inchikey"], {"smiles": r["smiles"], "names": [], "sources": [], "conf": None}
            )
            new["names"] += _split_names(r.get("name"))
            if r.get("source"):
                new["sources"].append(r["source"])
            if r.get("conformer_molblock") is not None:
                new["conf"] = (r["conformer_molblock"], r.get("conformer_energy_kcal"))
        extra = {k: [n for n in v if n] for k, v in names.items() if any(v)}
        if incoming:
            inserts = [
                _with_created(
                    {
                        "inchikey": key,
                        "smiles": new["smiles"],
                        "name": "; ".join(dict.fromkeys(new["names"])) or None,
                        "source": new["sources"][0] if new["sources"] else None,
                        "sources": list(dict.fromkeys(new["sources"])) or None,
                        "conformer_molblock": new["conf"][0] if new["conf"] else None,
                        "conformer_energy_kcal": new["conf"][1] if new["conf"] else None,
                    },
                    Molecule,
                )
                for key, new in incoming.items()
            ]
            insert = (
                postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
            )
            statement = (
                insert(Molecule.__table__)
                .on_conflict_do_nothing(index_elements=["inchikey"])
                .returning(Molecule.inchikey)
            )  # executemany: compiled once, not once per row
            inserted = set(connection.execute(statement, inserts).scalars())
        else:
            inserted = set()
        keys = list((incoming.keys() - inserted) | extra.keys())  # new rows need no merge
        if not keys:
            return 0
        table = Molecule.__table__
        stored = connection.execute(
            select(
                table.c.inchikey,
                table.c.name,
                table.c.source,
                table.c.sources,
                table.c.conformer_molblock,
                table.c.conformer_energy_kcal,
            )
            .where(table.c.inchikey.in_(keys))
            .with_for_update()
        ).all()
        changes = []
        for old in stored:
            new = incoming.get(old.inchikey, {"names": [], "sources": [], "conf": None})
            known = _split_names(old.name)
            name = "; ".join(dict.fromkeys(known + new["names"] + extra.get(old.inchikey, [])))
            sources = list(old.sources or ([old.source] if old.source else []))
            sources += [s for s in dict.fromkeys(new["sources"]) if s not in sources]
            conf = new["conf"] or (old.conformer_molblock, old.conformer_energy_kcal)
            after = (name or None, old.source or (sources[0] if sources else None), sources or None)
            if after != (old.name, old.source, old.sources) or conf[0] != old.conformer_molblock:
                changes.append(
                    {
                        "b_key": old.inchikey,
                        "b_name": after[0],
                        "b_source": after[1],
                        "b_sources": after[2],
                        "b_molblock": conf[0],
                        "b_energy": conf[1],
                    }
                )
        if changes:
            connection.execute(
                update(table)
                .where(table.c.inchikey == bindparam("b_key"))
                .values(
                    name=bindparam("b_name"),
                    source=bindparam("b_source"),
                    sources=bindparam("b_sources", type_=table.c.sources.type),
                    conformer_molblock=bindparam("b_molblock"),
                    conformer_energy_kcal=bindparam("b_energy"),
                ),
                changes,
            )
        return len(changes)

    def store_triage_chunk(
        self,
        molecules: Sequence[Row],
        names: Mapping[str, Sequence[str]],
        triage_results: Sequence[Row],
        rejects: Sequence[Row] = (),
    ) -> None:
        """Write one triage chunk in ONE transaction: molecules (as :meth:`upsert_molecules`),
        names of repeats (as :meth:`add_molecule_names`), outcomes (as
        :meth:`put_triage_results`) and rejected entries (as :meth:`put_triage_rejects`).

        A failure part-way (a full disk) leaves nothing of the chunk stored, never a
        molecule without its triage result.
        """
        with self._write_transaction() as connection:
            self._merge_molecules(connection, molecules, names)
            if triage_results:
                self._write_triage_results(connection, triage_results)
            if rejects:
                self._write_rejects(connection, rejects)

    def put_triage_rejects(self, rows: Iterable[Row]) -> int:
        """Store library entries that gave no molecule, keyed by (``source``, ``line``);
        last write wins (``input_text``, ``reason``)."""
        rows = list(rows)
        if rows:
            with self.engine.begin() as connection:
                self._write_rejects(connection, rows)
        return len(rows)

    def _write_rejects(self, connection: Connection, rows: Sequence[Row]) -> None:
        rows = [_with_created(dict(r), TriageReject) for r in rows]
        self._bulk_upsert(
            connection, TriageReject.__table__, rows, ["source", "line"], ["input_text", "reason"]
        )

    def _bulk_upsert(
        self,
        connection: Connection,
        table: Any,
        rows: Sequence[Row],
        keys: Sequence[str],
        update_columns: Sequence[str],
    ) -> None:
        """An executemany ``INSERT … ON CONFLICT (keys) DO UPDATE`` (compiled once, not once
        per row); every row has the same columns."""
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        statement = insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={c: statement.excluded[c] for c in update_columns}
        )
        connection.execute(statement, list(rows))

    def triage_rejects(self, source: str | None = None) -> list[TriageReject]:
        """Stored rejected entries (of one library file name), by file and line."""
        query = select(TriageReject).order_by(TriageReject.source, TriageReject.line)
        if source is not None:
            query = query.where(TriageReject.source == source)
        with self.session() as session:
            return list(session.scalars(query))

    def put_triage_results(self, rows: Iterable[Row]) -> int:
        """Store triage outcomes keyed by (``inchikey``, ``settings_hash``); last write wins."""
        rows = list(rows)
        if rows:
            with self.engine.begin() as connection:
                self._write_triage_results(connection, rows)
        return len(rows)

    def _write_triage_results(self, connection: Connection, rows: Sequence[Row]) -> None:
        rows = [_with_created(dict(r), TriageResult) for r in rows]
        self._bulk_upsert(
            connection,
            TriageResult.__table__,
            rows,
            ["inchikey", "settings_hash"],
            ["passed", "reasons", "descriptors"],
        )

    def get_molecule(self, inchikey: str) -> Molecule | None:
        """The molecule with this InChIKey, if stored."""
        with self.session() as session:
            return session.get(Molecule, inchikey)

    def triage_results_for(self, inchikey: str) -> list[TriageResult]:
        """Every stored triage result of one molecule."""
        with self.session() as session:
            query = select(TriageResult).where(TriageResult.inchikey == inchikey)
            return list(session.scalars(query))

    # -- quantum calculations ------------------------------------------------------------

    def put_calculation(self, row: Row, *, replace: bool = False) -> None:
        """Store one quantum calculation under (``subject_key``, ``settings_hash``).

        With ``replace=False`` an existing result is kept (the content key says it is the
        same calculation); ``replace=True`` overwrites it, for ``--recompute``.
        """
        row = _with_created(dict(row), QuantumCalculation)
        columns = [c for c in row if c not in ("subject_key", "settings_hash")]
        self._upsert(
            QuantumCalculation.__table__,
            [row],
            ["subject_key", "settings_hash"],
            columns if replace else [],
        )

    def get_calculation(self, subject_key: str, settings_hash: str) -> QuantumCalculation | None:
        """The stored calculation for this content key, if any."""
        with self.session() as session:
            return session.get(QuantumCalculation, (subject_key, settings_hash))

    def calculations_for(self, inchikey: str) -> list[QuantumCalculation]:
        """Every stored quantum calculation of one molecule."""
        with self.session() as session:
            query = select(QuantumCalculation).where(QuantumCalculation.inchikey == inchikey)
            return list(session.scalars(query))

    def property_values(self, name: str) -> list[tuple[str, float]]:
        """(SMILES, value) of every successful calculation whose properties include ``name``.

        When a molecule has several calculations (other method settings), the newest wins.
        """
        query = (
            select(Molecule.smiles, QuantumCalculation.properties)
            .join(Molecule, Molecule.inchikey == QuantumCalculation.inchikey)
            .where(QuantumCalculation.status == "ok")
            .order_by(QuantumCalculation.created_at)
        )
        values: dict[str, float] = {}
        with self.session() as session:
            for smiles, properties in session.execute(query):
                if properties and properties.get(name) is not None:
                    values[smiles] = float(properties[name])
        return list(values.items())

    def campaign_values(self, target: str) -> list[tuple[str, float]]:
        """(SMILES, value) of every successful oracle result of campaigns on ``target``."""
        query = (
            select(CampaignEvaluation.smiles, CampaignEvaluation.value, Campaign.settings)
            .join(Campaign, Campaign.id == CampaignEvaluation.campaign_id)
            .where(CampaignEvaluation.value.is_not(None))
            .order_by(CampaignEvaluation.created_at)
        )
        values: dict[str, float] = {}
        with self.session() as session:
            for smiles, value, settings in session.execute(query):
                if (settings or {}).get("campaign", {}).get("target") == target:
                    values[smiles] = float(value)
        return list(values.items())

    # -- models and predictions ----------------------------------------------------------

    def add_model(self, row: Row, archive: bytes | None = None) -> SurrogateModel:
        """Register a trained model version; the same ``model_key`` returns the existing one.

        ``row`` holds the :class:`SurrogateModel` columns except ``id``; ``model_key``
        defaults to the content hash of kind, target, training set, hyperparameters and seed.
        ``archive`` (the weight directory as :class:`ModelWeights` keeps it) is stored in the
        same transaction, under the row's ``sha256``; a version that has one keeps it.
        """
        row = dict(row)
        row.setdefault(
            "model_key",
            content_hash(
                [
                    row["kind"],
                    row["target"],
                    row["training_set_hash"],
                    row.get("hyperparameters"),
                    row["seed"],
                    row["sha256"],
                ]
            ),
        )
        table = SurrogateModel.__table__
        with self._write_transaction() as connection:
            connection.execute(
                self._upsert_statement(table, [_with_created(row, SurrogateModel)], ["model_key"])
            )
            model_id = connection.execute(
                select(table.c.id).where(table.c.model_key == row["model_key"])
            ).scalar_one()
            if archive is not None:
                weights = {
                    "model_id": model_id,
                    "sha256": row["sha256"],
                    "size_bytes": len(archive),
                    "archive": archive,
                }
                connection.execute(
                    self._upsert_statement(
                        ModelWeights.__table__, [_with_created(weights, ModelWeights)], ["model_id"]
                    )
                )
        with self.session() as session:
            model = session.get(SurrogateModel, model_id)
            assert model is not None, "the row was written in the transaction above"
            return model

    def model_weights(self, model_id: int) -> ModelWeights | None:
        """The stored weight archive of model version ``model_id`` (``None``: none stored,
        e.g. a version registered before weights went into the store)."""
        with self.session() as session:
            return session.get(ModelWeights, model_id)

    def latest_model(
        self,
        kind: str | Sequence[str] | None = None,
        target: str | None = None,
        *,
        accepted_only: bool = False,
    ) -> SurrogateModel | None:
        """The newest model, optionally of one kind (or any of several) and one target.

        With ``accepted_only``, models whose quality gate failed (``metrics["accepted"]`` is
        false) are skipped: the newest model that may be a default.
        """
        query = select(SurrogateModel).order_by(SurrogateModel.id.desc())
        if isinstance(kind, str):
            query = query.where(SurrogateModel.kind == kind)
        elif kind is not None:
            query = query.where(SurrogateModel.kind.in_(list(kind)))
        if target is not None:
            query = query.where(SurrogateModel.target == target)
        with self.session() as session:
            if not accepted_only:
                return session.scalars(query.limit(1)).first()
            for model in session.scalars(query):
                if (model.metrics or {}).get("accepted", True) is not False:
                    return model
            return None

    def find_model(
        self, kind: str, target: str, training_set_hash: str, hyperparameters: Row
    ) -> SurrogateModel | None:
        """The newest model trained with exactly this kind, target, data and hyperparameters."""
        query = (
            select(SurrogateModel)
            .where(
                SurrogateModel.kind == kind,
                SurrogateModel.target == target,
                SurrogateModel.training_set_hash == training_set_hash,
            )
            .order_by(SurrogateModel.id.desc())
        )
        with self.session() as session:
            for model in session.scalars(query):
                if model.hyperparameters == dict(hyperparameters):
                    return model
        return None

    def get_model(self, model_id: int) -> SurrogateModel | None:
        """The model version with this id."""
        with self.session() as session:
            return session.get(SurrogateModel, model_id)

    def list_models(self) -> list[SurrogateModel]:
        """Every model version, newest first."""
        with self.session() as session:
            return list(session.scalars(select(SurrogateModel).order_by(SurrogateModel.id.desc())))

    def put_predictions(self, rows: Iterable[Row]) -> int:
        """Store predictions keyed by (``model_id``, ``inchikey``); last write wins."""
        rows = [_with_created(dict(r), Prediction) for r in rows]
        return self._upsert(Prediction.__table__, rows, ["model_id", "inchikey"], ["mean", "std"])

    # -- campaigns -----------------------------------------------------------------------

    def create_campaign(self, campaign_id: str, settings: Row) -> None:
        """Register a new campaign (no-op if the id exists)."""
        now = utcnow()
        row = {
            "id": campaign_id,
            "status": "running",
            "settings": dict(settings),
            "state": {},
            "created_at": now,
            "updated_at": now,
        }
        self._upsert(Campaign.__table__, [row], ["id"], [])

    def update_campaign(
        self, campaign_id: str, *, status: str | None = None, state: Row | None = None
    ) -> None:
        """Change a campaign's status and/or saved state."""
        with self.engine.begin() as connection:
            connection.execute(self._campaign_update(campaign_id, status, state))

    def _campaign_update(self, campaign_id: str, status: str | None, state: Row | None) -> Any:
        values: dict[str, Any] = {"updated_at": utcnow()}
        if status is not None:
            values["status"] = status
        if state is not None:
            values["state"] = dict(state)
        return update(Campaign).where(Campaign.id == campaign_id).values(values)

    def save_campaign_progress(
        self,
        campaign_id: str,
        *,
        status: str,
        state: Row,
        evaluation: Row | None = None,
        round_row: Row | None = None,
    ) -> None:
        """Save a campaign's new state together with the event that produced it.

        One transaction: either the oracle result (or chosen round) and the state that
        includes it are both durable, or neither is — a kill between them cannot make a
        resumed campaign repeat or lose an oracle call.
        """
        with self.engine.begin() as connection:
            if evaluation is not None:
                row = {"campaign_id": campaign_id, "created_at": utcnow(), **evaluation}
                connection.execute(
                    self._upsert_statement(
                        CampaignEvaluation.__table__, [row], ["campaign_id", "smiles"]
                    )
                )
            if round_row is not None:
                row = {"campaign_id": campaign_id, "created_at": utcnow(), **round_row}
                connection.execute(
                    self._upsert_statement(
                        CampaignRound.__table__,
                        [row],
                        ["campaign_id", "round_index"],
                        ["selected", "metrics"],
                    )
                )
            connection.execute(self._campaign_update(campaign_id, status, state))

    def acquire_campaign_lease(
        self, campaign_id: str, owner: str, ttl_seconds: float, *, take_from: str | None = None
    ) -> tuple[bool, str, datetime]:
        """Take (or renew) the lease on a campaign for ``ttl_seconds``.

        Atomic on both backends: the lease goes to ``owner`` only if it holds it already, the
        current holder's lease has expired, or the holder is ``take_from`` (known dead).

        Returns:
            ``(taken, holder, expires_at)``: whether ``owner`` holds it now, and who does.
        """
        now = utcnow()
        expired = {"campaign_id": campaign_id, "owner": owner, "expires_at": now - _EPSILON}
        with self.engine.begin() as connection:
            connection.execute(
                self._upsert_statement(CampaignLease.__table__, [expired], ["campaign_id"])
            )
            taken = connection.execute(
                update(CampaignLease)
                .where(
                    CampaignLease.campaign_id == campaign_id,
                    or_(
                        CampaignLease.owner == owner,
                        CampaignLease.expires_at < now,
                        CampaignLease.owner == (take_from or owner),
                    ),
                )
                .values(owner=owner, expires_at=now + timedelta(seconds=ttl_seconds))
            ).rowcount
            holder = connection.execute(
                select(CampaignLease.owner, CampaignLease.expires_at).where(
                    CampaignLease.campaign_id == campaign_id
                )
            ).one()
        return taken == 1, holder.owner, holder.expires_at

    def release_campaign_lease(self, campaign_id: str, owner: str) -> None:
        """Give the lease up (only ``owner``'s own)."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(CampaignLease).where(
                    CampaignLease.campaign_id == campaign_id, CampaignLease.owner == owner
                )
            )

    def get_campaign(self, campaign_id: str) -> Campaign | None:
        """The campaign with this id."""
        with self.session() as session:
            return session.get(Campaign, campaign_id)

    def record_evaluation(
        self,
        campaign_id: str,
        smiles: str,
        round_index: int,
        value: float | None,
        error: str | None = None,
    ) -> None:
        """Persist one oracle result the moment it arrives (first write wins)."""
        row = {
            "campaign_id": campaign_id,
            "smiles": smiles,
            "round_index": round_index,
            "value": value,
            "error": error,
            "created_at": utcnow(),
        }
        self._upsert(CampaignEvaluation.__table__, [row], ["campaign_id", "smiles"], [])

    def campaign_evaluations(self, campaign_id: str) -> list[CampaignEvaluation]:
        """Every oracle result of a campaign in the order they arrived."""
        query = (
            select(CampaignEvaluation)
            .where(CampaignEvaluation.campaign_id == campaign_id)
            .order_by(CampaignEvaluation.created_at)
        )
        with self.session() as session:
            return list(session.scalars(query))

    def record_round(
        self, campaign_id: str, round_index: int, selected: Sequence[Any], metrics: Row
    ) -> None:
        """Persist one finished campaign round (last write wins)."""
        row = {
            "campaign_id": campaign_id,
            "round_index": round_index,
            "selected": list(selected),
            "metrics": dict(metrics),
            "created_at": utcnow(),
        }
        self._upsert(
            CampaignRound.__table__, [row], ["campaign_id", "round_index"], ["selected", "metrics"]
        )

    def campaign_rounds(self, campaign_id: str) -> list[CampaignRound]:
        """The rounds of a campaign in order."""
        query = (
            select(CampaignRound)
            .where(CampaignRound.campaign_id == campaign_id)
            .order_by(CampaignRound.round_index)
        )
        with self.session() as session:
            return list(session.scalars(query))

    # -- status --------------------------------------------------------------------------

    def check_integrity(self) -> None:
        """Fail when the database is damaged: SQLite ``PRAGMA quick_check``; PostgreSQL a
        cheap sanity query (reach every table).

        Raises:
            StoreCorruptError: the check found damage; the message says what to do.
        """
        try:
            with self.engine.connect() as connection:
                if self.engine.dialect.name == "sqlite":
                    found = [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check")]
                    problem = None if found == ["ok"] else "; ".join(found[:3])
                else:
                    for table in Base.metadata.sorted_tables:
                        connection.execute(select(text("1")).select_from(table).limit(1)).all()
                    problem = None
        except DBAPIError as exc:
            problem = str(exc.orig).strip().splitlines()[0]
        if problem is not None:
            raise StoreCorruptError(damaged_message(self.engine.url, problem))

    def status(self) -> StoreStatus:
        """Backend, schema revision and the row count of every table."""
        from pipeline.store.database import head_revision

        counts: dict[str, int] = {}
        with self.engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                counts[table.name] = connection.execute(
                    select(func.count()).select_from(table)
                ).scalar_one()
        return StoreStatus(
            backend=self.engine.dialect.name,
            url=self.engine.url.render_as_string(hide_password=True),
            schema_revision=current_revision(self.engine),
            head_revision=head_revision(),
            row_counts=counts,
        )


def _with_created(row: dict[str, Any], model: type[Base]) -> dict[str, Any]:
    """Fill the Python-side defaults that a Core ``INSERT`` does not apply by itself."""
    row.setdefault("created_at", utcnow())
    for column in model.__table__.columns:
        if column.name not in row and column.default is not None and column.name != "created_at":
            default = column.default.arg
            row[column.name] = default(None) if callable(default) else default
    return row


def _split_names(name: str | None) -> list[str]:
    return [n for n in name.split("; ") if n] if name else []


def open_store(settings: Any) -> Store:
    """Open the store configured by a :class:`pipeline.config.Settings`."""
    return Store.open(settings.resolved_database_url)

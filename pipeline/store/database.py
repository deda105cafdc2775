"""Open the store: engine creation, SQLite pragmas, and automatic Alembic migration.

SQLite (the default) runs in WAL mode with a busy timeout so several processes can read
while one writes and writers wait instead of failing. PostgreSQL is used by giving a
``postgresql+psycopg://`` URL. Migrations run once per process on first use, under a lock
(an advisory lock on PostgreSQL, a file lock on SQLite) so concurrent first uses are safe.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from pipeline.errors import StoreCorruptError, StoreError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000
_PG_MIGRATION_LOCK_ID = 0x71D9  # arbitrary, constant advisory-lock key for qdp migrations
_migrated: set[str] = set()
_migrated_lock = threading.Lock()


def create_store_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite files get WAL, a busy timeout and foreign keys.

    Raises:
        StoreError: the URL is malformed or its driver is not installed.
    """
    try:
        parsed = make_url(url)
    except SQLAlchemyError as exc:
        raise StoreError(f"invalid database URL {url!r}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError) as exc:
        raise StoreError(f"cannot use database URL {parsed!r}: {exc}") from None


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at qdp's migrations, optionally bound to ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision that this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "qdp ships at least one migration"
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, or ``None`` for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[Connection]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK_ID})
            connection.commit()
            try:
                yield connection
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK_ID}
                )
                connection.commit()
        return
    database = engine.url.database
    lock_path = Path(f"{database}.migrate.lock") if database and database != ":memory:" else None
    handle = lock_path.open("a") if lock_path else None
    try:
        if handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
        with engine.connect() as connection:
            yield connection
    finally:
        if handle:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


def damaged_message(url: URL, problem: str) -> str:
    """One line: the store at ``url`` is damaged (``problem``) and what to do about it."""
    if url.get_backend_name() == "sqlite":
        db = url.database
        return (
            f"store {db} is damaged ({problem}); stop writing to it and restore it from a"
            f" backup, or salvage what is readable: `sqlite3 {db} .recover | sqlite3"
            f" {db}.recovered`, then point database_url at {db}.recovered"
        )
    shown = url.render_as_string(hide_password=True)
    return (
        f"store {shown} failed its sanity check ({problem}); check the PostgreSQL server log"
        " and restore the database from a backup (pg_restore)"
    )


def migrate(engine: Engine) -> str:
    """Bring the schema to the newest revision (idempotent, safe across processes).

    Returns:
        The revision the database is at afterwards.

    Raises:
        StoreError: the database cannot be reached or the migration fails.
    """
    key = str(engine.url)
    with _migrated_lock:
        if key in _migrated:
            return head_revision()
        try:
            with _migration_lock(engine) as connection:
                if MigrationContext.configure(connection).get_current_revision() != head_revision():
                    command.upgrade(alembic_config(connection), "head")
                    connection.commit()
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            if "malformed" in reason or "not a database" in reason:
                raise StoreCorruptError(damaged_message(engine.url, reason)) from None
            raise StoreError(f"cannot open database {engine.url!r}: {reason}") from None
        _migrated.add(key)
        return head_revision()

"""Shared test harness: a clean environment, qdp settings in a temp dir, SQLite and PostgreSQL
stores, and one session-scoped Prefect test harness with its own PREFECT_HOME."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Hermetic environment before anything imports qdp or Prefect: no user QDP_* settings, and
# Prefect confined to a temp home with analytics off (no network here).
for _name in [n for n in os.environ if n.startswith("QDP_") and not n.startswith("QDP_TEST_")]:
    del os.environ[_name]
_PREFECT_HOME = tempfile.mkdtemp(prefix="qdp-test-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
# One BLAS thread: on 2 shared cores, threaded OpenBLAS made small eigh calls ~7x slower.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from postgres_server import PostgresServer, start_postgres  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from pipeline.config import Settings  # noqa: E402


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings with the working directory in a fresh temp dir."""
    return Settings(home=tmp_path / ".qdp")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server: CI's (``QDP_TEST_POSTGRES_URL``) or one started here."""
    given = os.environ.get("QDP_TEST_POSTGRES_URL")
    if given:
        yield PostgresServer(given)
        return
    try:
        server = start_postgres()
    except (FileNotFoundError, RuntimeError) as exc:
        if os.environ.get("QDP_TEST_REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the test server, dropped afterwards."""
    name = f"qdp_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield postgres_server.url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'qdp.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def hook_messages() -> Iterator[list[str]]:
    """The messages the flows' failure hook (logger ``flows.hooks``) logs during the test."""
    import logging

    said: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: said.append(record.getMessage())  # type: ignore[method-assign]
    hooks = logging.getLogger("flows.hooks")
    hooks.addHandler(handler)
    try:
        yield said
    finally:
        hooks.removeHandler(handler)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect test server for the whole session (its own PREFECT_HOME, temp database)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield

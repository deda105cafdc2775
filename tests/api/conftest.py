"""Fixtures: the live API, with and without a bearer token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from live_api import TOKEN, LiveApi, start_api

from pipeline.config import Settings


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """The API without authentication."""
    yield from start_api(Settings(home=tmp_path_factory.mktemp("api") / ".qdp"))


@pytest.fixture(scope="module")
def live_api_with_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """The API with a bearer token required."""
    yield from start_api(
        Settings(home=tmp_path_factory.mktemp("api-auth") / ".qdp", api_token=TOKEN)
    )

"""Start a live qdp API on a loopback port over a store holding one trained RF surrogate."""

from __future__ import annotations

import csv
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from pipeline.api.app import create_app
from pipeline.api.guards import uvicorn_options
from pipeline.config import Settings
from pipeline.services.surrogate_models import train_and_register
from pipeline.store import Store, open_store
from surrogates.settings import SurrogateSettings

DATA = Path(__file__).resolve().parents[1] / "data" / "esol_delaney.csv"
TOKEN = "test-token-123"


@dataclass
class LiveApi:
    """A running server and its store."""

    url: str
    store: Store
    model_id: int
    token: str | None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _esol(n: int) -> tuple[list[str], list[float]]:
    with DATA.open() as handle:
        rows = list(csv.DictReader(handle))[:n]
    return (
        [r["smiles"] for r in rows],
        [float(r["measured log solubility in mols per litre"]) for r in rows],
    )


def start_api(settings: Settings) -> Iterator[LiveApi]:
    """Train a small RF surrogate into the store, serve the app, yield, stop."""
    store = open_store(settings)
    smiles, values = _esol(200)
    registered = train_and_register(
        store,
        smiles,
        values,
        target="log_solubility",
        settings=SurrogateSettings(kind="rf"),
        models_dir=settings.models_dir,
    )
    port = _free_port()
    options = uvicorn_options(settings.api.timeout_seconds)  # those of `qdp serve`
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_level="warning", **options
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("API server did not start")
        time.sleep(0.05)
    token = settings.api_token.get_secret_value() if settings.api_token else None
    yield LiveApi(f"http://127.0.0.1:{port}", store, registered.record.id, token)
    server.should_exit = True
    thread.join(timeout=10)
    store.close()

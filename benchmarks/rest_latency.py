"""REST latency: p50/p99 of single-SMILES ``POST /v1/predict`` with concurrent clients.

    python benchmarks/rest_latency.py [--surrogate rf|dmpnn] [--clients 20] [--requests 2000]

Trains a surrogate on 300 ESOL molecules into a temporary store, starts ``qdp serve`` in its
own process on a free loopback port, and fires ``--requests`` requests from ``--clients``
concurrent asyncio clients (one SMILES each, drawn from ESOL), after a warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

# This folder holds benchmarks/surrogates.py, which would shadow the surrogates package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from pipeline.config import Settings  # noqa: E402
from pipeline.services.surrogate_models import train_and_register  # noqa: E402
from pipeline.store import open_store  # noqa: E402
from surrogates.settings import SurrogateSettings  # noqa: E402

ESOL = Path(__file__).resolve().parents[1] / "data" / "esol_delaney.csv"


def _esol() -> tuple[list[str], list[float]]:
    with ESOL.open() as handle:
        rows = list(csv.DictReader(handle))
    return (
        [r["smiles"] for r in rows],
        [float(r["measured log solubility in mols per litre"]) for r in rows],
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _client(url: str, queue: asyncio.Queue, latencies: list[float], errors: list[int]):
    async with httpx.AsyncClient(timeout=30) as client:
        while True:
            try:
                smiles = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            start = time.perf_counter()
            response = await client.post(url, json={"smiles": [smiles]})
            latencies.append(time.perf_counter() - start)
            if response.status_code != 200:
                errors.append(response.status_code)


async def _load(url: str, smiles: list[str], clients: int) -> tuple[list[float], list[int], float]:
    queue: asyncio.Queue = asyncio.Queue()
    for s in smiles:
        queue.put_nowait(s)
    latencies: list[float] = []
    errors: list[int] = []
    start = time.perf_counter()
    await asyncio.gather(*(_client(url, queue, latencies, errors) for _ in range(clients)))
    return latencies, errors, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surrogate", choices=["rf", "dmpnn"], default="dmpnn")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    smiles, values = _esol()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp) / ".qdp")
        store = open_store(settings)
        train_and_register(
            store,
            smiles[:300],
            values[:300],
            target="log_solubility",
            settings=SurrogateSettings(kind=args.surrogate),
            models_dir=settings.models_dir,
        )
        store.close()
        port = _free_port()
        env = {**os.environ, "QDP_HOME": str(settings.home)}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            url = f"{base}/v1/predict"
            rng = np.random.default_rng(0)
            asyncio.run(_load(url, list(rng.choice(smiles, 100)), args.clients))  # warm-up
            queries = list(rng.choice(smiles, args.requests))
            latencies, errors, wall = asyncio.run(_load(url, queries, args.clients))
        finally:
            server.terminate()
            server.wait(timeout=30)
    ms = np.array(latencies) * 1000
    result = {
        "workers": args.workers,
        "surrogate": args.surrogate,
        "clients": args.clients,
        "requests": len(ms),
        "errors": len(errors),
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
        "requests_per_second": len(ms) / wall,
        "target_p99_ms": 100.0,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"{'surrogate':10s} {'clients':>7s} {'requests':>8s} {'errors':>6s} {'p50 ms':>8s} "
        f"{'p99 ms':>8s} {'max ms':>8s} {'req/s':>7s}"
    )
    print(
        f"{args.surrogate:10s} {args.clients:7d} {len(ms):8d} {len(errors):6d} "
        f"{result['p50_ms']:8.1f} {result['p99_ms']:8.1f} {result['max_ms']:8.1f} "
        f"{result['requests_per_second']:7.0f}"
    )
    print("target: p99 <= 100 ms")


if __name__ == "__main__":
    main()

"""Store write throughput: batched molecule upserts, single-row calculation writes, and
several concurrent writers, on SQLite and (if available) PostgreSQL.

    python benchmarks/store.py [--rows N] [--writers W] [--postgres-url URL] [--json]

Without ``--postgres-url`` a throwaway PostgreSQL cluster is started when a server binary
exists (the same helper the tests use); otherwise only SQLite is measured.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pipeline.store import Store  # noqa: E402


def _molecule_rows(prefix: str, n: int) -> list[dict]:
    return [{"inchikey": f"{prefix}{i:08d}", "smiles": "CCO", "name": f"m{i}"} for i in range(n)]


def _calculation_writer(url: str, worker: int, n: int) -> None:
    store = Store.open(url)
    for i in range(n):
        store.put_calculation(
            {
                "subject_key": f"S{i:06d}",
                "settings_hash": f"w{worker % 2}",
                "status": "ok",
                "energy_hartree": -1.0 * i,
            }
        )
    store.close()


def measure(url: str, rows: int, writers: int) -> dict[str, float]:
    """Rows per second for each write pattern on the store at ``url``."""
    store = Store.open(url)
    start = time.perf_counter()
    for offset in range(0, rows, 1000):
        store.upsert_molecules(_molecule_rows(f"A{offset:08d}", min(1000, rows - offset)))
    batched = rows / (time.perf_counter() - start)
    start = time.perf_counter()
    for offset in range(0, rows, 1000):  # the same keys again: idempotent, no new rows
        store.upsert_molecules(_molecule_rows(f"A{offset:08d}", min(1000, rows - offset)))
    repeated = rows / (time.perf_counter() - start)
    n_single = max(rows // 20, 50)
    start = time.perf_counter()
    _calculation_writer(url, 99, n_single)
    single = n_single / (time.perf_counter() - start)
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_calculation_writer, args=(url, w, n_single)) for w in range(writers)
    ]
    start = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    concurrent = writers * n_single / (time.perf_counter() - start)
    counts = store.status().row_counts
    store.close()
    return {
        "batched_upsert_rows_per_s": batched,
        "repeated_upsert_rows_per_s": repeated,
        "single_row_writes_per_s": single,
        "concurrent_writes_per_s": concurrent,
        "molecule_rows": counts["molecules"],
        "calculation_rows": counts["quantum_calculations"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--postgres-url")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = measure(f"sqlite:///{tmp}/bench.db", args.rows, args.writers)
    server = None
    url = args.postgres_url
    if url is None:
        try:
            from postgres_server import start_postgres

            server = start_postgres()
            url = server.url
        except (FileNotFoundError, RuntimeError) as exc:
            print(f"PostgreSQL not measured: {exc}", file=sys.stderr)
    if url:
        try:
            results["postgresql"] = measure(url, args.rows, args.writers)
        finally:
            if server:
                server.stop()

    if args.json:
        print(json.dumps(results, indent=2))
        return
    metrics = list(next(iter(results.values())))
    print(f"{'metric':32s}" + "".join(f"{b:>14s}" for b in results))
    for metric in metrics:
        print(f"{metric:32s}" + "".join(f"{results[b][metric]:14,.0f}" for b in results))
    print(f"({args.rows} molecules in batches of 1000; {args.writers} concurrent writer processes)")


if __name__ == "__main__":
    main()

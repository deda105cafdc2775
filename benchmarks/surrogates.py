"""Surrogate benchmarks: held-out accuracy, active-learning efficiency, prediction throughput.

Data: ``data/esol_delaney.csv`` (1,128 rows, 1,123 distinct SMILES; duplicates averaged),
target "measured log solubility in mols per litre". The lookup oracle answers from that
table. Two searches over the whole library: the least soluble 1 % (minimize; 12 molecules)
and the most soluble 1 % (maximize; 12 molecules, small polar compounds that fingerprints
barely distinguish, the harder case).

Usage::

    .venv/bin/python benchmarks/surrogates.py                 # all sections, tables
    .venv/bin/python benchmarks/surrogates.py --json          # one JSON document instead
    .venv/bin/python benchmarks/surrogates.py --sections throughput --threads 1

Timings are wall-clock on whatever CPU this runs on; the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from molecules.settings import usable_cores  # noqa: E402
from surrogates import (  # noqa: E402
    CampaignSettings,
    CampaignState,
    InMemoryCampaignStore,
    LookupOracle,
    SurrogateSettings,
    make_surrogate,
    regression_metrics,
    run_campaign,
)

ESOL = ROOT / "data" / "esol_delaney.csv"
ESOL_VALUE = "measured log solubility in mols per litre"


def load_esol() -> tuple[list[str], np.ndarray]:
    """Distinct ESOL SMILES (file order) and mean measured log solubility, shape ``(n,)``."""
    values: dict[str, list[float]] = {}
    with open(ESOL, newline="") as handle:
        for row in csv.DictReader(handle):
            values.setdefault(row["smiles"].strip(), []).append(float(row[ESOL_VALUE]))
    smiles = list(values)
    return smiles, np.array([np.mean(values[s]) for s in smiles])


def surrogate_settings(kind: str, threads: int | None) -> SurrogateSettings:
    if kind == "dmpnn":
        return SurrogateSettings(kind="dmpnn", dmpnn_torch_threads=threads)
    return SurrogateSettings(kind=kind)  # type: ignore[arg-type]


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


# --- held-out accuracy ------------------------------------------------------------------
def bench_metrics(kinds: list[str], threads: int | None) -> list[dict[str, Any]]:
    """Train on a random 80 % of ESOL, report RMSE/MAE/R²/Spearman on the other 20 %."""
    smiles, y = load_esol()
    order = np.random.default_rng(0).permutation(len(smiles))
    n_train = int(0.8 * len(smiles))
    train, test = order[:n_train], order[n_train:]
    rows = []
    for kind in kinds:
        model = make_surrogate(surrogate_settings(kind, threads))
        features = model.featurize(smiles)
        start = time.perf_counter()
        model.fit_features(features.subset(train), y[train])
        fit_s = time.perf_counter() - start
        mean, std = model.predict_features(features.subset(test))
        m = regression_metrics(y[test], mean, std)
        nov = model.novelty(features.subset(test))
        rows.append(
            {
                "model": kind,
                "n_train": len(train),
                "n_test": m.n,
                "rmse": m.rmse,
                "mae": m.mae,
                "r2": m.r2,
                "spearman_abs_error_vs_std": m.spearman_error_std,
                "novel_fraction": float(nov.is_novel.mean()),
                "fit_s": fit_s,
                "load_avg": load_average(),
            }
        )
        print(f"  metrics {kind}: R2 {m.r2:.3f} fit {fit_s:.1f}s", file=sys.stderr, flush=True)
    return rows


# --- active learning --------------------------------------------------------------------
def found_curve(state: CampaignState, top: set[str]) -> list[tuple[int, int]]:
    """(molecules evaluated, top molecules found) after each round."""
    out = []
    for r in range(len(state.rounds)):
        seen = {e.smiles for e in state.evaluations if e.round <= r}
        out.append((len(seen), len(seen & top)))
    return out


def bench_active_learning(
    kinds: list[str],
    acquisitions: list[str],
    seeds: int,
    dmpnn_seeds: int,
    rounds: int,
    batch: int,
    threads: int | None,
) -> list[dict[str, Any]]:
    """Fraction of the true top 1 % found vs fraction of the library evaluated."""
    smiles, y = load_esol()
    oracle = LookupOracle(dict(zip(smiles, y.tolist(), strict=True)))
    k = int(np.ceil(0.01 * len(smiles)))
    features = {
        kind: make_surrogate(surrogate_settings(kind, threads)).featurize(smiles) for kind in kinds
    }
    rows = []
    for maximize in (False, True):
        sign = 1.0 if maximize else -1.0
        threshold = np.sort(sign * y)[::-1][k - 1]
        top = {s for s, v in zip(smiles, y, strict=True) if sign * v >= threshold}
        runs = [("random", "rf")] + [(a, kind) for kind in kinds for a in acquisitions]
        for acquisition, kind in runs:
            n_seeds = dmpnn_seeds if kind == "dmpnn" else seeds
            curves, times = [], []
            for seed in range(n_seeds):
                settings = CampaignSettings(
                    target="log_solubility",
                    maximize=maximize,
                    acquisition=acquisition,  # type: ignore[arg-type]
                    init_size=batch,
                    batch_size=batch,
                    rounds=rounds,
                    seed=seed,
                )
                start = time.perf_counter()
                state = run_campaign(
                    f"{acquisition}-{kind}-{seed}",
                    smiles,
                    oracle,
                    InMemoryCampaignStore(),
                    settings,
                    surrogate_settings(kind, threads),
                    pool_features=features[kind],
                )
                times.append(time.perf_counter() - start)
                curves.append(found_curve(state, top))
            evaluated = [n for n, _ in curves[0]]
            found = np.array([[f for _, f in c] for c in curves], dtype=float) / len(top)
            label = "random" if acquisition == "random" else f"{acquisition}/{kind}"
            rows.append(
                {
                    "search": "most soluble" if maximize else "least soluble",
                    "method": label,
                    "seeds": n_seeds,
                    "n_top": len(top),
                    "fraction_evaluated": [n / len(smiles) for n in evaluated],
                    "fraction_top_found_mean": found.mean(0).tolist(),
                    "fraction_top_found_min": found.min(0).tolist(),
                    "seconds_per_campaign": float(np.mean(times)),
                }
            )
            print(
                f"  AL {rows[-1]['search']} {label}: {found.mean(0)[-1]:.2f} "
                f"({np.mean(times):.0f}s/campaign)",
                file=sys.stderr,
                flush=True,
            )
    return rows


# --- throughput -------------------------------------------------------------------------
def bench_throughput(
    kinds: list[str], threads: int | None, n_target: int, n_bulk: int, workers: int
) -> list[dict[str, Any]]:
    """mol/s for featurization and for prediction from features (all members, one pass), and
    for the product's whole path from SMILES (parse once, predict, novelty flag) on
    ``workers`` processes: :func:`surrogates.bulk_predict.predict_bulk`, as ``qdp predict``
    runs it (graph models stay in one process)."""
    from surrogates.bulk_predict import predict_bulk

    smiles, y = load_esol()
    rows = []
    for kind in kinds:
        settings = surrogate_settings(kind, threads)
        model = make_surrogate(settings)
        train = model.featurize(smiles[:200])
        model.fit_features(train, y[:200])
        n = n_target if kind != "dmpnn" else max(len(smiles), n_target // 4)
        query = [smiles[i % len(smiles)] for i in range(n)]
        model.featurize(query[:50])  # warm imports
        start = time.perf_counter()
        features = model.featurize(query)
        feat_s = time.perf_counter() - start
        model.predict_features(features.subset(range(100)))  # warm-up
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            model.predict_features(features)
            best = min(best, time.perf_counter() - start)
        bulk_n = n_bulk if not model.uses_graphs else n
        bulk_query = [smiles[i % len(smiles)] for i in range(bulk_n)]
        bulk_workers = workers if not model.uses_graphs else 1
        start = time.perf_counter()
        predict_bulk(model, bulk_query, workers=bulk_workers)
        bulk_s = time.perf_counter() - start
        rows.append(
            {
                "model": kind,
                "members": settings.n_members
                if kind == "dmpnn"
                else settings.rf_n_trees
                if kind == "rf"
                else 1,
                "n_molecules": n,
                "featurize_mol_per_s": n / feat_s,
                "predict_mol_per_s": n / best,
                "end_to_end_mol_per_s": n / (feat_s + best),
                "bulk_n_molecules": bulk_n,
                "bulk_processes": bulk_workers,
                "bulk_mol_per_s": bulk_n / bulk_s,
                "torch_threads": threads,
                "load_avg": load_average(),
            }
        )
        print(f"  throughput {kind}: {n / best:.0f} mol/s", file=sys.stderr, flush=True)
    return rows


# --- output -----------------------------------------------------------------------------
def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])


def print_tables(result: dict[str, Any]) -> None:
    print(
        f"# qdp surrogate benchmarks  ({result['cpu']}, load avg at start {result['load_start']})"
    )
    if "metrics" in result:
        print("\n## Held-out accuracy, ESOL log solubility (random 80/20 split)\n")
        print(
            _table(
                ["model", "n_train", "RMSE", "MAE", "R2", "Spearman |err|~std", "novel", "fit s"],
                [
                    [
                        r["model"],
                        str(r["n_train"]),
                        f"{r['rmse']:.3f}",
                        f"{r['mae']:.3f}",
                        f"{r['r2']:.3f}",
                        f"{r['spearman_abs_error_vs_std']:.3f}",
                        f"{r['novel_fraction']:.2f}",
                        f"{r['fit_s']:.1f}",
                    ]
                    for r in result["metrics"]
                ],
            )
        )
    if "active_learning" in result:
        al = result["active_learning"]
        print("\n## Active learning: fraction of the true top 1 % found (mean over seeds)\n")
        for search in dict.fromkeys(r["search"] for r in al):
            rows = [r for r in al if r["search"] == search]
            fractions = rows[0]["fraction_evaluated"]
            print(f"### {search} (top 1 % = {rows[0]['n_top']} molecules)\n")
            headers = ["method", "seeds"] + [f"{100 * f:.1f}%" for f in fractions] + ["s/run"]
            print(
                _table(
                    headers,
                    [
                        [r["method"], str(r["seeds"])]
                        + [f"{v:.2f}" for v in r["fraction_top_found_mean"]]
                        + [f"{r['seconds_per_campaign']:.0f}"]
                        for r in rows
                    ],
                )
            )
            print()
    if "throughput" in result:
        print("## Prediction throughput (featurize once, predict with all members)\n")
        print(
            _table(
                [
                    "model",
                    "members",
                    "n",
                    "featurize mol/s",
                    "predict mol/s",
                    "end-to-end mol/s",
                    "qdp predict path mol/s (n, procs)",
                    "threads",
                    "load",
                ],
                [
                    [
                        r["model"],
                        str(r["members"]),
                        str(r["n_molecules"]),
                        f"{r['featurize_mol_per_s']:.0f}",
                        f"{r['predict_mol_per_s']:.0f}",
                        f"{r['end_to_end_mol_per_s']:.0f}",
                        f"{r['bulk_mol_per_s']:.0f} ({r['bulk_n_molecules']}, "
                        f"{r['bulk_processes']})",
                        str(r["torch_threads"]),
                        str(r["load_avg"]),
                    ]
                    for r in result["throughput"]
                ],
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--sections", default="metrics,active_learning,throughput")
    parser.add_argument("--models", default="dmpnn,rf", help="for active learning")
    parser.add_argument("--metric-models", default="dmpnn,rf,gp")
    parser.add_argument("--acquisitions", default="greedy,ucb")
    parser.add_argument("--seeds", type=int, default=5, help="campaign seeds (rf, random)")
    parser.add_argument("--dmpnn-seeds", type=int, default=2, help="campaign seeds (dmpnn)")
    parser.add_argument("--rounds", type=int, default=8, help="acquisition rounds after init")
    parser.add_argument("--batch", type=int, default=20, help="initial and per-round batch")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (dmpnn)")
    parser.add_argument("--n-throughput", type=int, default=10_000)
    parser.add_argument("--n-bulk", type=int, default=100_000, help="SMILES for predict_bulk")
    parser.add_argument("--workers", type=int, default=0, help="predict_bulk processes; 0 = all")
    parser.add_argument("--from-json", type=Path, help="print tables of a saved --json run")
    args = parser.parse_args(argv)
    if args.from_json is not None:
        print_tables(json.loads(args.from_json.read_text()))
        return 0
    sections = args.sections.split(",")
    result: dict[str, Any] = {
        "cpu": f"{os.cpu_count()} CPUs",
        "load_start": load_average(),
        "data": "data/esol_delaney.csv, measured log solubility (mean of duplicates)",
    }
    if "metrics" in sections:
        result["metrics"] = bench_metrics(args.metric_models.split(","), args.threads)
    if "active_learning" in sections:
        result["active_learning"] = bench_active_learning(
            args.models.split(","),
            args.acquisitions.split(","),
            args.seeds,
            args.dmpnn_seeds,
            args.rounds,
            args.batch,
            args.threads,
        )
    if "throughput" in sections:
        result["throughput"] = bench_throughput(
            ["dmpnn", "rf", "gp"],
            args.threads,
            args.n_throughput,
            args.n_bulk,
            args.workers or usable_cores(),
        )
    result["load_end"] = load_average()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_tables(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Triage throughput and memory benchmark (issue 3). Prints a table; ``--json`` prints JSON.

Builds a library of distinct drug-like molecules from the shipped sets (ESOL, Tox21) and
RDKit's ``Data/NCI/first_5K.smi``, each seed enumerated with simple substitutions (H -> CH3,
F, Cl, OH, NH2, CN, OCH3, CF3 on every C-H), written as a SMILES file, then measures:

1. SMILES parse only (``Chem.MolFromSmiles``), one core;
2. rule filters end to end (read, standardize, InChIKey, dedup, every default rule filter,
   descriptors of passed molecules) with all cores, through ``triage_library``; and what
   ``qdp triage FILE`` does with its defaults: the same plus every chunk written to a fresh
   SQLite store (``run_triage``);
3. GNN filters: solubility + Tox21 DMPNN prediction (featurize once, both models) on
   standardized molecules, on one core and on all cores (one process per core, each on its
   share), and rules + GNN end to end with all cores;
4. peak memory (resident, whole process tree) of the rule-filter run at two library sizes
   (memory must not grow with the library: chunks stream through bounded worker queues).

Each measurement runs in a fresh subprocess; peak memory is sampled every 0.1 s with psutil.
GNN models have the default architecture (:class:`GNNTrainingSettings`) and are trained for
one epoch on 200 molecules (speed does not depend on the weights) unless ``--gnn-dirs``
gives trained ones. The host is shared: run twice and take the better, and read ``load``.

Usage::

    python benchmarks/triage.py [--n 50000] [--memory-sizes 50000 200000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SUBSTITUENTS = ("C", "F", "Cl", "O", "N", "C#N", "OC", "C(F)(F)F")


def seed_smiles() -> list[str]:
    """Drug-like seeds: valid, organic, 8-45 heavy atoms, one component, unique."""
    import csv
    import gzip

    from rdkit import Chem, RDConfig, RDLogger

    RDLogger.DisableLog("rdApp.*")
    raw: list[str] = []
    with open(ROOT / "data/esol_delaney.csv", newline="") as fh:
        raw += [row["smiles"] for row in csv.DictReader(fh)]
    with gzip.open(ROOT / "data/tox21.csv.gz", "rt", newline="") as fh:
        raw += [row["smiles"] for row in csv.DictReader(fh)]
    with open(Path(RDConfig.RDDataDir) / "NCI/first_5K.smi") as fh:
        raw += [line.split()[0] for line in fh if line.strip()]
    organic = {"C", "N", "O", "S", "F", "Cl", "Br", "I", "P"}
    seen: set[str] = set()
    seeds = []
    for smi in raw:
        mol = Chem.MolFromSmiles(smi)
        if mol is None or "." in smi or not 8 <= mol.GetNumHeavyAtoms() <= 45:
            continue
        if any(a.GetSymbol() not in organic or a.GetFormalCharge() for a in mol.GetAtoms()):
            continue
        can = Chem.MolToSmiles(mol)
        if can not in seen:
            seen.add(can)
            seeds.append(can)
    return seeds


def _variants(smiles: str) -> Iterator[str]:
    from rdkit import Chem

    mol = Chem.MolFromSmiles(smiles)
    sites = [a.GetIdx() for a in mol.GetAtoms() if a.GetSymbol() == "C" and a.GetTotalNumHs()]
    for site in sites:
        for sub in SUBSTITUENTS:
            frag = Chem.MolFromSmiles(sub)
            combo = Chem.RWMol(Chem.CombineMols(mol, frag))
            combo.AddBond(site, mol.GetNumAtoms(), Chem.BondType.SINGLE)
            try:
                Chem.SanitizeMol(combo)
            except Exception:  # valence or kekulization trouble: skip this variant
                continue
            yield Chem.MolToSmiles(combo)


def build_library(n: int, path: Path) -> Path:
    """Write ``n`` distinct molecules (seeds first, then round-robin variants) to ``path``."""
    if path.exists():
        return path
    seeds = seed_smiles()
    seen = set(seeds[:n])
    out = list(seeds[:n])
    generators = [_variants(s) for s in seeds]
    while len(out) < n and generators:
        alive = []
        for gen in generators:
            for smi in gen:
                if smi not in seen:
                    seen.add(smi)
                    out.append(smi)
                    break
            else:
                continue
            alive.append(gen)
            if len(out) >= n:
                break
        generators = alive
    tmp = path.with_suffix(".part")
    tmp.write_text("".join(f"{s} mol{i}\n" for i, s in enumerate(out)))
    tmp.rename(path)
    return path


class PeakMemory:
    """Samples resident memory (MiB) and CPU time (s) of this process tree every 0.1 s.

    ``cpu_seconds`` sums the last-seen user+system time of every process of the tree, so
    ``n / cpu_seconds`` is a throughput per dedicated core that other users' load on a
    shared host does not distort (wall-clock throughput is reported beside it).
    """

    def __init__(self) -> None:
        import psutil

        self._proc = psutil.Process()
        self.peak_tree_mib = 0.0
        self.peak_main_mib = 0.0
        self.peak_pss_mib = 0.0  # proportional set size: shared pages split between processes
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                main = self._proc.memory_info().rss
                tree = main
                pss = 0
                for proc in [self._proc, *self._proc.children(recursive=True)]:
                    times = proc.cpu_times()
                    self._cpu[proc.pid] = times.user + times.system
                    pss += proc.memory_full_info().pss
                    if proc.pid != self._proc.pid:
                        tree += proc.memory_info().rss
            except psutil.Error:
                continue
            self.peak_main_mib = max(self.peak_main_mib, main / 2**20)
            self.peak_tree_mib = max(self.peak_tree_mib, tree / 2**20)
            self.peak_pss_mib = max(self.peak_pss_mib, pss / 2**20)
            self._stop.wait(0.1)

    @property
    def cpu_seconds(self) -> float:
        """CPU time of the tree since the start of this process, s."""
        return sum(self._cpu.values())

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        time.sleep(0.2)  # first sample: CPU time spent before the measurement
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(kind: str, library: Path, workers: int, gnn_dirs: list[str]) -> dict[str, float]:
    """One measurement in this (fresh) process; returns numbers for the table."""
    from molecules.settings import TriageSettings
    from molecules.triage import resolve_workers, triage_library

    if kind == "parse":
        from rdkit import Chem, RDLogger

        RDLogger.DisableLog("rdApp.*")
        lines = [line.split()[0] for line in library.read_text().splitlines()]
        start, cpu0 = time.perf_counter(), time.process_time()
        n_ok = sum(Chem.MolFromSmiles(s) is not None for s in lines)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
        return {"n": len(lines), "n_ok": n_ok, "wall_s": wall, "mol_per_s": len(lines) / wall,
                "cpu_s": cpu, "mol_per_cpu_s": len(lines) / cpu, "workers": 1}  # fmt: skip
    if kind == "gnn_predict":
        return measure_gnn_predict(library, workers, gnn_dirs)
    if kind == "qdp_triage":
        return measure_qdp_triage(library, workers)
    settings = TriageSettings(n_workers=workers)
    gnn = None
    if kind == "rules_gnn":
        from molecules.gnn.predict import load_gnn_predictor

        gnn = load_gnn_predictor(gnn_dirs[0], gnn_dirs[1])
    with PeakMemory() as mem:
        start = time.perf_counter()
        cpu_before = mem.cpu_seconds
        for chunk in triage_library(library, settings, gnn=gnn):
            s = chunk.summary
        wall = time.perf_counter() - start
        time.sleep(0.3)  # let the sampler see the workers' final CPU time
    cpu = mem.cpu_seconds - cpu_before
    return {
        "n": s.n_input, "n_passed": s.n_passed, "wall_s": wall, "mol_per_s": s.n_input / wall,
        "workers": resolve_workers(settings), "peak_tree_mib": mem.peak_tree_mib,
        "peak_main_mib": mem.peak_main_mib, "peak_pss_mib": mem.peak_pss_mib,
        "cpu_s": cpu, "mol_per_cpu_s": s.n_input / cpu,
    }  # fmt: skip


def measure_qdp_triage(library: Path, workers: int) -> dict[str, float]:
    """``qdp triage FILE`` with its defaults, end to end: the driver the CLI calls
    (:func:`pipeline.services.triage.run_triage`) into a fresh SQLite store, every chunk
    written (molecules, results, rejects) before the next is read."""
    from molecules.triage import resolve_workers
    from pipeline.config import Settings
    from pipeline.services.triage import run_triage
    from pipeline.store import open_store

    with tempfile.TemporaryDirectory() as home:
        base = Settings(home=Path(home))
        settings = base.model_copy(
            update={"triage": base.triage.model_copy(update={"n_workers": workers})}
        )
        store = open_store(settings)
        with PeakMemory() as mem:
            start = time.perf_counter()
            cpu_before = mem.cpu_seconds
            s = run_triage(library, settings, store)
            wall = time.perf_counter() - start
            time.sleep(0.3)
        n_stored = store.status().row_counts["molecules"]
    cpu = mem.cpu_seconds - cpu_before
    return {
        "n": s.n_input, "n_passed": s.n_passed, "n_stored": n_stored, "wall_s": wall,
        "mol_per_s": s.n_input / wall, "workers": resolve_workers(settings.triage),
        "peak_tree_mib": mem.peak_tree_mib, "peak_main_mib": mem.peak_main_mib,
        "peak_pss_mib": mem.peak_pss_mib, "cpu_s": cpu, "mol_per_cpu_s": s.n_input / cpu,
    }  # fmt: skip


GNN_SAMPLE = 10_000  # molecules of the library the GNN-only measurement predicts


def measure_gnn_predict(library: Path, workers: int, gnn_dirs: list[str]) -> dict[str, float]:
    """GNN filters alone (featurize once, solubility + Tox21) on ``workers`` processes.

    Each process loads the models and standardizes its share of the first
    :data:`GNN_SAMPLE` molecules untimed, then all start predicting together; the rate is
    all molecules over the wall time from the common start to the last finish.
    """
    import multiprocessing as mp

    lines = [line.split()[0] for line in library.read_text().splitlines()][:GNN_SAMPLE]
    from molecules.settings import usable_cores

    n_proc = workers or usable_cores()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(n_proc)
    queue = ctx.SimpleQueue()
    shards = [lines[k::n_proc] for k in range(n_proc)]
    procs = [ctx.Process(target=_gnn_shard, args=(shard, gnn_dirs, barrier, queue))
             for shard in shards]  # fmt: skip
    for proc in procs:
        proc.start()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    n = sum(r["n"] for r in results)
    wall = max(r["end"] for r in results) - min(r["start"] for r in results)
    cpu = sum(r["cpu_s"] for r in results)
    return {"n": n, "wall_s": wall, "mol_per_s": n / wall, "workers": n_proc,
            "cpu_s": cpu, "mol_per_cpu_s": n / cpu}  # fmt: skip


def _gnn_shard(lines: list[str], gnn_dirs: list[str], barrier: Any, queue: Any) -> None:
    import torch

    from molecules.errors import MoleculeParseError
    from molecules.gnn.predict import load_gnn_predictor
    from molecules.standardize import standardize_smiles

    torch.set_num_threads(1)
    gnn = load_gnn_predictor(gnn_dirs[0], gnn_dirs[1])
    mols = []
    for smi in lines:
        try:
            mols.append(standardize_smiles(smi).mol)
        except MoleculeParseError:
            continue
    gnn.predict(mols[:8])  # first call builds lazy state; not part of the rate
    barrier.wait()
    start, cpu0 = time.monotonic(), time.process_time()
    for i in range(0, len(mols), 256):
        gnn.predict(mols[i : i + 256])
    queue.put({"n": len(mols), "start": start, "end": time.monotonic(),
               "cpu_s": time.process_time() - cpu0})  # fmt: skip


def run_sub(
    kind: str, library: Path, workers: int, gnn_dirs: list[str], save: Path | None = None
) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--measure", kind, "--library", str(library),
           "--workers", str(workers), "--gnn-dirs", *gnn_dirs]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"measurement {kind} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load_1min"] = os.getloadavg()[0]
    if save is not None:  # keep every finished row, even if a later one fails
        rows = json.loads(save.read_text()) if save.exists() else {}
        rows[f"{kind}:{library.name}"] = result
        save.write_text(json.dumps(rows, indent=2) + "\n")
    return result


def train_speed_models(work: Path) -> list[str]:
    from molecules.gnn.train import train_solubility_model, train_toxicity_model
    from molecules.settings import GNNTrainingSettings

    quick = GNNTrainingSettings(epochs=1, max_molecules=200)
    dirs = [work / "gnn_sol", work / "gnn_tox"]
    if not (dirs[0] / "weights.pt").exists():
        train_solubility_model(ROOT / "data/esol_delaney.csv", dirs[0], quick)
    if not (dirs[1] / "weights.pt").exists():
        train_toxicity_model(ROOT / "data/tox21.csv.gz", dirs[1], quick)
    return [str(d) for d in dirs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50_000, help="library size for throughput")
    parser.add_argument("--memory-sizes", type=int, nargs="*", default=[50_000, 200_000])
    parser.add_argument("--gnn-n", type=int, default=10_000, help="library size, rules+GNN")
    parser.add_argument("--workers", type=int, default=0, help="0 = all cores")
    parser.add_argument("--gnn-dirs", nargs="*", default=[], help="solubility and toxicity dirs")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "qdp_bench")
    parser.add_argument("--skip", nargs="*", default=[], help="parse rules qdp_triage gnn memory")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--save", type=Path, help="also write the JSON to this file")
    parser.add_argument("--from-json", type=Path, help="print the table of a saved JSON run")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--library", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.library, args.workers, args.gnn_dirs)))
        return
    if args.from_json:
        print_table(json.loads(args.from_json.read_text()))
        return
    work = args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    lib = build_library(args.n, work / f"library_{args.n}.smi")
    rows: dict[str, dict[str, float]] = {}
    partial = args.save.with_suffix(".partial.json") if args.save else None

    def sub(kind: str, path: Path, workers: int, dirs: list[str]) -> dict[str, float]:
        return run_sub(kind, path, workers, dirs, partial)

    if "parse" not in args.skip:
        rows["smiles parse only, 1 core"] = sub("parse", lib, 1, [])
    if "rules" not in args.skip:
        rows["rule filters end to end, all cores"] = sub("rules", lib, args.workers, [])
    if "qdp_triage" not in args.skip:
        rows["qdp triage defaults, into the store"] = sub("qdp_triage", lib, args.workers, [])
    if "gnn" not in args.skip:
        dirs = args.gnn_dirs or train_speed_models(work)
        rows["GNN filters only (sol+tox), 1 core"] = sub("gnn_predict", lib, 1, dirs)
        rows["GNN filters only (sol+tox), all cores"] = sub("gnn_predict", lib, args.workers, dirs)
        small = build_library(args.gnn_n, work / f"library_{args.gnn_n}.smi")
        rows["rules + GNN end to end, all cores"] = sub("rules_gnn", small, args.workers, dirs)
    if "memory" not in args.skip:
        for size in args.memory_sizes:
            path = build_library(size, work / f"library_{size}.smi")
            label = f"memory: rule filters end to end, {size:,} mol"
            rows[label] = sub("rules", path, args.workers, [])
    if args.save:
        args.save.write_text(json.dumps(rows, indent=2) + "\n")
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print_table(rows)


def print_table(rows: dict[str, dict[str, float]]) -> None:
    """Print measurement rows as a fixed-width table."""
    header = (
        f"{'measurement':40s} {'n':>7s} {'procs':>5s} {'wall s':>7s} {'mol/s':>7s} "
        f"{'mol/CPU-s':>9s} {'x procs':>7s} {'RSS MiB':>8s} {'PSS MiB':>8s} {'load':>5s}"
    )
    print(header)
    print("-" * len(header))
    for name, r in rows.items():
        peak = f"{r['peak_tree_mib']:8.0f}" if "peak_tree_mib" in r else f"{'-':>8s}"
        pss = f"{r['peak_pss_mib']:8.0f}" if "peak_pss_mib" in r else f"{'-':>8s}"
        procs = int(r.get("workers", 1))
        print(
            f"{name:40s} {int(r['n']):7d} {procs:5d} {r['wall_s']:7.1f} {r['mol_per_s']:7.0f} "
            f"{r['mol_per_cpu_s']:9.0f} {r['mol_per_cpu_s'] * procs:7.0f} {peak} {pss} "
            f"{r['load_1min']:5.1f}"
        )
    print(
        "mol/s: wall clock on this (shared) host; mol/CPU-s: per CPU-second of the process "
        "tree; 'x procs' = mol/CPU-s x processes, the rate on that many dedicated cores;\n"
        "RSS/PSS MiB: peak resident memory of the process tree (RSS counts pages shared by "
        "forked workers once per process, PSS splits them)."
    )


if __name__ == "__main__":
    main()

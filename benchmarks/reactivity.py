"""Reactivity benchmark: ΔE_add per method against measured Mayr electrophilicity E.

    python benchmarks/reactivity.py                      # 38 neutral electrophiles, table
    python benchmarks/reactivity.py --subset michael --limit 10 --json
    python benchmarks/reactivity.py --set compute_dft=false --set basis=6-31+g*

Per descriptor (VQE, CASCI, HF, DFT, GFN2-xTB ΔE_add; LUMO; ω; the file's published MAA as
the external anchor): n, failures with reasons, Spearman ρ and Pearson r² against E (signs
chosen so that + means "predicts more reactive = higher E"), and seconds per molecule. Then
Spearman within the congeneric acrylate series. Each molecule's result is cached in
``.qdp/bench_reactivity/<settings hash>/`` (failures too), so a rerun prints at once, a
long run resumes where it stopped, and ``--shard K/N`` processes can share the work.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from scipy.stats import pearsonr, spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rdkit import Chem  # noqa: E402

from pipeline.quantum.reactivity.errors import ReactivityError  # noqa: E402
from pipeline.quantum.reactivity.kernel import METHODS  # noqa: E402
from pipeline.quantum.reactivity.kernel import compute_reactivity as _compute  # noqa: E402
from pipeline.quantum.reactivity.settings import ReactivitySettings  # noqa: E402
from pipeline.store import content_hash  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "mayr_electrophilicity.csv"
MICHAEL = "michael"
VERSION = 3  # bump when a code change alters results for the same settings
# Congeneric series: one warhead (acrylate), varied substituents; names as in the data file.
ACRYLATE_SERIES = (
    "Methyl acrylate",
    "Ethyl acrylate",
    "tert-Butyl acrylate",
    "Ethyl 3-methylbut-2-enoate",
    "Ethyl (E)-but-2-enoate",
    "Ethyl cinnamate",
)


# The chemist's check (GSH-rate knowledge, not in the data file): maleimide and vinyl sulfone
# above acrylamide; alpha- or beta-methyl (methacrylamide, crotonamide) below it.
CHEMIST_CHECK = (
    ("N-methylmaleimide", "CN1C(=O)C=CC1=O", "more"),
    ("phenyl vinyl sulfone", "C=CS(=O)(=O)c1ccccc1", "more"),
    ("acrylamide", "C=CC(=O)N", "reference"),
    ("methacrylamide", "C=C(C)C(=O)N", "less"),
    ("crotonamide", "C/C=C/C(=O)N", "less"),
)


def load_rows(subset: str) -> list[dict[str, str]]:
    """Rows of the data file: ``neutral`` = no '+' in the SMILES (38), ``all`` = 80."""
    rows = list(csv.DictReader(DATA.open()))
    if subset != "all":
        rows = [r for r in rows if "+" not in r["smiles"]]
    return rows


def _settings(pairs: list[str]) -> ReactivitySettings:
    values: dict[str, object] = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        try:
            values[key] = json.loads(raw)
        except json.JSONDecodeError:
            values[key] = raw
    return ReactivitySettings(**values)


def run_one(smiles: str, settings: ReactivitySettings) -> dict[str, object]:
    start = time.perf_counter()
    try:
        result = _compute(Chem.MolFromSmiles(smiles), settings)
    except ReactivityError as exc:
        return {"error": f"{type(exc).__name__}: {exc}", "seconds": time.perf_counter() - start}
    return {
        "warhead_class": result.warhead_class,
        "mechanism": result.mechanism,
        "site": result.site,
        "delta_e_add_kcal": result.delta_e_add_kcal,
        "vqe_minus_casci_mha": result.vqe_minus_casci_mha,
        "lumo_ev": result.lumo_ev,
        "omega_ev": result.omega_ev,
        "seconds": time.perf_counter() - start,
        "heavy_atoms": Chem.MolFromSmiles(smiles).GetNumHeavyAtoms(),
    }


def descriptor_values(entry: dict[str, object], row: dict[str, str]) -> dict[str, float | None]:
    """Each descriptor signed so that larger = predicted more electrophilic."""
    out: dict[str, float | None] = {}
    delta = entry.get("delta_e_add_kcal") or {}
    for m in METHODS:
        v = delta.get(m) if isinstance(delta, dict) else None
        out[m] = None if v is None else -float(v)
    lumo = entry.get("lumo_ev")
    out["lumo"] = None if lumo is None else -float(lumo)  # type: ignore[arg-type]
    omega = entry.get("omega_ev")
    out["omega"] = None if omega is None else float(omega)  # type: ignore[arg-type]
    out["maa_published"] = float(row["maa_dG_kj_per_mol"])
    return out


def statistics(rows, cache, names) -> list[dict[str, object]]:
    table = []
    for name in names:
        xs, ys, fails, secs = [], [], [], []
        for row in rows:
            entry = cache[row["smiles"]]
            value = descriptor_values(entry, row)[name]
            if value is None:
                if entry.get("error") or name in ("vqe", "casci", "hf"):
                    fails.append(f"{row['name']}: {entry.get('error') or f'no {name}'}")
                continue  # else not computed (DFT off, ω undefined for μ ≥ 0): not counted
            xs.append(value)
            ys.append(float(row["mayr_E"]))
            if name != "maa_published":
                secs.append(float(entry["seconds"]))  # type: ignore[arg-type]
        rho = spearmanr(xs, ys)[0] if len(xs) > 2 else None
        r2 = pearsonr(xs, ys)[0] ** 2 if len(xs) > 2 else None
        table.append(
            {
                "descriptor": name,
                "n": len(xs),
                "failures": fails,
                "spearman": None if rho is None else float(rho),
                "pearson_r2": None if r2 is None else float(r2),
                "seconds_per_molecule": sum(secs) / len(secs) if secs else None,
            }
        )
    return table


def series_statistics(rows, cache, names) -> dict[str, dict[str, object]]:
    by_name = {r["name"]: r for r in rows}
    members = [by_name[n] for n in ACRYLATE_SERIES if n in by_name]
    out: dict[str, dict[str, object]] = {}
    for name in names:
        pairs = [
            (descriptor_values(cache[r["smiles"]], r)[name], float(r["mayr_E"])) for r in members
        ]
        pairs = [(x, y) for x, y in pairs if x is not None]
        rho = spearmanr([p[0] for p in pairs], [p[1] for p in pairs])[0] if len(pairs) > 2 else None
        out[name] = {"n": len(pairs), "spearman": None if rho is None else float(rho)}
    return out


def print_check(check: dict[str, dict[str, object]]) -> None:
    """ΔE_add (kcal/mol) per method of the chemist's check and whether each order holds."""
    ref = check.get("acrylamide", {}).get("delta_e_add_kcal") or {}
    print("chemist's check, ΔE_add / kcal/mol (expected vs acrylamide; ok = order right):")
    for name, _, expected in CHEMIST_CHECK:
        entry = check.get(name)
        if entry is None:
            continue
        if "error" in entry:
            print(f"  {name:<22} failed: {entry['error']}")
            continue
        delta = entry["delta_e_add_kcal"]
        cells = []
        for m in METHODS:
            v, r = delta.get(m), ref.get(m)  # type: ignore[union-attr]
            if v is None:
                continue
            ok = ""
            if expected != "reference" and r is not None:
                ok = " ok" if (v < r) == (expected == "more") else " WRONG"
            cells.append(f"{m} {v:6.1f}{ok}")
        print(f"  {name:<22} {expected:<9} " + "  ".join(cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", choices=("neutral", "michael", "all"), default="neutral")
    parser.add_argument("--limit", type=int, default=None, help="first N molecules by size")
    parser.add_argument("--set", action="append", default=[], help="a ReactivitySettings key=value")
    parser.add_argument("--no-compute", action="store_true", help="report cached results only")
    parser.add_argument(
        "--chemist-check", action="store_true", help="also the acrylamide reference check"
    )
    parser.add_argument("--shard", default="1/1", help="K/N: compute every N-th molecule from K")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    settings = _settings(args.set)
    key = content_hash({"reactivity": settings.model_dump(mode="json"), "version": VERSION})[:16]
    cache_dir = Path(".qdp") / "bench_reactivity" / key
    cache_dir.mkdir(parents=True, exist_ok=True)
    rows = load_rows("all" if args.subset == "all" else "neutral")
    rows.sort(key=lambda r: Chem.MolFromSmiles(r["smiles"]).GetNumHeavyAtoms())
    if args.limit:
        rows = rows[: args.limit]
    shard, n_shards = (int(x) for x in args.shard.split("/"))
    cache: dict[str, dict[str, object]] = {}
    for i, row in enumerate(rows):
        path = cache_dir / f"{content_hash(row['smiles'])[:20]}.json"
        if path.is_file():
            cache[row["smiles"]] = json.loads(path.read_text())
            continue
        if args.no_compute or i % n_shards != shard - 1:
            continue
        print(f"[{i + 1}/{len(rows)}] {row['name']} ...", file=sys.stderr, flush=True)
        cache[row["smiles"]] = run_one(row["smiles"], settings)
        path.write_text(json.dumps(cache[row["smiles"]], indent=1))
    check: dict[str, dict[str, object]] = {}
    if args.chemist_check:
        for name, smi, _ in CHEMIST_CHECK:
            path = cache_dir / f"{content_hash(smi)[:20]}.json"
            if not path.is_file() and not args.no_compute:
                print(f"[check] {name} ...", file=sys.stderr, flush=True)
                path.write_text(json.dumps(run_one(smi, settings), indent=1))
            if path.is_file():
                check[name] = json.loads(path.read_text())
    rows = [r for r in rows if r["smiles"] in cache]
    if args.subset == "michael":
        rows = [r for r in rows if cache[r["smiles"]].get("mechanism") == MICHAEL]
    names = [*METHODS, "lumo", "omega", "maa_published"]
    table = statistics(rows, cache, names)
    series = series_statistics(rows, cache, names)
    if args.json:
        print(
            json.dumps(
                {
                    "settings": settings.model_dump(mode="json"),
                    "subset": args.subset,
                    "table": table,
                    "acrylate_series": series,
                    "molecules": {r["smiles"]: cache[r["smiles"]] for r in rows},
                },
                indent=1,
            )
        )
        return 0
    print(f"subset {args.subset}, {len(rows)} molecules, settings hash {key}")
    print(
        f"{'descriptor':<14}{'n':>4}{'fail':>5}{'Spearman':>10}{'Pearson r2':>12}{'s/mol':>8}"
        f"{'series rho':>12}"
    )
    for t in table:
        rho = "-" if t["spearman"] is None else f"{t['spearman']:.2f}"
        r2 = "-" if t["pearson_r2"] is None else f"{t['pearson_r2']:.2f}"
        sec = "-" if t["seconds_per_molecule"] is None else f"{t['seconds_per_molecule']:.0f}"
        s = series[t["descriptor"]]
        srho = "-" if s["spearman"] is None else f"{s['spearman']:.2f} (n={s['n']})"
        print(
            f"{t['descriptor']:<14}{t['n']:>4}{len(t['failures']):>5}{rho:>10}{r2:>12}{sec:>8}"
            f"{srho:>12}"
        )
    if check:
        print_check(check)
    fails = {f for t in table if t["descriptor"] == "vqe" for f in t["failures"]}
    for f in sorted(fails):
        print(f"  failed: {f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``qdp demo``: the main job — ``qdp campaign`` with the shipped demo library and settings
(``data/demo.toml``): a covalent-warhead campaign whose quantum step is the thiolate-addition
energy ΔE_add, then the same tables the HTML report holds."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.cli.common import ConfigOption, progress_sink, settings_from

DEMO_CAMPAIGN = "demo"
DEMO_ORACLE = "reactivity"
TOP = 10


def demo(
    config: ConfigOption = None,
    library: Annotated[
        Path | None, typer.Option(help="Candidate library (default: the shipped demo library).")
    ] = None,
) -> None:
    """Run the main job: triage the demo library (warheads kept, decoys rejected), then an
    active-learning campaign on ΔE_add of thiolate addition (VQE beside CASCI, DFT, HF); print
    the results and write the HTML report."""
    from pipeline.cli.campaign import execute_campaign
    from pipeline.paths import data_file
    from pipeline.services.campaign_reports import campaign_report_inputs
    from pipeline.store import open_store

    config = config or data_file("demo.toml")
    library = library or data_file("demo_library.smi")
    settings = settings_from(config)
    r = settings.reactivity
    console = Console()
    started = time.perf_counter()
    methods = f"HF, {r.functional}" if r.compute_dft else "HF"
    console.print(
        f"[bold]qdp demo[/bold]: {escape(library.name)} → triage (warheads only) → ΔE_add of "
        f"CH3S⁻ addition ({r.geometry} geometries; {methods}, CASCI and VQE ({r.ansatz}) in "
        f"{r.basis}, solvent {r.solvent}) → {settings.surrogate.kind} surrogate → "
        f"{settings.campaign.acquisition} acquisition; engine {settings.flows.engine}; store "
        f"{escape(settings.resolved_database_url)}"
    )
    with progress_sink(settings) as progress:
        report = execute_campaign(
            settings,
            config,
            campaign_id=DEMO_CAMPAIGN,
            library=library,
            oracle=DEMO_ORACLE,
            triage=True,
            campaign_overrides={},
            surrogate_overrides={},
            say=lambda m: console.print(escape(m)),
            progress=progress,
        )
    store = open_store(settings)
    try:
        inputs = campaign_report_inputs(store, report, settings)
    finally:
        store.close()
    print_demo_results(console, report, inputs)
    console.print(f"report: {escape(report['report'])}")
    console.print(f"done in {time.perf_counter() - started:.0f} s")


def _cell(value: Any, digits: int | None) -> str:
    if value is None:
        return ""
    if digits is not None and isinstance(value, int | float):
        return f"{value:.{digits}f}"
    return escape(str(value))


def print_demo_results(console: Console, report: dict[str, Any], inputs: Any) -> None:
    """Top candidates, class order, quantum checks and rounds, from the report's inputs."""
    from pipeline.reports.campaign import report_utility

    scored = [row for row in inputs.rows if row.get("value") is not None]
    scored.sort(key=lambda row: report_utility(report, row["value"]), reverse=True)
    top = Table(
        "SMILES",
        inputs.value_label,
        *(c.title for c in inputs.columns),
        "predicted ± std",
        title=f"top candidates by {inputs.value_label}, {report['objective']}",
    )
    digits = inputs.value_digits
    for row in scored[:TOP]:
        mean, std = row.get("predicted_mean"), row.get("predicted_std")
        top.add_row(
            escape(row["smiles"]),
            _cell(row["value"], digits),
            *(_cell(row.get(c.key), c.digits) for c in inputs.columns),
            "" if mean is None else f"{mean:.{digits}f} ± {std:.{digits}f}",
        )
    console.print(top)
    by_class: dict[str, list[float]] = {}
    for row in scored:
        by_class.setdefault(str(row.get("warhead_class", "?")), []).append(row["value"])
    if len(by_class) > 1:
        order = Table(
            "warhead class",
            "computed",
            f"median {inputs.value_label}",
            title="class order (lowest median first; for ΔE_add: most reactive first)",
        )
        ranked = sorted(by_class.items(), key=lambda kv: statistics.median(kv[1]))
        for name, values in ranked:
            order.add_row(escape(name), str(len(values)), f"{statistics.median(values):.1f}")
        console.print(order)
    checks = Table(
        "SMILES",
        "species",
        "VQE / Ha",
        "CASCI / Ha",
        "VQE − CASCI / mHa",
        "≤ 1.6 mHa",
        title=f"every quantum check ({len(inputs.checks)} species)",
    )
    for c in inputs.checks:
        checks.add_row(
            escape(c["smiles"]),
            escape(c["species"]),
            f"{c['vqe_hartree']:.6f}",
            f"{c['casci_hartree']:.6f}",
            f"{c['error_mha']:.4f}",
            "yes" if abs(c["error_mha"]) <= 1.6 else "NO",
        )
    console.print(checks)
    rounds = Table(
        "round", "strategy", "chosen", "trained on", "batch RMSE", "Spearman(|err|, std)",
        title="surrogate per round (prospective, on the batch it chose)",
    )  # fmt: skip
    for r in report["rounds"]:
        m = r["metrics"]
        rounds.add_row(
            str(r["round"]),
            m["strategy"],
            str(len(r["selected"])),
            str(m["n_train"]),
            f"{m['batch_rmse']:.2f}" if "batch_rmse" in m else "",
            f"{m['batch_spearman_error_std']:.2f}" if "batch_rmse" in m else "",
        )
    console.print(rounds)
    failed = [e for e in report["evaluated"] if e["error"]]
    if failed:
        console.print(
            f"{len(failed)} oracle calls failed (recorded, not retried): "
            + "; ".join(f"{escape(e['smiles'])}: {escape(e['error'])}" for e in failed[:5])
        )
    typer.echo(
        f"campaign {report['campaign_id']}: {report['status']} ({report['stop_reason']}), "
        f"{len(report['evaluated'])} oracle calls, surrogate model version "
        f"{report['model_version']}"
    )

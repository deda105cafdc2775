"""``qdp demo``: the main job — an active-learning campaign with the VQE oracle on the
shipped demo library, with the embedded defaults (SQLite store, Prefect ephemeral mode)."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.cli.common import ConfigOption, settings_from

DEMO_CAMPAIGN = "demo"


def demo(config: ConfigOption = None) -> None:
    """Run the main job: triage the demo library, then a VQE-driven active-learning campaign
    (initial batch + 3 rounds); print results and write an HTML report."""
    from pipeline.cli.campaign import execute_campaign
    from pipeline.paths import data_file
    from pipeline.services.energies import stored_energies_for
    from pipeline.services.predictions import predict_smiles
    from pipeline.services.surrogate_models import load_registered
    from pipeline.store import open_store

    config = config or data_file("demo.toml")
    library = data_file("demo_library.smi")
    settings = settings_from(config)
    console = Console()
    started = time.perf_counter()
    console.print(
        f"[bold]qdp demo[/bold]: {library.name} → triage → VQE "
        f"({settings.quantum.ansatz}, {settings.quantum.basis}, "
        f"CAS({settings.quantum.active_electrons},{settings.quantum.active_orbitals})) "
        f"→ {settings.surrogate.kind} surrogate → {settings.campaign.acquisition} "
        f"acquisition; engine {settings.flows.engine}; store "
        f"{escape(settings.resolved_database_url)}"
    )
    report = execute_campaign(
        settings,
        config,
        campaign_id=DEMO_CAMPAIGN,
        library=library,
        oracle="vqe",
        triage=True,
        campaign_overrides={},
        surrogate_overrides={},
        say=lambda m: console.print(escape(m)),
    )
    store = open_store(settings)
    try:
        calculations = stored_energies_for(
            store, [e["smiles"] for e in report["evaluated"]], settings
        )
        predictions = {}
        if report["model_version"]:
            model = load_registered(store, report["model_version"])
            best = [e["smiles"] for e in report["best"]]
            predictions = {p.smiles: p for p in predict_smiles(model, best)}
    finally:
        store.close()
    _print_results(console, report, calculations, predictions)
    console.print(f"report: {escape(report['report'])}")
    console.print(f"done in {time.perf_counter() - started:.0f} s")


def _print_results(
    console: Console, report: dict, calculations: list[dict], predictions: dict
) -> None:
    top = Table(
        "SMILES",
        "computed ω / eV",
        "predicted ω / eV",
        title=f"top candidates ({report['target']}, maximized)",
    )
    for e in report["best"]:
        p = predictions.get(e["smiles"])
        top.add_row(
            escape(e["smiles"]),
            f"{e['value']:.3f}",
            f"{p.mean:.3f} ± {p.std:.3f}" if p and p.mean is not None else "",
        )
    console.print(top)
    vqe = Table(
        "SMILES",
        "VQE / Ha",
        "CASCI / Ha",
        "VQE − CASCI / mHa",
        "≤ 1.6 mHa",
        title=f"every quantum calculation ({len(calculations)})",
    )
    for c in calculations:
        vqe.add_row(
            escape(c["smiles"]),
            f"{c['energy_hartree']:.6f}",
            f"{c['reference_energy_hartree']:.6f}",
            f"{c['error_mha']:.4f}",
            "yes" if c.get("matches_casci", c.get("chemical_accuracy")) else "NO",
        )
    console.print(vqe)
    rounds = Table(
        "round",
        "strategy",
        "chosen",
        "trained on",
        "batch RMSE / eV",
        "Spearman(|err|, std)",
        title="surrogate per round (prospective, on the batch)",
    )
    for r in report["rounds"]:
        m = r["metrics"]
        rounds.add_row(
            str(r["round"]),
            m["strategy"],
            str(len(r["selected"])),
            str(m["n_train"]),
            f"{m['batch_rmse']:.3f}" if "batch_rmse" in m else "",
            f"{m['batch_spearman_error_std']:.2f}" if "batch_rmse" in m else "",
        )
    console.print(rounds)
    failed = [e for e in report["evaluated"] if e["error"]]
    if failed:
        console.print(
            f"{len(failed)} oracle calls failed (recorded): "
            + escape("; ".join(f"{e['smiles']}: {e['error']}" for e in failed[:5]))
        )
    typer.echo(
        f"campaign {report['campaign_id']}: {report['status']} ({report['stop_reason']}), "
        f"{len(report['evaluated'])} oracle calls, surrogate model version "
        f"{report['model_version']}"
    )

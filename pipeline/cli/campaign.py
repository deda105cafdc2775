"""``qdp campaign``: run or resume an active-learning campaign."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from pipeline.cli.common import ConfigOption, JsonOption, print_json, settings_from
from pipeline.store import open_store

DEFAULT_LIBRARY = Path(__file__).resolve().parents[2] / "data" / "demo_library.smi"


def campaign(
    library: Annotated[
        Path, typer.Option(help="Candidate library (SMILES/CSV/SDF).")
    ] = DEFAULT_LIBRARY,
    oracle: Annotated[str, typer.Option(help="'vqe' or 'lookup:FILE.csv'.")] = "vqe",
    target: Annotated[
        str | None, typer.Option(help="Property to optimise [campaign.target].")
    ] = None,
    maximize: Annotated[
        bool | None, typer.Option("--maximize/--minimize", help="Direction [campaign.maximize].")
    ] = None,
    surrogate: Annotated[
        Literal["dmpnn", "rf", "gp"] | None, typer.Option(help="Surrogate model [surrogate.kind].")
    ] = None,
    acquisition: Annotated[
        Literal["greedy", "ucb", "ei", "pi", "thompson", "random"] | None,
        typer.Option(help="Acquisition function [campaign.acquisition]."),
    ] = None,
    init_size: Annotated[
        str | None, typer.Option(help="Initial batch: N or P% of the pool.")
    ] = None,
    batch_size: Annotated[str | None, typer.Option(help="Batch per round: N or P%.")] = None,
    rounds: Annotated[int | None, typer.Option(help="Acquisition rounds after the first.")] = None,
    budget: Annotated[int | None, typer.Option(help="Maximum oracle calls.")] = None,
    no_triage: Annotated[
        bool, typer.Option("--no-triage", help="Use every valid molecule.")
    ] = False,
    seed: Annotated[int | None, typer.Option(help="Random seed [campaign.seed].")] = None,
    resume: Annotated[str | None, typer.Option(help="Resume the campaign with this id.")] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run (or --resume) an active-learning campaign; every oracle result is stored at once."""
    from pipeline.services.campaigns import CampaignJob, build_pool, resolve_size, run_campaign_job

    settings = settings_from(config)
    store = open_store(settings)
    console = Console(stderr=True)
    say = (lambda _m: None) if as_json else console.print
    try:
        job = None
        if resume is None:
            pool = build_pool(library, settings, store, triage=not no_triage)
            say(
                f"pool: {len(pool)} molecules from {library.name}"
                + ("" if no_triage else " after triage")
            )
            overrides = {
                "target": target,
                "maximize": maximize,
                "acquisition": acquisition,
                "rounds": rounds,
                "budget": budget,
                "seed": seed,
                "init_size": init_size and resolve_size(init_size, len(pool), "--init-size"),
                "batch_size": batch_size and resolve_size(batch_size, len(pool), "--batch-size"),
            }
            campaign_settings = settings.campaign.model_validate(
                {
                    **settings.campaign.model_dump(),
                    **{k: v for k, v in overrides.items() if v is not None},
                }
            )
            surrogate_settings = settings.surrogate.model_validate(
                {**settings.surrogate.model_dump(), **({"kind": surrogate} if surrogate else {})}
            )
            job = CampaignJob(
                library=str(library.resolve()),
                oracle=oracle,
                triage=not no_triage,
                pool=tuple(pool),
                campaign=campaign_settings,
                surrogate=surrogate_settings,
            )
        report = run_campaign_job(settings, store, job=job, resume_id=resume, on_event=say)
    finally:
        store.close()
    if as_json:
        print_json(report)
        return
    _print_report(report)


def _print_report(report: dict) -> None:
    console = Console()
    console.print(
        f"campaign [bold]{report['campaign_id']}[/bold]: {report['status']} "
        f"({report['stop_reason']}); {len(report['evaluated'])} oracle calls"
    )
    rounds = Table("round", "strategy", "chosen", "n_train", "batch RMSE", "best value")
    for r in report["rounds"]:
        values = [v for v in r["values"] if v is not None]
        best = (max(values) if report["maximize"] else min(values)) if values else None
        rmse = r["metrics"].get("batch_rmse")
        rounds.add_row(
            str(r["round"]),
            r["metrics"]["strategy"],
            str(len(r["selected"])),
            str(r["metrics"]["n_train"]),
            "" if rmse is None else f"{rmse:.3f}",
            "" if best is None else f"{best:.4f}",
        )
    console.print(rounds)
    top = Table("SMILES", report["target"], title="best found")
    for e in report["best"]:
        top.add_row(e["smiles"], f"{e['value']:.4f}")
    console.print(top)
    if report["model_version"]:
        console.print(
            f"surrogate model version {report['model_version']} stored; "
            f"query it with `qdp predict SMILES`"
        )

"""``qdp campaign``: run or resume an active-learning campaign.

:func:`execute_campaign` is shared with ``qdp demo``: both call the one campaign driver,
``pipeline.services.campaigns.run_campaign_job``, here in this process (``[flows] engine =
"local"``) or through the Prefect flow ``campaign_flow`` (``engine = "prefect"``), which the
CLI finds through the ``qdp.flows`` entry point instead of importing ``flows/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.cli.common import (
    ConfigOption,
    JsonOption,
    print_json,
    progress_sink,
    settings_from,
)
from pipeline.cli.plugins import load_entry_point
from pipeline.config import Settings
from pipeline.progress import ProgressSink
from pipeline.store import open_store


def execute_campaign(
    settings: Settings,
    config: Path | None,
    *,
    campaign_id: str | None,
    library: Path,
    oracle: str,
    triage: bool,
    campaign_overrides: dict[str, Any],
    surrogate_overrides: dict[str, Any],
    say: Any,
    progress: ProgressSink | None = None,
) -> dict[str, Any]:
    """Run or resume the campaign with the engine of ``settings.flows.engine``; ``progress``
    shows the triage and the oracle calls here (the Prefect flow logs its own)."""
    if settings.flows.engine == "prefect":
        run_flow = load_entry_point("qdp.flows", "campaign")
        return run_flow(
            config=None if config is None else str(config),
            campaign_id=campaign_id,
            library=str(library),
            oracle=oracle,
            triage=triage,
            campaign=campaign_overrides,
            surrogate=surrogate_overrides,
        )
    from pipeline.services.campaigns import new_job_unless_stored, run_campaign_job

    store = open_store(settings)
    try:
        job = new_job_unless_stored(
            settings,
            store,
            campaign_id,
            library=library,
            oracle=oracle,
            triage=triage,
            campaign_overrides=campaign_overrides,
            surrogate_overrides=surrogate_overrides,
            progress=progress,
        )
        if job is not None:
            say(f"pool: {len(job.pool)} molecules from {library.name}" + (" after triage" * triage))
        return run_campaign_job(
            settings, store, job=job, campaign_id=campaign_id, on_event=say, progress=progress
        )
    finally:
        store.close()


def campaign(
    library: Annotated[
        Path | None, typer.Option(help="Candidate library (SMILES/CSV/SDF); default: the demo's.")
    ] = None,
    oracle: Annotated[str, typer.Option(help="'reactivity', 'vqe' or 'lookup:FILE.csv'.")] = "vqe",
    target: Annotated[
        str | None, typer.Option(help="Property to optimise (campaign.target).")
    ] = None,
    maximize: Annotated[
        bool | None, typer.Option("--maximize/--minimize", help="Direction (campaign.maximize).")
    ] = None,
    target_window: Annotated[
        str | None,
        typer.Option(help="Seek values in LOW,HIGH instead (campaign.target_window)."),
    ] = None,
    surrogate: Annotated[
        Literal["dmpnn", "rf", "gp"] | None, typer.Option(help="Surrogate model (surrogate.kind).")
    ] = None,
    acquisition: Annotated[
        Literal["greedy", "ucb", "ei", "pi", "thompson", "random"] | None,
        typer.Option(help="Acquisition function (campaign.acquisition)."),
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
    seed: Annotated[int | None, typer.Option(help="Random seed (campaign.seed).")] = None,
    resume: Annotated[
        str | None, typer.Option(help="Resume the stored campaign with this id.")
    ] = None,
    campaign_id: Annotated[
        str | None, typer.Option("--id", help="Create this campaign, or resume it if stored.")
    ] = None,
    engine: Annotated[
        Literal["local", "prefect"] | None,
        typer.Option(help="Run here or as the Prefect flow (flows.engine)."),
    ] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run (or --resume) an active-learning campaign; every oracle result is stored at once."""
    from pipeline.services.campaigns import CampaignNotFoundError

    settings = settings_from(config)
    if engine is not None:
        settings = settings.model_copy(
            update={"flows": settings.flows.model_copy(update={"engine": engine})}
        )
    console = Console(stderr=True)
    say = (lambda _m: None) if as_json else (lambda m: console.print(escape(m)))
    from pipeline.paths import data_file

    if resume is not None:
        store = open_store(settings)
        try:
            if store.get_campaign(resume) is None:
                raise CampaignNotFoundError(f"no campaign {resume!r} in the store")
        finally:
            store.close()
    with progress_sink(settings, as_json=as_json) as progress:
        report = execute_campaign(
            settings,
            config,
            campaign_id=resume or campaign_id,
            library=library or data_file("demo_library.smi"),
            oracle=oracle,
            triage=not no_triage,
            campaign_overrides={
                "target": target,
                "maximize": maximize,
                "acquisition": acquisition,
                "rounds": rounds,
                "budget": budget,
                "seed": seed,
                "init_size": init_size,
                "batch_size": batch_size,
                "target_window": _window(target_window),
            },
            surrogate_overrides={"kind": surrogate} if surrogate else {},
            say=say,
            progress=progress,
        )
    if as_json:
        print_json(report)
        return
    print_campaign_report(report)


def _window(text: str | None) -> tuple[float, float] | None:
    """``"LOW,HIGH"`` → ``(low, high)``."""
    if text is None:
        return None
    from pipeline.errors import SettingsError

    try:
        low, high = (float(x) for x in text.split(","))
    except ValueError:
        raise SettingsError(f"invalid --target-window {text!r}: allowed LOW,HIGH") from None
    return low, high


def print_campaign_report(report: dict[str, Any]) -> None:
    """The per-round table and the best molecules found, on stdout."""
    from pipeline.reports.campaign import report_utility

    console = Console()
    console.print(
        f"campaign [bold]{escape(report['campaign_id'])}[/bold]: {report['status']} "
        f"({report['stop_reason']}); {len(report['evaluated'])} oracle calls; "
        f"{escape(report['target'])} {report['objective']}"
    )
    rounds = Table("round", "strategy", "chosen", "n_train", "batch RMSE", "best value")
    for r in report["rounds"]:
        values = [v for v in r["values"] if v is not None]
        best = max(values, key=lambda v: report_utility(report, v)) if values else None
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
    top = Table("SMILES", escape(report["target"]), title="best found")
    for e in report["best"]:
        top.add_row(escape(e["smiles"]), f"{e['value']:.4f}")
    console.print(top)
    if report["model_version"]:
        console.print(
            f"surrogate model version {report['model_version']} stored; "
            f"query it with `qdp predict SMILES`"
        )
    console.print(f"report: {escape(report['report'])}")

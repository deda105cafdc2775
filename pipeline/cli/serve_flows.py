"""``qdp serve-flows``: serve the scheduled deployments of prefect.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.plugins import load_entry_point


def serve_flows(
    file: Annotated[
        Path | None, typer.Option("--file", help="Deployment file (default: the shipped one).")
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Serve just this deployment (repeatable).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Most flow runs at once.")] = None,
) -> None:
    """Serve the scheduled Prefect deployments (campaign round, retrain, inbox triage)."""
    from pipeline.paths import shipped_file

    serve = load_entry_point("qdp.flows", "serve")
    serve(file or shipped_file("prefect.yaml"), only, limit)

"""``qdp serve-flows``: serve the scheduled deployments of prefect.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def serve_flows(
    file: Annotated[
        Path | None, typer.Option("--file", help="Deployment file (default: prefect.yaml).")
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Serve just this deployment (repeatable).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Most flow runs at once.")] = None,
) -> None:
    """Serve the scheduled Prefect deployments (campaign round, retrain, inbox triage)."""
    from flows.deployments import DEFAULT_PREFECT_YAML, serve_deployments

    serve_deployments(file or DEFAULT_PREFECT_YAML, only, limit)

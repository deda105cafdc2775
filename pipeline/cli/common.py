"""Pieces every ``qdp`` command shares: the ``--config`` option and settings loading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.config import Settings, load_settings

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="TOML settings file (default: $QDP_CONFIG or ./qdp.toml)."),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON object instead of tables.")
]


def settings_from(config: Path | None) -> Settings:
    """Load the validated settings; a bad value raises ``SettingsError`` (exit code 2)."""
    return load_settings(config)


def print_json(payload: Any) -> None:
    """Print ``payload`` as one JSON document on stdout."""
    typer.echo(json.dumps(payload, indent=2, default=str))

"""Pieces every ``qdp`` command shares: the ``--config`` option and settings loading."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.config import Settings, load_settings
from pipeline.progress import LogProgress, ProgressSink, TerminalProgress

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


@contextmanager
def progress_sink(settings: Settings, *, as_json: bool = False) -> Iterator[ProgressSink]:
    """Where a command shows the progress of its long jobs: rich bars when stderr is a
    terminal (and not ``--json``), else a log line on stderr at most every
    ``progress_interval_seconds`` and at the end of each job (pipes, files, CI)."""
    if sys.stderr.isatty() and not as_json:
        with TerminalProgress() as bars:
            yield bars
    else:
        yield LogProgress(settings.progress_interval_seconds)

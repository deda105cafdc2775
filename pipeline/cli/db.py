"""``qdp db``: inspect the store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.cli.common import ConfigOption, JsonOption, print_json, settings_from
from pipeline.store import open_store

app = typer.Typer(
    help="Inspect the store (SQLite by default, PostgreSQL by URL).", no_args_is_help=True
)


@app.command("status")
def status(
    config: ConfigOption = None,
    as_json: JsonOption = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="First check the database for damage (SQLite quick_check); exit 1 if damaged.",
        ),
    ] = False,
) -> None:
    """Print the backend, the schema version and the row count of every table."""
    store = open_store(settings_from(config))
    try:
        if check:
            store.check_integrity()
        report = store.status()
    finally:
        store.close()
    if as_json:
        print_json({**report.__dict__, **({"integrity": "ok"} if check else {})})
        return
    console = Console()
    console.print(f"backend: [bold]{report.backend}[/bold]  ({escape(report.url)})")
    up_to_date = "up to date" if report.schema_revision == report.head_revision else "OUTDATED"
    console.print(f"schema:  {report.schema_revision} (head {report.head_revision}, {up_to_date})")
    table = Table("table", "rows")
    for name, count in sorted(report.row_counts.items()):
        table.add_row(name, str(count))
    console.print(table)
    if check:
        console.print("integrity: ok")

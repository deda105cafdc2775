"""``qdp triage``: triage a library file and store every outcome."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from molecules.errors import ReadStoppedError
from pipeline.cli.common import (
    ConfigOption,
    JsonOption,
    print_json,
    progress_sink,
    settings_from,
)
from pipeline.errors import InputFileError
from pipeline.store import open_store


def triage(
    file: Annotated[
        Path, typer.Argument(help="SMILES (.smi), CSV or SDF library, optionally .gz.")
    ],
    config: ConfigOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write passed molecules to CSV.")
    ] = None,
    all_reasons: Annotated[
        bool, typer.Option("--all-reasons", help="Run every filter; record every failing rule.")
    ] = False,
    smiles_column: Annotated[
        str | None, typer.Option("--smiles-column", help="CSV column holding SMILES.")
    ] = None,
    conformers: Annotated[
        bool,
        typer.Option(
            "--conformers/--no-conformers",
            help="Also embed a 3D conformer for every passed molecule now (default: later, "
            "when a 3D step such as a quantum calculation first needs one).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Triage a library: standardize, identify, rule and GNN filters; store every reason."""
    from molecules.results import TriageSummary
    from pipeline.services.triage import rejects_csv_path, run_triage

    if out is not None and not out.parent.is_dir():
        raise InputFileError(f"--out {out}: folder {out.parent} does not exist")
    settings = settings_from(config)
    store = open_store(settings)
    warheads: Counter[str] = Counter()  # warhead class of the first warhead of passed molecules
    stopped: ReadStoppedError | None = None

    def count_warheads(chunk):  # type: ignore[no-untyped-def]
        warheads.update(
            str(r.descriptors.get("warhead_class", "none")) for r in chunk.results if r.passed
        )

    try:
        with progress_sink(settings, as_json=as_json) as progress:
            try:
                summary = run_triage(
                    file,
                    settings,
                    store,
                    all_reasons=all_reasons,
                    out_csv=out,
                    smiles_column=smiles_column,
                    progress=progress,
                    on_chunk=count_warheads,
                    with_conformers=conformers,
                )
            except ReadStoppedError as exc:
                if not isinstance(exc.summary, TriageSummary):
                    raise
                stopped, summary = exc, exc.summary
    finally:
        store.close()
    report = asdict(summary)
    report["passed_by_warhead_class"] = dict(warheads.most_common())
    n_rejects = summary.n_input - summary.n_valid  # records that gave no molecule
    report["rejects"] = {
        "count": n_rejects + summary.skipped_by_reason.get("malformed_row", 0),
        "store_table": "triage_rejects",
        "source": file.name,
        "csv": str(rejects_csv_path(out)) if out else None,
    }
    if stopped is not None:
        report["stopped_at_line"] = stopped.line
        report["error"] = str(stopped)
    if as_json:
        print_json(report)
    else:
        _print_summary(report, out)
    if stopped is not None:
        raise stopped  # after the summary: one line, exit 2


def _print_summary(report: dict, out: Path | None) -> None:
    console = Console()
    table = Table("count", "value", title="triage")
    for key in ("n_input", "n_valid", "n_unique", "n_passed"):
        table.add_row(key, f"{report[key]:,}")
    table.add_row("wall_seconds", f"{report['wall_seconds']:.1f}")
    table.add_row("molecules_per_second", f"{report['molecules_per_second']:,.0f}")
    console.print(table)
    reasons = Table("rejected because", "molecules")
    for reason, count in sorted(report["rejected_by_reason"].items(), key=lambda kv: -kv[1]):
        reasons.add_row(escape(reason), f"{count:,}")
    console.print(reasons)
    if report["passed_by_warhead_class"]:
        classes = Table("warhead class (passed)", "molecules")
        for name, count in report["passed_by_warhead_class"].items():
            classes.add_row(name, f"{count:,}")
        console.print(classes)
    rejects = report["rejects"]
    if rejects["count"]:
        where = f"store table triage_rejects (source {rejects['source']})"
        if rejects["csv"]:
            where += f" and {rejects['csv']}"
        console.print(
            escape(f"{rejects['count']:,} entries gave no molecule: line and reason in {where}")
        )
    if out:
        console.print(f"passed molecules written to {escape(str(out))}")

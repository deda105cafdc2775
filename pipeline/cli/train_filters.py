"""``qdp train-filters``: train the DeepChem DMPNN solubility and toxicity filters."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipeline.cli.common import (
    ConfigOption,
    JsonOption,
    print_json,
    progress_sink,
    settings_from,
)
from pipeline.errors import QdpError
from pipeline.store import open_store


class QualityBarError(QdpError):
    """A trained filter missed its quality bar: stored, not used by triage (exit 1)."""


def train_filters(
    config: ConfigOption = None,
    only: Annotated[
        str | None, typer.Option("--only", help="Train just 'solubility' or 'toxicity'.")
    ] = None,
    epochs: Annotated[
        int | None, typer.Option("--epochs", help="Override the epoch count.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Train the GNN triage filters (ESOL solubility, Tox21 toxicity) and store them.

    A filter below its quality bar is stored but not used by triage; the command then exits 1.
    """
    from molecules.gnn.train import DEFAULT_EPOCHS
    from pipeline.errors import SettingsError
    from pipeline.services.filters import QUALITY_BARS, train_filter

    settings = settings_from(config)
    targets = ["solubility", "toxicity"] if only is None else [only]
    if only not in (None, "solubility", "toxicity"):
        raise SettingsError(f"invalid --only {only!r}: allowed 'solubility' or 'toxicity'")
    training = settings.gnn_training
    if epochs is not None:
        training = training.model_copy(update={"epochs": epochs})
    store = open_store(settings)
    console = Console(stderr=True)
    results = {}
    try:
        with progress_sink(settings, as_json=as_json) as progress:
            for target in targets:
                console.print(
                    f"training the {target} filter "
                    f"({training.epochs or DEFAULT_EPOCHS[target]} epochs, seed {training.seed}) …"
                )
                trained = train_filter(store, target, settings.models_dir, training, progress)
                metric, bar, sense = QUALITY_BARS[target]
                results[target] = {
                    "model_id": trained.record.id,
                    **trained.report.metrics,
                    "n_train": trained.report.n_train,
                    "wall_seconds": trained.report.wall_seconds,
                    "quality_bar": f"{metric} {sense} {bar}",
                    "meets_bar": trained.accepted,
                    "gate": trained.record.metrics.get("gate"),
                    "path": trained.record.path,
                }
    finally:
        store.close()
    if as_json:
        print_json(results)
    else:
        _print_table(results)
    missed = [
        f"{t} (model {r['model_id']}: {r['gate']})"
        for t, r in results.items()
        if not r["meets_bar"]
    ]
    if missed:
        raise QualityBarError(
            f"below the quality bar, stored but not used by triage: {'; '.join(missed)}"
        )


def _print_table(results: dict) -> None:
    from pipeline.services.filters import QUALITY_BARS

    table = Table("filter", "model id", "metric", "value", "bar", "ok", "train s")
    for target, row in results.items():
        metric, bar, sense = QUALITY_BARS[target]
        table.add_row(
            target,
            str(row["model_id"]),
            metric,
            f"{row[metric]:.3f}",
            f"{sense} {bar}",
            "yes" if row["meets_bar"] else "NO",
            f"{row['wall_seconds']:.0f}",
        )
    Console().print(table)

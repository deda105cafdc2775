"""``qdp predict``: surrogate predictions for SMILES from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.cli.common import ConfigOption, JsonOption, print_json, settings_from
from pipeline.errors import InputFileError
from pipeline.store import open_store


def _read_smiles(path: Path) -> list[str]:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError as exc:
        raise InputFileError(f"{path}: {exc.strerror}") from None
    return [line.split()[0] for line in lines if line.strip() and not line.startswith("#")]


def predict(
    smiles: Annotated[list[str] | None, typer.Argument(help="SMILES to predict.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="File with one SMILES per line.")
    ] = None,
    model: Annotated[int | None, typer.Option("--model", help="Model version (id).")] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Predict with a surrogate: mean, std, model version, and a far-from-training flag."""
    from pipeline.services.predictions import predict_smiles
    from pipeline.services.surrogate_models import load_registered

    queries = list(smiles or []) + (_read_smiles(file) if file else [])
    if not queries:
        raise InputFileError("give SMILES as arguments or --file FILE")
    settings = settings_from(config)
    store = open_store(settings)
    try:
        surrogate = load_registered(store, model, models_dir=settings.models_dir)
    finally:
        store.close()
    items = predict_smiles(
        surrogate,
        queries,
        max_length=settings.triage.max_smiles_length,
        workers=settings.predict.resolved_workers,
    )
    if as_json:
        print_json(
            {
                "model_version": surrogate.record.id,
                "target": surrogate.record.target,
                "kind": surrogate.record.kind,
                "items": [i.to_dict() for i in items],
            }
        )
        return
    table = Table(
        "SMILES",
        f"{surrogate.record.target} mean",
        "std",
        "nearest Tanimoto",
        "note",
        title=f"model {surrogate.record.id} ({surrogate.record.kind}, "
        f"{surrogate.record.n_train} training molecules)",
    )
    for item in items:
        if item.error:
            table.add_row(escape(item.smiles), "", "", "", escape(item.error))
            continue
        note = "far from training data" if item.novel else ""
        table.add_row(
            escape(item.smiles),
            f"{item.mean:.3f}",
            f"{item.std:.3f}",
            f"{item.nearest_tanimoto:.2f}",
            note,
        )
    Console().print(table)

"""Triage a library file into the store: molecules, conformers, per-molecule outcomes."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from molecules.errors import ReadStoppedError
from molecules.executors import Executor
from molecules.io import estimate_records
from molecules.results import MoleculeResult, TriageChunk, TriageSummary
from molecules.triage import triage_library
from pipeline.config import Settings
from pipeline.progress import ProgressSink, ProgressTracker, no_progress
from pipeline.services.filters import load_filter_predictor
from pipeline.services.shipped_filters import register_shipped_filters
from pipeline.store import Store, content_hash


def triage_settings_hash(
    settings: Settings, *, all_reasons: bool, model_ids: dict[str, int]
) -> str:
    """Content key of a triage outcome: thresholds, reason mode and the GNN model versions."""
    return content_hash(
        {
            "triage": settings.triage.model_dump(mode="json"),
            "all_reasons": all_reasons,
            "models": model_ids,
        }
    )


def _db_text(text: str) -> str:
    """Text a database column can hold: NUL (refused by PostgreSQL) becomes U+FFFD."""
    return text.replace("\x00", "\ufffd")


def molecule_rows(results: tuple[MoleculeResult, ...], source: str) -> list[dict[str, Any]]:
    """Store rows for the valid, first-seen molecules of a chunk (conformer when embedded)."""
    rows = []
    for result in results:
        if result.inchikey is None or "duplicate" in result.reasons:
            continue
        conformer = result.conformer
        rows.append(
            {
                "inchikey": result.inchikey,
                "smiles": result.smiles,
                "name": _db_text("; ".join(result.names)) or None,
                "source": source,
                "conformer_molblock": conformer.molblock if conformer else None,
                "conformer_energy_kcal": conformer.energy_kcal_per_mol if conformer else None,
            }
        )
    return rows


def triage_rows(results: tuple[MoleculeResult, ...], settings_hash: str) -> list[dict[str, Any]]:
    """Store rows of the triage outcome of every valid, first-seen molecule of a chunk."""
    return [
        {
            "inchikey": r.inchikey,
            "settings_hash": settings_hash,
            "passed": r.passed,
            "reasons": list(r.reasons),
            "descriptors": {
                **r.descriptors,
                **r.predictions,
                **({"conformer_error": r.conformer_error} if r.conformer_error else {}),
            },
        }
        for r in results
        if r.inchikey is not None and "duplicate" not in r.reasons
    ]


def repeat_names(results: tuple[MoleculeResult, ...]) -> dict[str, list[str]]:
    """Names carried by the repeats (``duplicate``) of a chunk, by InChIKey."""
    names: dict[str, list[str]] = {}
    for r in results:
        if r.inchikey is not None and r.names and "duplicate" in r.reasons:
            names.setdefault(r.inchikey, []).extend(_db_text(n) for n in r.names)
    return names


def reject_rows(chunk: TriageChunk, source: str) -> list[dict[str, Any]]:
    """Store rows of the chunk's entries that gave no molecule: invalid records (their
    reasons, ``","``-joined) and malformed CSV rows, each with its line."""
    rows = [
        {
            "source": source,
            "line": r.source,
            "input_text": _db_text(r.input_text),
            "reason": ",".join(r.reasons),
        }
        for r in chunk.results
        if r.inchikey is None
    ]
    rows += [
        {"source": source, "line": line, "input_text": "", "reason": reason}
        for line, reason in chunk.skipped
        if reason == "malformed_row"
    ]
    return sorted(rows, key=lambda row: row["line"])


def store_chunk(store: Store, chunk: TriageChunk, settings_hash: str, source: str) -> None:
    """Write one chunk's molecules, outcomes and rejected entries in one transaction
    (idempotent: re-running changes nothing).

    Repeats of a molecule first met in an earlier chunk add their names to its record; a
    molecule met before in another file keeps its names and gains this file in ``sources``.
    """
    store.store_triage_chunk(
        molecule_rows(chunk.results, source),
        repeat_names(chunk.results),
        triage_rows(chunk.results, settings_hash),
        reject_rows(chunk, source),
    )


def rejects_csv_path(out_csv: Path) -> Path:
    """Where ``--out passed.csv`` puts the rejected entries: ``passed.rejects.csv``."""
    return out_csv.with_name(f"{out_csv.stem}.rejects.csv")


_PASSED_COLUMNS = [
    "inchikey", "smiles", "name", "warhead_class", "log_solubility", "qed", "sa_score", "mw",
]  # fmt: skip


def _passed_row(result: MoleculeResult) -> list[Any]:
    values = {**result.descriptors, **result.predictions}
    return [
        result.inchikey,
        result.smiles,
        "; ".join(result.names),
        *(values.get(c, "") for c in _PASSED_COLUMNS[3:]),
    ]


def run_triage(
    path: Path,
    settings: Settings,
    store: Store,
    *,
    all_reasons: bool = False,
    out_csv: Path | None = None,
    smiles_column: str | None = None,
    progress: ProgressSink | None = None,
    on_chunk: Callable[[TriageChunk], None] | None = None,
    with_conformers: bool = False,
    executor: Executor | None = None,
) -> TriageSummary:
    """Triage ``path`` chunk by chunk, storing every chunk as soon as it is done.

    GNN filters use the newest trained models in the store (hash-verified); when none has
    been trained the GNN filters are skipped with a warning. With
    ``with_conformers`` the molecules that pass also get a 3D conformer now (tens of ms per
    molecule); by default they get one when a 3D step first needs it (the quantum step).
    ``out_csv`` receives the passed molecules and :func:`rejects_csv_path` beside it the
    entries that gave no molecule (also stored, table ``triage_rejects``); ``on_chunk`` sees
    every stored chunk (e.g. to collect the passed SMILES as a campaign pool); ``executor``
    runs the chunks (default: ``triage.n_workers`` processes; the flows pass Prefect tasks);
    ``progress`` sees a tracker of the molecules read against
    :func:`molecules.io.estimate_records`.

    Returns:
        The run's summary (counts, reasons, throughput).

    Raises:
        ReadStoppedError: reading stopped at a corrupt or truncated part of the file;
            everything read before it is stored, ``summary`` holds the counts.
    """
    triage = settings.triage
    if triage.shipped_filters and (triage.solubility_filter or triage.toxicity_filter):
        register_shipped_filters(store, settings.models_dir)
    gnn, model_ids = load_filter_predictor(
        store,
        solubility=triage.solubility_filter,
        toxicity=triage.toxicity_filter,
        models_dir=settings.models_dir,
    )
    settings_hash = triage_settings_hash(settings, all_reasons=all_reasons, model_ids=model_ids)
    writer = rejects = None
    handle = out_csv.open("w", newline="") if out_csv else None
    rejects_handle = rejects_csv_path(out_csv).open("w", newline="") if out_csv else None
    if handle and rejects_handle:
        writer = csv.writer(handle)
        writer.writerow(_PASSED_COLUMNS)
        rejects = csv.writer(rejects_handle)
        rejects.writerow(["source", "line", "input_text", "reason"])
    source = Path(path).name
    summary: TriageSummary | None = None
    show = progress or no_progress
    tracker = ProgressTracker("triage", "mol", estimate_records(path) if progress else None)

    def step(running: TriageSummary) -> None:
        tracker.update(running.n_input)
        show(tracker)

    try:
        for chunk in triage_library(
            path,
            triage,
            all_reasons=all_reasons,
            gnn=gnn,
            with_conformers=with_conformers,
            smiles_column=smiles_column,
            progress=step,
            executor=executor,
        ):
            store_chunk(store, chunk, settings_hash, source=source)
            if writer and rejects:
                writer.writerows(_passed_row(r) for r in chunk.results if r.passed)
                rejects.writerows(
                    [row["source"], row["line"], row["input_text"], row["reason"]]
                    for row in reject_rows(chunk, source)
                )
            if on_chunk:
                on_chunk(chunk)
            summary = chunk.summary
    except ReadStoppedError:
        tracker.finish(complete=False)  # the line of what was read before the fault
        show(tracker)
        raise
    finally:
        for opened in (handle, rejects_handle):
            if opened:
                opened.close()
    assert summary is not None, "triage_library yields at least one chunk"
    tracker.finish()
    show(tracker)
    return summary

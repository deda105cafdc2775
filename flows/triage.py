"""``triage_flow``: triage a library file in chunk tasks and store every outcome.

A Prefect task costs a few milliseconds, so molecules are triaged in chunks
(``triage.chunk_size`` records per task), with at most two chunks per worker in flight so
memory stays flat in library size. Chunks are stored as they finish; duplicates across
chunks are marked in input order, exactly as ``qdp triage`` does.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import asdict
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.futures import PrefectFuture

from flows.runners import make_task_runner
from flows.settings_param import SettingsRef
from molecules.gnn.predict import GNNPredictor
from molecules.io import RawRecord, iter_record_chunks, read_library
from molecules.results import MoleculeResult, SummaryCounter, TriageChunk
from molecules.settings import TriageSettings
from molecules.triage import mark_duplicates, triage_records
from pipeline.services.filters import load_filter_predictor
from pipeline.services.triage import store_chunk, triage_settings_hash
from pipeline.store import open_store


@task(name="triage-chunk", task_run_name="triage-chunk-{index}")
def triage_chunk(
    index: int,
    records: list[RawRecord],
    settings: TriageSettings,
    all_reasons: bool,
    gnn: GNNPredictor | None,
) -> list[MoleculeResult]:
    """Rule filters, GNN filters and conformers for one chunk of records."""
    return triage_records(records, settings, all_reasons=all_reasons, gnn=gnn, with_conformers=True)


@flow(name="triage", log_prints=False)
def triage_flow(
    library: str,
    settings_ref: SettingsRef | None = None,
    all_reasons: bool = False,
    collect_passed: bool = False,
) -> dict[str, Any]:
    """Triage ``library`` (SMILES/CSV/SDF, optionally .gz) into the store; returns the summary
    (with ``passed_smiles``, the distinct passed molecules, when ``collect_passed``)."""
    logger = get_run_logger()
    settings = (settings_ref or SettingsRef()).load()
    store = open_store(settings)
    gnn, model_ids = load_filter_predictor(
        store,
        solubility=settings.triage.solubility_filter,
        toxicity=settings.triage.toxicity_filter,
    )
    settings_hash = triage_settings_hash(settings, all_reasons=all_reasons, model_ids=model_ids)
    counter, seen = SummaryCounter(), set[str]()
    passed: list[str] = []
    start = time.perf_counter()
    window = 2 * settings.flows.max_workers
    in_flight: deque[PrefectFuture] = deque()

    def finish_oldest() -> None:
        future = in_flight.popleft()
        results = mark_duplicates(future.result(), seen)
        for result in results:
            counter.add(result)
            if collect_passed and result.passed and result.smiles:
                passed.append(result.smiles)
        summary = counter.snapshot(time.perf_counter() - start)
        store_chunk(
            store, TriageChunk(0, tuple(results), summary), settings_hash, source=Path(library).name
        )
        logger.info("triage: %d read, %d passed", summary.n_input, summary.n_passed)

    records = read_library(library)
    for index, chunk in enumerate(iter_record_chunks(records, settings.triage.chunk_size)):
        in_flight.append(triage_chunk.submit(index, chunk, settings.triage, all_reasons, gnn))
        if len(in_flight) >= window:
            finish_oldest()
    while in_flight:
        finish_oldest()
    summary = asdict(counter.snapshot(time.perf_counter() - start))
    if collect_passed:
        summary["passed_smiles"] = passed
    store.close()
    reasons = "\n".join(f"| {k} | {v} |" for k, v in sorted(summary["rejected_by_reason"].items()))
    create_markdown_artifact(
        key="triage-summary",
        markdown=(
            f"# Triage of {Path(library).name}\n\n{summary['n_input']} read, "
            f"{summary['n_unique']} unique, **{summary['n_passed']} passed** in "
            f"{summary['wall_seconds']:.1f} s\n\n| rejected because | molecules |\n"
            f"|---|---|\n{reasons}\n"
        ),
        description="triage summary",
    )
    return summary


def run_triage_flow(
    library: str, settings_ref: SettingsRef | None = None, all_reasons: bool = False
) -> dict[str, Any]:
    """Run ``triage_flow`` with the task runner named in the settings."""
    settings = (settings_ref or SettingsRef()).load()
    runner = make_task_runner(settings.flows)
    return triage_flow.with_options(task_runner=runner)(library, settings_ref, all_reasons)

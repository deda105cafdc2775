"""``triage_flow``: the triage driver (``pipeline.services.triage.run_triage``) under Prefect.

Each chunk of ``triage.chunk_size`` records is one task (a task costs milliseconds, a chunk
seconds), at most two per worker in flight, on the task runner that ``[flows] task_runner``
names (built in the flow body, so a deployed run honours it as a local one does); the driver
validates the settings first, counts skipped lines, marks duplicates in input order and
stores every chunk as it finishes — exactly what ``qdp triage`` does, because it is the same
code. Progress (molecules read of the file's count, rate, ETA) goes to the run logs every
``progress_interval_seconds``.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.artifacts import artifact_key
from flows.executor import PrefectExecutor
from flows.hooks import notify_failure
from flows.runners import make_task_runner, task_timeout
from flows.settings_param import SettingsRef
from molecules.results import TriageChunk
from pipeline.progress import LogProgress
from pipeline.services.triage import run_triage
from pipeline.store import content_hash, open_store


@flow(name="triage", log_prints=False, on_failure=[notify_failure], on_crashed=[notify_failure])
def triage_flow(
    library: str,
    settings_ref: SettingsRef | None = None,
    all_reasons: bool = False,
    collect_passed: bool = False,
) -> dict[str, Any]:
    """Triage ``library`` (SMILES/CSV/SDF, optionally .gz) into the store; returns the summary
    (with ``passed_smiles``, the distinct passed molecules, when ``collect_passed``)."""
    settings = (settings_ref or SettingsRef()).load()
    passed: dict[str, None] = {}

    def on_chunk(chunk: TriageChunk) -> None:
        if collect_passed:
            passed.update((r.smiles, None) for r in chunk.results if r.passed and r.smiles)

    store = open_store(settings)
    try:
        with make_task_runner(settings.flows) as runner:
            executor = PrefectExecutor(
                "triage-chunk",
                runner,
                window=2 * settings.flows.max_workers,
                timeout_seconds=task_timeout(settings.flows),
            )
            triaged = run_triage(
                Path(library),
                settings,
                store,
                all_reasons=all_reasons,
                on_chunk=on_chunk,
                executor=executor,
                progress=LogProgress(settings.progress_interval_seconds),
            )
    finally:
        store.close()
    summary = asdict(triaged)
    if collect_passed:
        summary["passed_smiles"] = list(passed)
    reasons = "\n".join(f"| {k} | {v} |" for k, v in sorted(summary["rejected_by_reason"].items()))
    name = Path(library).name
    create_markdown_artifact(
        key=artifact_key("triage", name, content_hash(str(Path(library).resolve()))[:8]),
        markdown=(
            f"# Triage of {name}\n\n{summary['n_input']} read, "
            f"{summary['n_unique']} unique, **{summary['n_passed']} passed** in "
            f"{summary['wall_seconds']:.1f} s\n\n| rejected because | molecules |\n"
            f"|---|---|\n{reasons}\n"
        ),
        description=f"triage summary of {name}",
    )
    return summary

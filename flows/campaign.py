"""``campaign_flow``: the campaign driver (``pipeline.services.campaigns``) under Prefect.

The flow adds what Prefect is for and nothing else: triage chunks and oracle calls run as
tasks on the task runner that ``[flows] task_runner`` names (each quantum call holds a slot
of the global limit ``qdp-quantum``, created when missing, never reset), retries for
infrastructure failures, and per-round artifacts. The loop, the pool, the persistence and the
report are the driver's, the same code ``qdp campaign`` runs; a crashed or cancelled run
resumes with the same ``campaign_id``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run
from pydantic import BaseModel, ConfigDict, Field

from flows.artifacts import artifact_key
from flows.executor import PrefectExecutor
from flows.hooks import notify_failure
from flows.limits import QUANTUM_LIMIT, ensure_concurrency_limit
from flows.runners import make_task_runner, task_timeout
from flows.settings_param import SettingsRef
from pipeline.paths import data_file
from pipeline.progress import LogProgress
from pipeline.services.campaigns import (
    CampaignJob,
    campaign_report,
    new_job_unless_stored,
    run_campaign_job,
)
from pipeline.services.oracles import is_quantum_oracle
from pipeline.store import open_store
from surrogates.campaign_state import CampaignState
from surrogates.objective import utility


class CampaignParams(BaseModel):
    """Parameters of ``campaign_flow`` (shown as a form in the Prefect UI)."""

    model_config = ConfigDict(extra="forbid")

    campaign_id: str | None = Field(
        default=None, description="resume (or create) this campaign; new random id if empty"
    )
    library: str = Field(default_factory=lambda: str(data_file("demo_library.smi")))
    oracle: str = Field(default="vqe", description="'reactivity', 'vqe' or 'lookup:FILE.csv'")
    triage: bool = True
    campaign: dict[str, Any] = Field(
        default_factory=dict, description="overrides of [campaign] (init_size may be 'P%')"
    )
    surrogate: dict[str, Any] = Field(default_factory=dict, description="overrides of [surrogate]")
    max_new_rounds: int | None = Field(
        default=None, ge=1, description="stop after this many new rounds (scheduled runs: 1)"
    )
    settings_ref: SettingsRef = SettingsRef()


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def publish_round(state: CampaignState, job: CampaignJob) -> None:
    """Artifacts of the round just evaluated, keyed by the campaign: best computed and newly
    chosen molecules, and the learning curve."""
    report = campaign_report(state, job, None)
    last = report["rounds"][-1]
    key = artifact_key("campaign", state.campaign_id)
    rows = [{"SMILES": e["smiles"], "computed": round(e["value"], 4)} for e in report["best"]]
    new_batch = zip(
        last["selected"], last["values"], last["predicted_mean"], last["predicted_std"],
        strict=False,
    )  # fmt: skip
    rows += [
        {"SMILES": s, "computed": "" if v is None else round(v, 4), "predicted": f"{m:.3f}±{d:.3f}"}
        for s, v, m, d in new_batch
    ]  # fmt: skip
    create_table_artifact(
        rows, key=f"{key}-top", description=f"round {last['round']}: best computed, new batch"
    )
    lines = []
    for r in report["rounds"]:
        values = [v for v in r["values"] if v is not None]
        best = values[int(np.argmax(utility(np.array(values), job.campaign)))] if values else None
        lines.append(f"| {r['round']} | {len(r['selected'])} | {_fmt(best)} |")
    create_markdown_artifact(
        key=f"{key}-curve",
        markdown=(
            f"# Campaign {state.campaign_id}: {job.campaign.target}\n\n"
            f"{len(state.evaluations)} oracle calls over {len(state.rounds)} rounds\n\n"
            "| round | chosen | best in round |\n|---|---|---|\n" + "\n".join(lines) + "\n"
        ),
    )


@flow(name="campaign", on_failure=[notify_failure], on_crashed=[notify_failure])
def campaign_flow(params: CampaignParams | None = None) -> dict[str, Any]:
    """Run or resume an active-learning campaign; returns the ``qdp campaign --json`` report."""
    params = params or CampaignParams()
    logger = get_run_logger()
    settings = params.settings_ref.load()
    quantum = is_quantum_oracle(params.oracle)
    if quantum:
        ensure_concurrency_limit(QUANTUM_LIMIT, settings.flows.quantum_concurrency)
    timeout = task_timeout(settings.flows)
    progress = LogProgress(settings.progress_interval_seconds)  # triage, then the oracle calls
    store = open_store(settings)
    try:
        with make_task_runner(settings.flows) as runner:
            triage = PrefectExecutor(
                "triage-chunk",
                runner,
                window=2 * settings.flows.max_workers,
                timeout_seconds=timeout,
            )
            job = new_job_unless_stored(
                settings,
                store,
                params.campaign_id,
                library=Path(params.library),
                oracle=params.oracle,
                triage=params.triage,
                campaign_overrides=params.campaign,
                surrogate_overrides=params.surrogate,
                executor=triage,
                progress=progress,
            )
            oracle_calls = PrefectExecutor(
                "oracle",
                runner,
                limit=QUANTUM_LIMIT if quantum else None,
                window=1_000_000,  # submit the whole batch: the concurrency limit bounds it
                retries=2,
                timeout_seconds=timeout,
            )
            return run_campaign_job(
                settings,
                store,
                job=job,
                campaign_id=params.campaign_id,
                executor=oracle_calls,
                on_event=logger.info,
                on_round=publish_round,
                max_new_rounds=params.max_new_rounds,
                provenance={"prefect_flow_run": f"{flow_run.name} ({flow_run.id})"},
                progress=progress,
            )
    finally:
        store.close()


def run_campaign_from_options(config: str | None = None, **options: Any) -> dict[str, Any]:
    """Entry point ``qdp.flows:campaign``: ``qdp campaign``/``qdp demo`` with
    ``[flows] engine = "prefect"`` run the flow through this, with their options."""
    return campaign_flow(CampaignParams(settings_ref=SettingsRef(config=config), **options))

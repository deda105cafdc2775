"""``campaign_flow``: the whole active-learning loop as a Prefect flow.

triage (subflow) → initial batch → oracle → train → acquire → oracle → … Each VQE oracle
call is its own task (one quantum calculation, bounded by the global concurrency limit
``qdp-quantum``, created on first use); a lookup oracle answers a whole batch in one task.
Every result is written to the store the moment its task finishes, so a crashed or
cancelled run resumes with the same ``campaign_id`` and never recomputes a finished
calculation. Each round publishes a table of top candidates, a
markdown learning curve, and a progress artifact while its oracle calls run.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.concurrency.sync import concurrency
from prefect.futures import as_completed
from pydantic import BaseModel, ConfigDict, Field

from flows.limits import QUANTUM_LIMIT, ensure_concurrency_limit
from flows.runners import make_task_runner
from flows.settings_param import SettingsRef
from flows.triage import triage_flow
from pipeline.services.campaign_store import SqlCampaignStore
from pipeline.services.campaigns import (
    CampaignJob,
    campaign_report,
    make_oracle,
    register_final_model,
)
from pipeline.services.oracles import parse_oracle_spec
from pipeline.store import Store, open_store
from surrogates.base import FeatureSet, make_surrogate
from surrogates.campaign import plan_round, start_campaign, stop_reason
from surrogates.campaign_state import CampaignState, Evaluation, RoundRecord
from surrogates.oracle import OracleResult

DEFAULT_LIBRARY = str(Path(__file__).resolve().parents[1] / "data" / "demo_library.smi")


class CampaignParams(BaseModel):
    """Parameters of ``campaign_flow`` (shown as a form in the Prefect UI)."""

    model_config = ConfigDict(extra="forbid")

    campaign_id: str | None = Field(
        default=None, description="resume (or create) this campaign; new random id if empty"
    )
    library: str = DEFAULT_LIBRARY
    oracle: str = Field(default="vqe", description="'vqe' or 'lookup:FILE.csv'")
    triage: bool = True
    max_new_rounds: int | None = Field(
        default=None, ge=1, description="stop after this many new rounds (scheduled runs: 1)"
    )
    settings_ref: SettingsRef = SettingsRef()


@task(name="oracle", task_run_name="oracle-{smiles[0]}", retries=2, retry_delay_seconds=[5, 30])
def oracle_task(
    smiles: list[str], job: CampaignJob, settings_ref: SettingsRef
) -> list[OracleResult]:
    """Oracle calls for ``smiles``. Retries cover infrastructure hiccups only: a molecule
    whose SCF fails comes back as a result with ``error``, recorded, never retried."""
    settings = settings_ref.load()
    store = open_store(settings)
    try:
        oracle = make_oracle(job.oracle, job.campaign.target, settings, store)
        if parse_oracle_spec(job.oracle)[0] == "vqe":
            with concurrency(QUANTUM_LIMIT, occupy=1, strict=True):
                return oracle.evaluate(smiles)
        return oracle.evaluate(smiles)
    finally:
        store.close()


def _oracle_batches(pending: list[str], oracle_spec: str) -> list[list[str]]:
    """One quantum calculation per task (each holds a concurrency slot); a lookup oracle
    answers the whole batch in one task, reading its table once."""
    if parse_oracle_spec(oracle_spec)[0] == "vqe":
        return [[s] for s in pending]
    return [pending]


@task(name="plan-round")
def plan_round_task(state: CampaignState, features: FeatureSet) -> RoundRecord:
    """Train a fresh surrogate on every result and choose the next batch."""
    return plan_round(state, features)


@task(name="featurize-pool")
def featurize_task(job: CampaignJob) -> FeatureSet:
    """Features of the whole pool, computed once for every round."""
    return make_surrogate(job.surrogate).featurize(list(job.pool))


def _evaluate_pending(
    state: CampaignState, job: CampaignJob, settings_ref: SettingsRef, persistence: SqlCampaignStore
) -> CampaignState:
    pending = state.pending()
    round_index = len(state.rounds) - 1
    progress = create_progress_artifact(0.0, description=f"round {round_index} oracle calls")
    futures = [
        oracle_task.submit(b, job, settings_ref) for b in _oracle_batches(pending, job.oracle)
    ]
    done = 0
    for future in as_completed(futures):
        for result in future.result():
            evaluation = Evaluation(
                smiles=result.smiles, round=round_index, value=result.value, error=result.error
            )
            state = state.with_evaluation(evaluation)
            persistence.record_evaluation(state, evaluation)
            done += 1
        update_progress_artifact(progress, 100.0 * done / len(pending))
    return state


def _publish_round(state: CampaignState, job: CampaignJob) -> None:
    report = campaign_report(state, job, None)
    last = state.rounds[-1]
    predicted = dict(
        zip(last.selected, zip(last.predicted_mean, last.predicted_std, strict=True), strict=False)
    )
    values = {e["smiles"]: e["value"] for e in report["evaluated"]}
    rows = [
        {"SMILES": e["smiles"], "computed": round(e["value"], 4), "predicted": ""}
        for e in report["best"]
    ]
    rows += [
        {
            "SMILES": s,
            "computed": "" if values.get(s) is None else round(values[s], 4),
            "predicted": f"{m:.3f} ± {sd:.3f}",
        }
        for s, (m, sd) in predicted.items()
    ]
    create_table_artifact(
        rows,
        key="campaign-top-candidates",
        description=f"round {last.round}: best computed and newly chosen",
    )
    best_in_round = [
        max((v for v in r["values"] if v is not None), default=float("nan"))
        if job.campaign.maximize
        else min((v for v in r["values"] if v is not None), default=float("nan"))
        for r in report["rounds"]
    ]
    curve = "\n".join(
        f"| {r['round']} | {len(r['selected'])} | {best:.4f} |"
        for r, best in zip(report["rounds"], best_in_round, strict=True)
    )
    create_markdown_artifact(
        key="campaign-learning-curve",
        markdown=(
            f"# Campaign {state.campaign_id}: {job.campaign.target}\n\n"
            f"{len(state.evaluations)} oracle calls over {len(state.rounds)} rounds\n\n"
            f"| round | chosen | best in round |\n|---|---|---|\n{curve}\n"
        ),
    )


def _job_for(params: CampaignParams, store: Store) -> tuple[str, CampaignJob]:
    settings = params.settings_ref.load()
    if params.campaign_id and (stored := store.get_campaign(params.campaign_id)) is not None:
        return params.campaign_id, CampaignJob.from_dict(stored.settings)
    if params.triage:
        summary = triage_flow(params.library, params.settings_ref, collect_passed=True)
        pool = summary["passed_smiles"]
    else:
        from pipeline.services.campaigns import build_pool

        pool = build_pool(Path(params.library), settings, store, triage=False)
    job = CampaignJob(
        library=params.library,
        oracle=params.oracle,
        triage=params.triage,
        pool=tuple(pool),
        campaign=settings.campaign,
        surrogate=settings.surrogate,
    )
    return params.campaign_id or uuid.uuid4().hex[:12], job


@flow(name="campaign")
def campaign_flow(params: CampaignParams | None = None) -> dict[str, Any]:
    """Run or resume an active-learning campaign; returns the ``qdp campaign --json`` report."""
    params = params or CampaignParams()
    logger = get_run_logger()
    settings = params.settings_ref.load()
    store = open_store(settings)
    if parse_oracle_spec(params.oracle)[0] == "vqe":
        ensure_concurrency_limit(QUANTUM_LIMIT, settings.flows.quantum_concurrency)
    campaign_id, job = _job_for(params, store)
    persistence = SqlCampaignStore(store, job.to_dict(), on_event=logger.info)
    state = persistence.load_state(campaign_id) or start_campaign(
        campaign_id, list(job.pool), job.campaign, job.surrogate
    )
    features = featurize_task(job)
    new_rounds = 0
    while state.status == "running":
        if state.pending():
            state = _evaluate_pending(state, job, params.settings_ref, persistence)
            _publish_round(state, job)
        reason = stop_reason(state)
        if reason is not None:
            state = state.finished(reason)
            persistence.record_finish(state)
            break
        if params.max_new_rounds is not None and new_rounds >= params.max_new_rounds:
            break
        record = plan_round_task(state, features)
        state = state.with_round(record)
        persistence.record_round(state, record)
        new_rounds += 1
    model_version = register_final_model(state, job, settings, store)
    store.close()
    return campaign_report(state, job, model_version)


def run_campaign_flow(params: CampaignParams) -> dict[str, Any]:
    """Run ``campaign_flow`` with the task runner named in the settings."""
    settings = params.settings_ref.load()
    runner = make_task_runner(settings.flows)
    return campaign_flow.with_options(task_runner=runner)(params)

"""Active-learning campaigns over the store — the one campaign driver.

:func:`run_campaign_job` runs or resumes a campaign: the loop of ``surrogates.campaign`` with
the oracle named by the job, every outcome stored as it arrives, the final surrogate
registered. ``qdp campaign``, ``qdp demo`` and ``flows.campaign.campaign_flow`` all call it;
they differ only in settings and in the executor that runs the oracle calls (this process,
or one Prefect task per call under the ``qdp-quantum`` concurrency limit).
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from molecules.executors import Executor, is_process_alive
from molecules.io import read_library
from pipeline.config import Settings
from pipeline.errors import QdpError, SettingsError
from pipeline.progress import ProgressSink, ProgressTracker, no_progress
from pipeline.services.campaign_store import SqlCampaignStore
from pipeline.services.oracles import OracleRef, canonical_smiles, parse_oracle_spec
from pipeline.services.surrogate_models import held_out_metrics, train_and_register
from pipeline.services.triage import run_triage
from pipeline.store import Store, content_hash
from surrogates.campaign import run_campaign
from surrogates.campaign_state import CampaignState
from surrogates.errors import CampaignError
from surrogates.metrics import regression_metrics
from surrogates.objective import objective_label, utility
from surrogates.oracle import Oracle
from surrogates.settings import CampaignSettings, SurrogateSettings


class CampaignNotFoundError(QdpError):
    """``--resume`` named a campaign the store does not hold."""

    exit_code = 2


class CampaignBusyError(QdpError):
    """Another process runs this campaign now (it holds the campaign's lease)."""


LEASE_SECONDS = 120.0  # a holder that stops renewing (killed) frees the campaign after this
RENEW_SECONDS = 20.0


def _holder_is_dead(holder: str) -> bool:
    """Whether a lease holder ``host:pid:tag`` is a process of this host that has ended."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    return host == socket.gethostname() and pid.isdigit() and not is_process_alive(int(pid))


@contextmanager
def campaign_lease(store: Store, campaign_id: str) -> Iterator[str]:
    """Hold the campaign's lease while the block runs, renewed in the background; two
    processes never run one campaign at once (e.g. two ``qdp campaign --resume ID``).

    Raises:
        CampaignBusyError: another live process holds it.
    """
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    taken, holder, until = store.acquire_campaign_lease(campaign_id, owner, LEASE_SECONDS)
    if not taken and _holder_is_dead(holder):  # e.g. killed here a moment ago: resume now
        taken, holder, until = store.acquire_campaign_lease(
            campaign_id, owner, LEASE_SECONDS, take_from=holder
        )
    if not taken:
        raise CampaignBusyError(
            f"campaign {campaign_id!r} is being run by {holder} (lease until "
            f"{until:%H:%M:%S} UTC, renewed while it runs); wait for it or stop it"
        )
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(RENEW_SECONDS):
            store.acquire_campaign_lease(campaign_id, owner, LEASE_SECONDS)

    heartbeat = threading.Thread(target=renew, name=f"lease-{campaign_id}", daemon=True)
    heartbeat.start()
    try:
        yield owner
    finally:
        stop.set()
        heartbeat.join()
        store.release_campaign_lease(campaign_id, owner)


@dataclass(frozen=True)
class CampaignJob:
    """What a campaign runs on; saved with it so ``--resume ID`` needs nothing else."""

    library: str
    oracle: str
    triage: bool
    pool: tuple[str, ...]
    campaign: CampaignSettings
    surrogate: SurrogateSettings

    def to_dict(self) -> dict[str, Any]:
        return {
            "library": self.library,
            "oracle": self.oracle,
            "triage": self.triage,
            "pool": list(self.pool),
            "campaign": self.campaign.model_dump(mode="json"),
            "surrogate": self.surrogate.model_dump(mode="json"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CampaignJob:
        return cls(
            library=data["library"],
            oracle=data["oracle"],
            triage=data["triage"],
            pool=tuple(data["pool"]),
            campaign=CampaignSettings.model_validate(data["campaign"]),
            surrogate=SurrogateSettings.model_validate(data["surrogate"]),
        )


def build_pool(
    library: Path,
    settings: Settings,
    store: Store,
    *,
    triage: bool,
    executor: Executor | None = None,
    progress: ProgressSink | None = None,
) -> list[str]:
    """Distinct standardized SMILES of the library: those passing triage (stored, run by
    ``executor``, shown to ``progress``), or all valid ones."""
    pool: dict[str, None] = {}
    if triage:

        def collect(chunk) -> None:  # type: ignore[no-untyped-def]
            pool.update((r.smiles, None) for r in chunk.results if r.passed and r.smiles)

        run_triage(library, settings, store, on_chunk=collect, executor=executor, progress=progress)
    else:
        for record in read_library(library):
            smiles = canonical_smiles(record.text) if record.kind == "smiles" else None
            if smiles:
                pool[smiles] = None
    if not pool:
        raise QdpError(f"no molecule of {library} is left for the campaign pool")
    return list(pool)


def resolve_size(value: str, pool_size: int, name: str) -> int:
    """``"N"`` or ``"P%"`` of the pool → a count of at least 1."""
    try:
        count = round(pool_size * float(value[:-1]) / 100) if value.endswith("%") else int(value)
    except ValueError:
        raise SettingsError(f"invalid {name} {value!r}: allowed N or P%") from None
    if count < 1:
        raise SettingsError(f"invalid {name} {value!r}: must select at least one molecule")
    return count


def round_metrics(state: CampaignState) -> list[dict[str, Any]]:
    """Per round: what was chosen, what the oracle said, and how good the model's
    predictions for that batch were (prospective RMSE/MAE/Spearman, when there was a model)."""
    values = {e.smiles: e.value for e in state.evaluations}
    rounds = []
    for record in state.rounds:
        observed = [values.get(s) for s in record.selected]
        metrics: dict[str, Any] = {"strategy": record.strategy, "n_train": record.n_train}
        known = [i for i, v in enumerate(observed) if v is not None]
        if record.predicted_mean and len(known) >= 2:
            m = regression_metrics(
                np.array([observed[i] for i in known]),
                np.array([record.predicted_mean[i] for i in known]),
                np.array([record.predicted_std[i] for i in known]),
            )
            metrics.update(
                batch_rmse=m.rmse, batch_mae=m.mae, batch_spearman_error_std=m.spearman_error_std
            )
        rounds.append(
            {
                "round": record.round,
                "selected": list(record.selected),
                "values": observed,
                "predicted_mean": list(record.predicted_mean),
                "predicted_std": list(record.predicted_std),
                "metrics": metrics,
            }
        )
    return rounds


def register_final_model(
    state: CampaignState, job: CampaignJob, settings: Settings, store: Store
) -> int | None:
    """Train the surrogate on every oracle value, with held-out metrics, and store it."""
    smiles, values = state.successes()
    if len(smiles) < 5:
        return None
    existing = store.find_model(
        job.surrogate.kind,
        job.campaign.target,
        content_hash(sorted(smiles)),
        job.surrogate.model_dump(mode="json"),
    )
    if existing is not None:  # same data, same settings: e.g. a finished campaign re-run
        return existing.id
    metrics = held_out_metrics(smiles, values, job.surrogate, seed=job.campaign.seed)
    registered = train_and_register(
        store,
        smiles,
        values,
        target=job.campaign.target,
        settings=job.surrogate,
        models_dir=settings.models_dir,
        metrics={**metrics, "campaign_id": state.campaign_id},
    )
    return registered.record.id


def prepare_job(
    settings: Settings,
    store: Store,
    *,
    library: Path,
    oracle: str,
    triage: bool = True,
    campaign_overrides: dict[str, Any] | None = None,
    surrogate_overrides: dict[str, Any] | None = None,
    executor: Executor | None = None,
    progress: ProgressSink | None = None,
) -> CampaignJob:
    """A new campaign's job: the pool (triaged by ``executor`` and stored, with ``progress``,
    unless ``triage`` is false) and the settings with the given overrides applied.

    ``init_size`` and ``batch_size`` overrides may be ``"N"`` or ``"P%"`` of the pool.

    Raises:
        SettingsError: an override is invalid (the message names it).
        QdpError: no molecule of the library is left for the pool.
    """
    parse_oracle_spec(oracle)  # a bad oracle name fails before any triage work
    pool = build_pool(library, settings, store, triage=triage, executor=executor, progress=progress)
    overrides = {k: v for k, v in (campaign_overrides or {}).items() if v is not None}
    for name in ("init_size", "batch_size"):
        if isinstance(overrides.get(name), str):
            option = "--" + name.replace("_", "-")
            overrides[name] = resolve_size(overrides[name], len(pool), option)
    try:
        campaign = CampaignSettings.model_validate({**settings.campaign.model_dump(), **overrides})
        surrogate = SurrogateSettings.model_validate(
            {**settings.surrogate.model_dump(), **(surrogate_overrides or {})}
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SettingsError(f"invalid campaign setting {where}: {first['msg']}") from None
    return CampaignJob(
        library=str(Path(library).resolve()),
        oracle=oracle,
        triage=triage,
        pool=tuple(pool),
        campaign=campaign,
        surrogate=surrogate,
    )


def new_job_unless_stored(
    settings: Settings, store: Store, campaign_id: str | None, **prepare: Any
) -> CampaignJob | None:
    """``None`` when ``campaign_id`` is a stored campaign (``run_campaign_job`` resumes it as
    it was started, without triaging again), else :func:`prepare_job` with ``prepare``."""
    if campaign_id is not None and store.get_campaign(campaign_id) is not None:
        return None
    return prepare_job(settings, store, **prepare)


def planned_calls(campaign: CampaignSettings, pool_size: int) -> int:
    """Oracle calls a campaign makes if it runs all its rounds: the initial batch and
    ``rounds`` batches, at most ``budget`` and the pool (convergence may stop it sooner)."""
    planned = campaign.init_size + campaign.batch_size * campaign.rounds
    if campaign.budget is not None:
        planned = min(planned, campaign.budget)
    return min(planned, pool_size)


def resolve_job(
    store: Store, campaign_id: str | None, job: CampaignJob | None
) -> tuple[str, CampaignJob]:
    """The campaign to run: the stored one named ``campaign_id`` (resumed as it was
    started), else ``job`` as a new campaign under ``campaign_id`` or a fresh random id.

    Raises:
        CampaignNotFoundError: ``campaign_id`` is not in the store and no ``job`` is given.
    """
    if campaign_id is not None:
        stored = store.get_campaign(campaign_id)
        if stored is not None:
            return campaign_id, CampaignJob.from_dict(stored.settings)
        if job is None:
            raise CampaignNotFoundError(f"no campaign {campaign_id!r} in the store")
    if job is None:
        raise CampaignError("give a campaign job, or the id of a stored campaign to resume")
    return campaign_id or uuid.uuid4().hex[:12], job


def run_campaign_job(
    settings: Settings,
    store: Store,
    *,
    job: CampaignJob | None = None,
    campaign_id: str | None = None,
    executor: Executor | None = None,
    oracle_factory: Callable[[CampaignJob], Oracle] | None = None,
    on_event: Callable[[str], None] | None = None,
    on_round: Callable[[CampaignState, CampaignJob], None] | None = None,
    max_new_rounds: int | None = None,
    provenance: dict[str, Any] | None = None,
    progress: ProgressSink | None = None,
) -> dict[str, Any]:
    """Run a new campaign (``job``) or resume a stored one (``campaign_id``); returns the
    ``qdp campaign --json`` report, whose ``report`` is the HTML report written for it.

    Every oracle result is stored as it arrives, so a killed run resumes where it stopped.

    Args:
        job: what to run, for a new campaign (ignored when ``campaign_id`` is stored).
        campaign_id: resume this campaign if stored, else create it from ``job``.
        executor: runs the oracle chunks (default: this process).
        oracle_factory: builds the oracle from the job (default: the oracle the job names,
            as a picklable :class:`~pipeline.services.oracles.OracleRef`).
        on_event: receives one line per chosen batch, oracle result and finish.
        on_round: called with the state and job after each batch's results are in.
        max_new_rounds: choose at most this many new batches in this call (scheduled runs).
        provenance: shown in the HTML report besides settings and versions (e.g. flow run).
        progress: sees a tracker of the oracle calls against :func:`planned_calls` (a
            resumed campaign starts at the calls already stored).
    """
    store.check_integrity()  # a damaged store fails here, in one line, not at a resume
    campaign_id, job = resolve_job(store, campaign_id, job)
    if on_event is not None:
        on_event(f"campaign {campaign_id}: {len(job.pool)} candidates, oracle {job.oracle}")
    oracle = (
        oracle_factory(job)
        if oracle_factory
        else OracleRef(job.oracle, job.campaign.target, settings)
    )
    show = progress or no_progress

    def step(running: CampaignState) -> None:
        tracker.update(len(running.evaluations))
        show(tracker)

    persistence = SqlCampaignStore(store, job.to_dict(), on_event, on_evaluation=step)
    before = persistence.load_state(campaign_id)
    tracker = ProgressTracker(
        "campaign",
        "calls",
        planned_calls(job.campaign, len(job.pool)),
        start_count=len(before.evaluations) if before is not None else 0,
    )
    with campaign_lease(store, campaign_id):
        state = run_campaign(
            campaign_id,
            list(job.pool),
            oracle,
            persistence,
            job.campaign,
            job.surrogate,
            executor=executor,
            on_round=None if on_round is None else (lambda st: on_round(st, job)),
            max_new_rounds=max_new_rounds,
        )
        tracker.finish(complete=state.status == "finished")
        show(tracker)
        model_version = register_final_model(state, job, settings, store)
    report = campaign_report(state, job, model_version)
    from pipeline.services.campaign_reports import write_report

    report["report"] = str(write_report(store, report, settings, provenance).resolve())
    return report


def campaign_report(
    state: CampaignState, job: CampaignJob, model_version: int | None
) -> dict[str, Any]:
    """The ``qdp campaign --json`` object."""
    evaluated = [
        {"smiles": e.smiles, "round": e.round, "value": e.value, "error": e.error}
        for e in state.evaluations
    ]
    scored = [e for e in evaluated if e["value"] is not None]
    ranks = utility(np.array([e["value"] for e in scored]), job.campaign)
    scored = [scored[i] for i in np.argsort(-ranks, kind="stable")]  # best first
    window = job.campaign.target_window
    return {
        "campaign_id": state.campaign_id,
        "status": state.status,
        "stop_reason": state.stop_reason,
        "target": job.campaign.target,
        "maximize": job.campaign.maximize,
        "target_window": None if window is None else list(window),
        "objective": objective_label(job.campaign),
        "pool_size": len(job.pool),
        "oracle": job.oracle,
        "rounds": round_metrics(state),
        "evaluated": evaluated,
        "best": scored[:5],
        "model_version": model_version,
    }

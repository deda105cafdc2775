"""The active-learning loop as plain functions.

::

    initial batch (random or diverse) -> oracle -> train from scratch -> score the pool
      -> select the next batch -> oracle -> ... until budget, rounds, pool or convergence

:func:`run_campaign` drives it; persistence is injected as a
:class:`~surrogates.campaign_state.CampaignStore`, called after every chosen batch and every
oracle result, so a campaign killed at any point resumes from ``store.load_state`` without
repeating a finished oracle call. :func:`plan_round` and :func:`stop_reason` are the pure
steps, usable on their own (e.g. one Prefect task per round).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from molecules.executors import Executor, SerialExecutor
from surrogates.acquisition import AcquisitionContext, acquisition_scores, maxmin_pick, select_batch
from surrogates.base import BaseSurrogate, FeatureSet, make_surrogate
from surrogates.campaign_state import (
    CampaignState,
    CampaignStore,
    Evaluation,
    RoundRecord,
    pool_sha256,
)
from surrogates.errors import CampaignError, OracleError
from surrogates.objective import utility, utility_moments
from surrogates.oracle import Oracle
from surrogates.settings import CampaignSettings, SurrogateSettings

SurrogateFactory = Callable[[SurrogateSettings], BaseSurrogate]


def start_campaign(
    campaign_id: str,
    pool: Sequence[str],
    campaign: CampaignSettings,
    surrogate: SurrogateSettings,
) -> CampaignState:
    """A fresh state for ``pool`` (distinct SMILES, at least one).

    Raises:
        CampaignError: empty pool or duplicate SMILES.
    """
    if not pool:
        raise CampaignError("the candidate pool is empty")
    if len(set(pool)) != len(pool):
        seen: set[str] = set()
        dupes = sorted({s for s in pool if s in seen or seen.add(s)})  # type: ignore[func-returns-value]
        raise CampaignError(f"pool has duplicate SMILES (deduplicate upstream): {dupes[:5]}")
    return CampaignState(
        campaign_id=campaign_id,
        pool_sha256=pool_sha256(pool),
        pool_size=len(pool),
        campaign=campaign.model_dump(),
        surrogate=surrogate.model_dump(),
    )


def stop_reason(state: CampaignState) -> str | None:
    """Why the campaign should stop now (no batch pending), or ``None`` to continue.

    Checked in order: ``budget`` (oracle calls incl. failures), ``rounds`` (acquisition
    rounds after round 0), ``pool exhausted``, ``converged`` (top-k mean improved by no more
    than ``min_improvement`` over the last ``patience`` rounds).
    """
    cfg = CampaignSettings.model_validate(state.campaign)
    if state.pending():
        return None
    if cfg.budget is not None and len(state.evaluations) >= cfg.budget:
        return "budget"
    if state.rounds and len(state.rounds) - 1 >= cfg.rounds:
        return "rounds"
    if len(state.evaluations) >= state.pool_size:
        return "pool exhausted"
    if cfg.patience > 0:
        history = state.top_k_history(cfg.top_k, lambda v: utility(v, cfg))
        if len(history) > cfg.patience and not np.isnan(history[-1 - cfg.patience]):
            gain = history[-1] - history[-1 - cfg.patience]
            if gain <= cfg.min_improvement:
                return "converged"
    return None


def _round_rng(cfg: CampaignSettings, round_index: int) -> np.random.Generator:
    return np.random.default_rng([cfg.seed, round_index])


def plan_round(
    state: CampaignState,
    pool: FeatureSet,
    *,
    surrogate_factory: SurrogateFactory = make_surrogate,
) -> RoundRecord:
    """Choose the next batch: initial (round 0) or by surrogate + acquisition.

    A new surrogate is trained from scratch on every successful result, predicts every
    molecule not yet evaluated, and :func:`~surrogates.acquisition.select_batch` picks
    ``batch_size`` of them (fewer if the budget or pool is nearly spent).

    Args:
        state: a running state with no pending batch.
        pool: features of the pool (from the surrogate's ``featurize``), in pool order.
        surrogate_factory: builds an unfitted surrogate from settings.
    """
    cfg = CampaignSettings.model_validate(state.campaign)
    sur = SurrogateSettings.model_validate(state.surrogate)
    if len(pool) != state.pool_size:
        raise CampaignError(f"pool has {len(pool)} molecules, state expects {state.pool_size}")
    r = len(state.rounds)
    rng = _round_rng(cfg, r)
    done = state.evaluated()
    remaining = np.array([i for i, s in enumerate(pool.smiles) if s not in done], dtype=np.int64)
    size = cfg.init_size if r == 0 else cfg.batch_size
    if cfg.budget is not None:
        size = min(size, cfg.budget - len(state.evaluations))
    size = min(size, remaining.shape[0])
    if size <= 0:
        raise CampaignError("no molecule can be selected (budget or pool spent)")
    if r == 0:
        if cfg.init_strategy == "diverse":
            idx = maxmin_pick(pool.fingerprints, size, rng)
        else:
            idx = rng.choice(remaining, size=size, replace=False)
        return RoundRecord(r, tuple(pool.smiles[i] for i in idx), f"init-{cfg.init_strategy}")
    train_smiles, y = state.successes()
    if y.shape[0] < 2 or cfg.acquisition == "random":
        idx = rng.choice(remaining, size=size, replace=False)
        strategy = "random" if cfg.acquisition == "random" else "random-fallback"
        return RoundRecord(r, tuple(pool.smiles[i] for i in idx), strategy)
    position = {s: i for i, s in enumerate(pool.smiles)}
    model = surrogate_factory(sur)
    model.fit_features(pool.subset([position[s] for s in train_smiles]), y)
    mean, std = model.predict_features(pool.subset(remaining))
    # acquisition works on the utility (maximize, minimize or a target window), always maximized
    u_mean, u_std = utility_moments(mean, std, cfg, rng)
    ctx = AcquisitionContext(
        best=float(utility(y, cfg).max()),
        maximize=True,
        beta=cfg.ucb_beta,
        xi=cfg.ei_xi,
        rng=rng,
    )
    scores = acquisition_scores(cfg.acquisition, u_mean, u_std, ctx)
    local = select_batch(
        scores,
        pool.fingerprints[remaining],
        size,
        diversity=cfg.diversity,
        max_similarity=cfg.diversity_max_similarity,
        candidate_factor=cfg.diversity_candidate_factor,
        random_fraction=cfg.random_fraction,
        rng=rng,
    )
    return RoundRecord(
        round=r,
        selected=tuple(pool.smiles[remaining[i]] for i in local),
        strategy=cfg.acquisition,
        predicted_mean=tuple(float(mean[i]) for i in local),
        predicted_std=tuple(float(std[i]) for i in local),
        n_train=int(y.shape[0]),
    )


def evaluate_pending(
    state: CampaignState,
    oracle: Oracle,
    store: CampaignStore,
    executor: Executor | None = None,
) -> CampaignState:
    """Send the pending SMILES to the oracle in chunks of ``oracle_chunk_size``, recording
    every outcome as its chunk comes back (in order).

    Args:
        executor: runs ``oracle.evaluate`` over the chunks (default: in this process; the
            flows run each chunk as a Prefect task under the quantum concurrency limit).

    Raises:
        OracleError: the oracle answered other SMILES, or another number of them, than asked.
    """
    cfg = CampaignSettings.model_validate(state.campaign)
    round_index = len(state.rounds) - 1
    pending = state.pending()
    step = cfg.oracle_chunk_size
    chunks = [pending[start : start + step] for start in range(0, len(pending), step)]
    answers = (executor or SerialExecutor()).map(oracle.evaluate, chunks)
    for chunk, results in zip(chunks, answers, strict=False):
        if len(results) != len(chunk) or [r.smiles for r in results] != chunk:
            raise OracleError(
                f"oracle answered {len(results)} results for {len(chunk)} SMILES "
                f"(asked {chunk[:3]}..., got {[r.smiles for r in results][:3]}...)"
            )
        for res in results:
            ev = Evaluation(smiles=res.smiles, round=round_index, value=res.value, error=res.error)
            state = state.with_evaluation(ev)
            store.record_evaluation(state, ev)
    return state


def run_campaign(
    campaign_id: str,
    pool: Sequence[str],
    oracle: Oracle,
    store: CampaignStore,
    campaign: CampaignSettings | None = None,
    surrogate: SurrogateSettings | None = None,
    *,
    surrogate_factory: SurrogateFactory = make_surrogate,
    pool_features: FeatureSet | None = None,
    max_new_rounds: int | None = None,
    executor: Executor | None = None,
    on_round: Callable[[CampaignState], None] | None = None,
) -> CampaignState:
    """Run (or resume) a campaign until it stops; returns the final state.

    If ``store`` holds ``campaign_id``, that state is resumed: its pending SMILES are
    evaluated first and no recorded outcome is requested again. Resuming requires the same
    pool; the stored settings are used (passing different ones is an error).

    Args:
        campaign_id: key in the store.
        pool: candidate SMILES, distinct (order matters for the pool hash).
        oracle: evaluates molecules; see :class:`~surrogates.oracle.Oracle`.
        store: persistence; see :class:`~surrogates.campaign_state.CampaignStore`.
        campaign, surrogate: settings for a new campaign (defaults when ``None``).
        surrogate_factory: builds unfitted surrogates (one per round).
        pool_features: the pool already featurized by the surrogate (else featurized here).
        max_new_rounds: stop returning after choosing this many batches in this call (the
            state stays ``running``; for stepwise drivers and scheduled runs).
        executor: runs the oracle chunks (see :func:`evaluate_pending`).
        on_round: called with the state after each batch's oracle results are in (e.g. to
            publish a progress table).

    Raises:
        CampaignError: pool or settings differ from the stored campaign.
    """
    campaign = campaign if campaign is not None else CampaignSettings()
    surrogate = surrogate if surrogate is not None else SurrogateSettings()
    state = store.load_state(campaign_id)
    if state is None:
        state = start_campaign(campaign_id, pool, campaign, surrogate)
    else:
        if state.pool_sha256 != pool_sha256(pool):
            raise CampaignError(f"campaign {campaign_id!r} was started on a different pool")
        if state.campaign != campaign.model_dump() or state.surrogate != surrogate.model_dump():
            raise CampaignError(f"campaign {campaign_id!r} was started with other settings")
    if state.status == "finished":
        return state
    if pool_features is None:
        pool_features = surrogate_factory(surrogate).featurize(pool)
    new_rounds = 0
    while True:
        if state.pending():
            state = evaluate_pending(state, oracle, store, executor)
            if on_round is not None:
                on_round(state)
        reason = stop_reason(state)
        if reason is not None:
            state = state.finished(reason)
            store.record_finish(state)
            return state
        if max_new_rounds is not None and new_rounds >= max_new_rounds:
            return state
        record = plan_round(state, pool_features, surrogate_factory=surrogate_factory)
        state = state.with_round(record)
        store.record_round(state, record)
        new_rounds += 1

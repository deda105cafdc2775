"""Serializable state of an active-learning campaign, and the store protocol that persists it.

The state is a frozen value: the loop in :mod:`surrogates.campaign` derives a new state after
every event and hands it to a :class:`CampaignStore` *before* moving on, so a store that has
returned holds everything needed to resume — a finished oracle call is never repeated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, Protocol

import numpy as np

from surrogates.errors import CampaignError

STATE_VERSION = 1


def pool_sha256(pool: Sequence[str]) -> str:
    """Hex sha256 identifying an ordered pool of SMILES."""
    digest = hashlib.sha256()
    for smi in pool:
        digest.update(smi.encode())
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class Evaluation:
    """One oracle outcome in a campaign: exactly one of ``value`` and ``error`` is set."""

    smiles: str
    round: int
    value: float | None = None
    error: str | None = None


@dataclass(frozen=True)
class RoundRecord:
    """A batch chosen for the oracle.

    Attributes:
        round: 0 for the initial batch, then 1, 2, ...
        selected: SMILES sent to the oracle, in order.
        strategy: ``init-random``, ``init-diverse``, an acquisition name, or
            ``random-fallback`` (fewer than two successful results to train on).
        predicted_mean, predicted_std: surrogate predictions for ``selected`` (empty for
            rounds without a model).
        n_train: molecules the surrogate was trained on (0 without a model).
    """

    round: int
    selected: tuple[str, ...]
    strategy: str
    predicted_mean: tuple[float, ...] = ()
    predicted_std: tuple[float, ...] = ()
    n_train: int = 0


@dataclass(frozen=True)
class CampaignState:
    """Everything a campaign has decided and observed; JSON-serializable.

    Attributes:
        campaign_id: caller's identifier.
        pool_sha256, pool_size: identify the candidate pool (not stored, passed on resume).
        campaign, surrogate: ``CampaignSettings`` / ``SurrogateSettings`` as dicts.
        rounds: every batch chosen, in order.
        evaluations: every oracle outcome, in the order received.
        status: ``running`` or ``finished``.
        stop_reason: why it finished (``budget``, ``rounds``, ``pool exhausted``,
            ``converged``), ``None`` while running.
    """

    campaign_id: str
    pool_sha256: str
    pool_size: int
    campaign: dict[str, Any]
    surrogate: dict[str, Any]
    rounds: tuple[RoundRecord, ...] = ()
    evaluations: tuple[Evaluation, ...] = ()
    status: Literal["running", "finished"] = "running"
    stop_reason: str | None = None
    version: int = field(default=STATE_VERSION)

    # --- derived views -------------------------------------------------------------------
    def evaluated(self) -> set[str]:
        """SMILES with an outcome (success or failure)."""
        return {e.smiles for e in self.evaluations}

    def pending(self) -> list[str]:
        """SMILES of the latest round still waiting for an oracle outcome, in order."""
        if not self.rounds:
            return []
        done = self.evaluated()
        return [s for s in self.rounds[-1].selected if s not in done]

    def successes(self) -> tuple[list[str], np.ndarray]:
        """SMILES and values (array of shape ``(m,)``) of successful evaluations."""
        ok = [e for e in self.evaluations if e.value is not None]
        return [e.smiles for e in ok], np.array([e.value for e in ok], dtype=np.float64)

    def top_k_history(self, k: int, utility: Callable[[np.ndarray], np.ndarray]) -> list[float]:
        """Mean utility (higher is better, see :mod:`surrogates.objective`) of the best ``k``
        successful values after each completed round (nan if none)."""
        out = []
        n_done = len(self.rounds) - (1 if self.pending() else 0)
        for r in range(n_done):
            vals = np.array(
                [e.value for e in self.evaluations if e.value is not None and e.round <= r]
            )
            best = np.sort(utility(vals))[::-1][:k] if vals.size else vals
            out.append(float(best.mean()) if best.size else float("nan"))
        return out

    # --- transitions ---------------------------------------------------------------------
    def with_round(self, record: RoundRecord) -> CampaignState:
        if self.pending():
            raise CampaignError("cannot start a round while the previous one is pending")
        if record.round != len(self.rounds):
            raise CampaignError(f"round {record.round} follows {len(self.rounds)} rounds")
        return replace(self, rounds=(*self.rounds, record))

    def with_evaluation(self, evaluation: Evaluation) -> CampaignState:
        if evaluation.smiles not in self.pending():
            raise CampaignError(f"{evaluation.smiles!r} is not pending in this campaign")
        return replace(self, evaluations=(*self.evaluations, evaluation))

    def finished(self, reason: str) -> CampaignState:
        return replace(self, status="finished", stop_reason=reason)

    # --- serialization -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible dict (tuples become lists)."""
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CampaignState:
        """Inverse of :meth:`to_dict`.

        Raises:
            CampaignError: unknown version or malformed data.
        """
        try:
            if data["version"] != STATE_VERSION:
                raise CampaignError(f"campaign state version {data['version']} not supported")
            rounds = tuple(
                RoundRecord(
                    round=int(r["round"]),
                    selected=tuple(r["selected"]),
                    strategy=str(r["strategy"]),
                    predicted_mean=tuple(float(v) for v in r["predicted_mean"]),
                    predicted_std=tuple(float(v) for v in r["predicted_std"]),
                    n_train=int(r["n_train"]),
                )
                for r in data["rounds"]
            )
            evaluations = tuple(Evaluation(**e) for e in data["evaluations"])
            return cls(
                campaign_id=str(data["campaign_id"]),
                pool_sha256=str(data["pool_sha256"]),
                pool_size=int(data["pool_size"]),
                campaign=dict(data["campaign"]),
                surrogate=dict(data["surrogate"]),
                rounds=rounds,
                evaluations=evaluations,
                status=data["status"],
                stop_reason=data["stop_reason"],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CampaignError(f"malformed campaign state: {exc}") from exc

    @classmethod
    def from_json(cls, text: str) -> CampaignState:
        return cls.from_dict(json.loads(text))


class CampaignStore(Protocol):
    """Persistence injected into :func:`surrogates.campaign.run_campaign`.

    Each ``record_*`` receives the event and the new state that includes it; when the call
    returns, the loop assumes both are durable. ``load_state`` returns the latest state saved,
    or ``None`` when no campaign by that id exists yet.
    """

    def load_state(self, campaign_id: str) -> CampaignState | None: ...

    def record_round(self, state: CampaignState, record: RoundRecord) -> None: ...

    def record_evaluation(self, state: CampaignState, evaluation: Evaluation) -> None: ...

    def record_finish(self, state: CampaignState) -> None: ...


class InMemoryCampaignStore:
    """A :class:`CampaignStore` in a dict, storing JSON so every save round-trips.

    Attributes:
        events: ``(kind, campaign_id)`` for each record call, in order.
    """

    def __init__(self) -> None:
        self._states: dict[str, str] = {}
        self.events: list[tuple[str, str]] = []

    def load_state(self, campaign_id: str) -> CampaignState | None:
        text = self._states.get(campaign_id)
        return None if text is None else CampaignState.from_json(text)

    def _save(self, kind: str, state: CampaignState) -> None:
        self._states[state.campaign_id] = state.to_json()
        self.events.append((kind, state.campaign_id))

    def record_round(self, state: CampaignState, record: RoundRecord) -> None:
        self._save("round", state)

    def record_evaluation(self, state: CampaignState, evaluation: Evaluation) -> None:
        self._save("evaluation", state)

    def record_finish(self, state: CampaignState) -> None:
        self._save("finish", state)

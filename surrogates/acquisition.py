"""Acquisition functions (registered by name) and diverse batch selection.

Every acquisition function turns a predictive mean and std into a score where *higher is
better*, whatever the direction of optimization: with ``s = +1`` to maximize and ``−1`` to
minimize, ``μ' = s·mean`` and ``f* = s·best`` (best observed value)::

    greedy    μ'
    ucb       μ' + β σ
    ei        (μ' − f* − ξ) Φ(z) + σ φ(z),   z = (μ' − f* − ξ) / σ     (σ = 0: max(μ' − f* − ξ, 0))
    pi        Φ(z)                                                     (σ = 0: 1[μ' > f* + ξ])
    thompson  one draw from N(μ', σ²) per molecule
    random    uniform on [0, 1)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.special import ndtr  # standard normal CDF (scipy.stats costs 0.8 s to import)

from surrogates.errors import UnknownNameError
from surrogates.featurize import tanimoto_matrix


@dataclass(frozen=True)
class AcquisitionContext:
    """What an acquisition function may use besides mean and std.

    Attributes:
        best: best observed value so far, in target units (direction given by ``maximize``).
        maximize: optimize upwards (``True``) or downwards.
        beta: UCB exploration weight (in units of σ).
        xi: EI/PI improvement margin, in target units.
        rng: random generator for ``thompson`` and ``random``.
    """

    best: float
    maximize: bool = True
    beta: float = 1.0
    xi: float = 0.0
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(0))

    @property
    def sign(self) -> float:
        return 1.0 if self.maximize else -1.0


AcquisitionFn = Callable[[np.ndarray, np.ndarray, AcquisitionContext], np.ndarray]
ACQUISITIONS: dict[str, AcquisitionFn] = {}


def register_acquisition(name: str) -> Callable[[AcquisitionFn], AcquisitionFn]:
    """Decorator adding a function ``(mean, std, ctx) -> scores`` to :data:`ACQUISITIONS`."""

    def add(fn: AcquisitionFn) -> AcquisitionFn:
        if name in ACQUISITIONS:
            raise ValueError(f"acquisition {name!r} registered twice")
        ACQUISITIONS[name] = fn
        return fn

    return add


@register_acquisition("greedy")
def greedy(mean: np.ndarray, std: np.ndarray, ctx: AcquisitionContext) -> np.ndarray:
    """Exploit: the predicted value (sign-adjusted)."""
    return ctx.sign * mean


@register_acquisition("ucb")
def upper_confidence_bound(
    mean: np.ndarray, std: np.ndarray, ctx: AcquisitionContext
) -> np.ndarray:
    """Optimistic value ``μ' + β σ``."""
    return ctx.sign * mean + ctx.beta * std


def _normal_pdf(z: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)


def _improvement(
    mean: np.ndarray, std: np.ndarray, ctx: AcquisitionContext
) -> tuple[np.ndarray, np.ndarray]:
    gain = ctx.sign * mean - ctx.sign * ctx.best - ctx.xi
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(std > 0, gain / np.where(std > 0, std, 1.0), 0.0)
    return gain, z


@register_acquisition("ei")
def expected_improvement(mean: np.ndarray, std: np.ndarray, ctx: AcquisitionContext) -> np.ndarray:
    """Expected improvement over ``best + ξ`` under N(mean, std²)."""
    gain, z = _improvement(mean, std, ctx)
    return np.where(std > 0, gain * ndtr(z) + std * _normal_pdf(z), np.maximum(gain, 0.0))


@register_acquisition("pi")
def probability_of_improvement(
    mean: np.ndarray, std: np.ndarray, ctx: AcquisitionContext
) -> np.ndarray:
    """Probability of improving on ``best + ξ`` under N(mean, std²)."""
    gain, z = _improvement(mean, std, ctx)
    return np.where(std > 0, ndtr(z), (gain > 0).astype(np.float64))


@register_acquisition("thompson")
def thompson(mean: np.ndarray, std: np.ndarray, ctx: AcquisitionContext) -> np.ndarray:
    """One independent draw per molecule from N(μ', σ²)."""
    return ctx.rng.normal(ctx.sign * mean, std)


@register_acquisition("random")
def random_scores(mean: np.ndarray, std: np.ndarray, ctx: AcquisitionContext) -> np.ndarray:
    """Uniform random scores: the baseline."""
    return ctx.rng.random(mean.shape[0])


def acquisition_scores(
    name: str, mean: np.ndarray, std: np.ndarray, ctx: AcquisitionContext
) -> np.ndarray:
    """Scores (higher is better), array of shape ``(n,)``, from a registered function.

    Args:
        name: key of :data:`ACQUISITIONS`.
        mean, std: predictions, arrays of shape ``(n,)``; std ≥ 0.

    Raises:
        UnknownNameError: no acquisition called ``name``.
        ValueError: shapes differ, or NaN/negative std.
    """
    try:
        fn = ACQUISITIONS[name]
    except KeyError:
        raise UnknownNameError(
            f"unknown acquisition {name!r}; known: {sorted(ACQUISITIONS)}"
        ) from None
    mean = np.asarray(mean, dtype=np.float64)
    std = np.asarray(std, dtype=np.float64)
    if mean.ndim != 1 or mean.shape != std.shape:
        raise ValueError(f"mean {mean.shape} and std {std.shape} must be equal 1-D shapes")
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(std))) or np.any(std < 0):
        raise ValueError("mean and std must be finite and std non-negative")
    return np.asarray(fn(mean, std, ctx), dtype=np.float64)


Diversity = Literal["none", "maxmin", "exclusion"]


def select_batch(
    scores: np.ndarray,
    fingerprints: np.ndarray,
    batch_size: int,
    *,
    diversity: Diversity = "exclusion",
    max_similarity: float = 0.8,
    candidate_factor: int = 5,
    random_fraction: float = 0.0,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Pick a batch: the best-scoring molecules, kept apart, plus an optional random part.

    ``round(random_fraction * batch_size)`` members are drawn uniformly from the molecules not
    otherwise picked; the rest come from the ``candidate_factor × k`` best scores:

    * ``none``: the top ``k`` scores;
    * ``exclusion``: walk down the scores, skipping any molecule with Tanimoto
      ≥ ``max_similarity`` to one already picked (topped up by score if too few remain);
    * ``maxmin``: the best score first, then repeatedly the candidate farthest (max of min
      Tanimoto distance) from those picked, ties broken by score.

    Args:
        scores: array of shape ``(n,)``, higher is better.
        fingerprints: 0/1 array of shape ``(n, d)``.
        batch_size: molecules to pick; at most ``n`` are returned.

    Returns:
        int64 array of distinct positions into ``scores``, picked order.
    """
    scores = np.asarray(scores, dtype=np.float64)
    n = scores.shape[0]
    if fingerprints.shape[0] != n:
        raise ValueError(f"{n} scores but {fingerprints.shape[0]} fingerprints")
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    if not 0.0 <= random_fraction <= 1.0:
        raise ValueError("random_fraction must be in [0, 1]")
    if diversity not in ("none", "maxmin", "exclusion"):
        raise UnknownNameError(f"unknown diversity {diversity!r}")
    rng = rng if rng is not None else np.random.default_rng(0)
    k = min(batch_size, n)
    n_random = int(round(random_fraction * k))
    n_top = k - n_random
    order = np.argsort(-scores, kind="stable")
    if diversity == "none" or n_top <= 1:
        picked = list(order[:n_top])
    else:
        cand = order[: max(n_top, candidate_factor * n_top)]
        sim = tanimoto_matrix(fingerprints[cand], fingerprints[cand])
        pick_local = (_exclusion if diversity == "exclusion" else _maxmin)(
            sim, n_top, max_similarity
        )
        picked = [int(cand[i]) for i in pick_local]
    if n_random:
        rest = np.setdiff1d(np.arange(n), np.asarray(picked, dtype=np.int64))
        picked += list(rng.choice(rest, size=min(n_random, rest.shape[0]), replace=False))
    return np.asarray(picked, dtype=np.int64)


def _exclusion(sim: np.ndarray, k: int, max_similarity: float) -> list[int]:
    """Positions 0..m-1 (already in score order) kept by sphere exclusion, topped up by score."""
    chosen: list[int] = []
    for i in range(sim.shape[0]):
        if not chosen or sim[i, chosen].max() < max_similarity:
            chosen.append(i)
            if len(chosen) == k:
                return chosen
    for i in range(sim.shape[0]):
        if i not in chosen:
            chosen.append(i)
            if len(chosen) == k:
                break
    return chosen


def _maxmin(sim: np.ndarray, k: int, _max_similarity: float) -> list[int]:
    """MaxMin on Tanimoto distance among candidates in score order, starting at the best."""
    chosen = [0]
    min_dist = 1.0 - sim[0]
    min_dist[0] = -np.inf
    while len(chosen) < k:
        nxt = int(np.argmax(min_dist))  # argmax takes the first (best-scored) of ties
        chosen.append(nxt)
        min_dist = np.minimum(min_dist, 1.0 - sim[nxt])
        min_dist[chosen] = -np.inf
    return chosen


def maxmin_pick(
    fingerprints: np.ndarray, k: int, rng: np.random.Generator, exclude: np.ndarray | None = None
) -> np.ndarray:
    """``k`` mutually dissimilar molecules from a whole pool (MaxMin on Tanimoto distance).

    Starts from a random molecule, then repeatedly adds the one farthest from those picked.

    Args:
        fingerprints: 0/1 array of shape ``(n, d)``.
        k: number to pick (at most ``n`` minus excluded).
        rng: picks the first molecule.
        exclude: positions never to pick.

    Returns:
        int64 array of ``k`` positions.
    """
    n = fingerprints.shape[0]
    allowed = np.ones(n, dtype=bool)
    if exclude is not None:
        allowed[exclude] = False
    k = min(k, int(allowed.sum()))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    first = int(rng.choice(np.flatnonzero(allowed)))
    picked = [first]
    min_dist = 1.0 - tanimoto_matrix(fingerprints[[first]], fingerprints)[0]
    min_dist[~allowed] = -np.inf
    min_dist[first] = -np.inf
    while len(picked) < k:
        nxt = int(np.argmax(min_dist))
        picked.append(nxt)
        min_dist = np.minimum(min_dist, 1.0 - tanimoto_matrix(fingerprints[[nxt]], fingerprints)[0])
        min_dist[picked] = -np.inf
    return np.asarray(picked, dtype=np.int64)

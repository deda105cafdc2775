from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from surrogates.acquisition import (
    ACQUISITIONS,
    AcquisitionContext,
    acquisition_scores,
    maxmin_pick,
    select_batch,
)
from surrogates.errors import UnknownNameError

MEAN = np.array([1.0, 3.0, 2.0, 0.0])
STD = np.array([0.1, 0.1, 2.0, 0.0])


def _best(name: str, maximize: bool = True, **kw: float) -> int:
    ctx = AcquisitionContext(best=2.5 if maximize else 0.5, maximize=maximize, **kw)
    return int(np.argmax(acquisition_scores(name, MEAN, STD, ctx)))


def test_registry_holds_the_six() -> None:
    assert set(ACQUISITIONS) == {"greedy", "ucb", "ei", "pi", "thompson", "random"}


def test_greedy_and_ucb_pick_the_right_item() -> None:
    assert _best("greedy") == 1
    assert _best("greedy", maximize=False) == 3
    assert _best("ucb", beta=0.0) == 1
    assert _best("ucb", beta=2.0) == 2  # 2 + 2*2 = 6 beats 3 + 0.2


def test_ei_and_pi_against_closed_form() -> None:
    ctx = AcquisitionContext(best=2.5)
    ei = acquisition_scores("ei", MEAN, STD, ctx)
    z = (MEAN[:3] - 2.5) / STD[:3]
    np.testing.assert_allclose(ei[:3], (MEAN[:3] - 2.5) * norm.cdf(z) + STD[:3] * norm.pdf(z))
    assert ei[3] == 0.0  # std 0, below best
    pi = acquisition_scores("pi", MEAN, STD, ctx)
    np.testing.assert_allclose(pi[:3], norm.cdf(z))
    assert _best("ei") == 2 and _best("pi") == 1
    # minimizing: best 0.5; item 3 (mean 0, std 0) improves by 0.5 for sure
    assert acquisition_scores("pi", MEAN, STD, AcquisitionContext(best=0.5, maximize=False))[3] == 1


def test_thompson_without_noise_is_greedy_and_random_is_seeded() -> None:
    ctx = AcquisitionContext(best=0.0, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(acquisition_scores("thompson", MEAN, np.zeros(4), ctx), MEAN)
    a = acquisition_scores(
        "random", MEAN, STD, AcquisitionContext(0.0, rng=np.random.default_rng(3))
    )
    b = acquisition_scores(
        "random", MEAN, STD, AcquisitionContext(0.0, rng=np.random.default_rng(3))
    )
    np.testing.assert_array_equal(a, b)


def test_bad_inputs() -> None:
    ctx = AcquisitionContext(best=0.0)
    with pytest.raises(UnknownNameError):
        acquisition_scores("nope", MEAN, STD, ctx)
    with pytest.raises(ValueError):
        acquisition_scores("ucb", MEAN, -STD - 1, ctx)
    with pytest.raises(ValueError):
        acquisition_scores("ucb", MEAN, STD[:3], ctx)


def _fingerprints() -> np.ndarray:
    """Items 0, 1, 2 identical; 3, 4 distinct from them and from each other."""
    fps = np.zeros((5, 12), dtype=np.uint8)
    fps[0:3, 0:4] = 1
    fps[3, 4:8] = 1
    fps[4, 8:12] = 1
    return fps


def test_select_batch_without_diversity_takes_top_scores() -> None:
    scores = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    np.testing.assert_array_equal(
        select_batch(scores, _fingerprints(), 3, diversity="none"), [0, 1, 2]
    )


@pytest.mark.parametrize("diversity", ["exclusion", "maxmin"])
def test_select_batch_diversity_skips_near_duplicates(diversity: str) -> None:
    scores = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    picked = select_batch(scores, _fingerprints(), 3, diversity=diversity)  # type: ignore[arg-type]
    assert picked[0] == 0
    assert sorted(picked.tolist()) == [0, 3, 4]


def test_exclusion_tops_up_when_too_few_are_distinct() -> None:
    scores = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    fps = np.ones((5, 8), dtype=np.uint8)
    np.testing.assert_array_equal(select_batch(scores, fps, 2, diversity="exclusion"), [0, 1])


def test_random_fraction() -> None:
    scores = np.arange(100, dtype=float)
    fps = np.eye(100, dtype=np.uint8)
    picked = select_batch(
        scores, fps, 10, diversity="none", random_fraction=0.3, rng=np.random.default_rng(0)
    )
    assert len(set(picked.tolist())) == 10
    assert set(picked[:7].tolist()) == set(range(93, 100))


def test_maxmin_pick_spreads_over_clusters() -> None:
    fps = _fingerprints()
    picked = maxmin_pick(fps, 3, np.random.default_rng(0))
    assert len({int(i) for i in picked}) == 3
    assert len({0, 1, 2} & set(picked.tolist())) == 1
    assert (
        maxmin_pick(fps, 3, np.random.default_rng(0), exclude=np.array([3])).tolist().count(3) == 0
    )

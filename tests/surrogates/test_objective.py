"""The campaign objective: maximize, minimize or a target window, as a utility (higher is
better); a window campaign fills its batches with molecules inside the window."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from surrogates import (
    CampaignSettings,
    InMemoryCampaignStore,
    LookupOracle,
    SurrogateSettings,
    make_surrogate,
    run_campaign,
)
from surrogates.objective import objective_label, utility, utility_moments

WINDOW = CampaignSettings(target_window=(-3.0, -2.0))


def test_utility_of_each_objective() -> None:
    y = np.array([-5.0, -2.5, 0.0])
    assert utility(y, CampaignSettings(maximize=True)).tolist() == [-5.0, -2.5, 0.0]
    assert utility(y, CampaignSettings(maximize=False)).tolist() == [5.0, 2.5, -0.0]
    assert utility(y, WINDOW).tolist() == [-2.0, 0.0, -2.0]  # minus the distance to the window
    assert objective_label(WINDOW) == "in [-3, -2]"
    with pytest.raises(ValidationError, match="low <= high"):
        CampaignSettings(target_window=(1.0, 0.0))


def test_utility_moments() -> None:
    rng = np.random.default_rng(0)
    mean, std = np.array([-2.5, 3.0]), np.array([1e-6, 0.5])
    m, s = utility_moments(mean, std, CampaignSettings(maximize=False), rng)
    assert m.tolist() == [2.5, -3.0] and s.tolist() == std.tolist()  # exact
    m, s = utility_moments(mean, std, WINDOW, rng)
    assert abs(m[0]) < 1e-9 and s[0] < 1e-6  # surely inside: utility 0
    assert m[1] == pytest.approx(-5.0, abs=0.1) and s[1] == pytest.approx(0.5, abs=0.05)


def test_window_campaign_finds_molecules_in_the_window(esol) -> None:  # type: ignore[no-untyped-def]
    oracle = LookupOracle(dict(zip(esol.smiles, esol.y.tolist(), strict=True)))
    low, high = -6.5, -5.0  # 9 % of ESOL
    inside = (esol.y >= low) & (esol.y <= high)
    settings = CampaignSettings(
        target="log_solubility", target_window=(low, high), acquisition="greedy",
        init_size=40, batch_size=20, rounds=4, seed=1, diversity="none",
    )  # fmt: skip
    rf = SurrogateSettings(kind="rf", rf_n_trees=50)
    state = run_campaign(
        "w", esol.smiles, oracle, InMemoryCampaignStore(), settings, rf,
        pool_features=make_surrogate(rf).featurize(esol.smiles),
    )  # fmt: skip
    later = [e.value for e in state.evaluations if e.round >= 1 and e.value is not None]
    hit_rate = np.mean([low <= v <= high for v in later])
    # random picks hit inside.mean() (0.09); this seeded run hits about twice that or more
    assert hit_rate > 2 * inside.mean(), (hit_rate, inside.mean())

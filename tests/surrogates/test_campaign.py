"""The active-learning loop on a lookup oracle: finds top molecules, persists, resumes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from molecules.errors import InputFileError
from surrogates import (
    CampaignError,
    CampaignSettings,
    CampaignState,
    InMemoryCampaignStore,
    LookupOracle,
    OracleError,
    OracleResult,
    SurrogateSettings,
    make_surrogate,
    run_campaign,
    stop_reason,
)

RF = SurrogateSettings(kind="rf")


class _Killed(Exception):
    """Stands for kill -9 in the middle of a campaign."""


class DyingOracle:
    """Answers ``lives`` SMILES, then dies on the next call."""

    def __init__(self, inner: LookupOracle, lives: int) -> None:
        self.inner, self.lives = inner, lives

    def evaluate(self, smiles: Sequence[str]) -> list[OracleResult]:
        if self.lives < len(smiles):
            raise _Killed
        self.lives -= len(smiles)
        return self.inner.evaluate(smiles)


@pytest.fixture(scope="module")
def esol_oracle(esol):  # type: ignore[no-untyped-def]
    return LookupOracle(dict(zip(esol.smiles, esol.y.tolist(), strict=True)))


@pytest.fixture(scope="module")
def pool_features(esol):  # type: ignore[no-untyped-def]
    return make_surrogate(RF).featurize(esol.smiles)


def _top_found(state: CampaignState, esol, fraction: float = 0.01) -> int:  # type: ignore[no-untyped-def]
    k = int(np.ceil(fraction * len(esol.smiles)))
    threshold = np.sort(esol.y)[k - 1]  # minimizing: the least soluble 1 %
    top = {s for s, v in zip(esol.smiles, esol.y, strict=True) if v <= threshold}
    return len(top & {e.smiles for e in state.evaluations})


def _settings(acquisition: str, **kw: object) -> CampaignSettings:
    base = dict(
        maximize=False,
        acquisition=acquisition,
        init_size=20,
        batch_size=20,
        rounds=7,
        seed=3,
        target="log_solubility",
    )
    base.update(kw)
    return CampaignSettings(**base)  # type: ignore[arg-type]


@pytest.mark.slow
def test_active_learning_beats_random(esol, esol_oracle, pool_features) -> None:  # type: ignore[no-untyped-def]
    found = {}
    for acq in ("greedy", "ucb", "random"):
        esol_oracle.calls.clear()
        state = run_campaign(
            "c",
            esol.smiles,
            esol_oracle,
            InMemoryCampaignStore(),
            _settings(acq),
            RF,
            pool_features=pool_features,
        )
        assert state.status == "finished" and state.stop_reason == "rounds"
        assert len(state.evaluations) == len(esol_oracle.calls) == 160
        assert len(set(esol_oracle.calls)) == 160
        found[acq] = _top_found(state, esol)
    # 12 molecules in the top 1 %; random expects 160/1123 * 12 ≈ 1.7. Seeded run: greedy 6,
    # ucb 8, random 2 (benchmarks/surrogates.py averages over seeds)
    assert found["random"] <= 4, found
    for acq in ("greedy", "ucb"):
        assert found[acq] >= 5 and found[acq] >= found["random"] + 3, found


def test_resume_after_kill_repeats_no_oracle_call(esol, esol_oracle, pool_features) -> None:  # type: ignore[no-untyped-def]
    settings = _settings("ucb", rounds=3, init_strategy="diverse", oracle_chunk_size=3)
    reference = run_campaign(
        "ref",
        esol.smiles,
        esol_oracle,
        InMemoryCampaignStore(),
        settings,
        RF,
        pool_features=pool_features,
    )
    store = InMemoryCampaignStore()
    asked: list[str] = []
    for lives in (7, 31, 3):  # dies mid-chunk, mid-round, and again
        oracle = DyingOracle(esol_oracle, lives)
        esol_oracle.calls.clear()
        with pytest.raises(_Killed):
            run_campaign("c", esol.smiles, oracle, store, settings, RF, pool_features=pool_features)
        asked += esol_oracle.calls
    esol_oracle.calls.clear()
    final = run_campaign(
        "c", esol.smiles, esol_oracle, store, settings, RF, pool_features=pool_features
    )
    asked += esol_oracle.calls
    assert len(asked) == len(set(asked)) == len(final.evaluations)
    assert final.status == "finished"
    assert [e.smiles for e in final.evaluations] == [e.smiles for e in reference.evaluations]
    assert final.rounds == reference.rounds
    # a finished campaign resumes as a no-op
    esol_oracle.calls.clear()
    assert run_campaign("c", esol.smiles, esol_oracle, store, settings, RF) == final
    assert esol_oracle.calls == []


def test_state_json_round_trip(esol, esol_oracle, pool_features) -> None:  # type: ignore[no-untyped-def]
    store = InMemoryCampaignStore()
    state = run_campaign(
        "c",
        esol.smiles,
        esol_oracle,
        store,
        _settings("ei", rounds=1),
        RF,
        pool_features=pool_features,
    )
    assert CampaignState.from_json(state.to_json()) == state
    assert store.events[0] == ("round", "c") and store.events[-1] == ("finish", "c")
    assert [k for k, _ in store.events].count("evaluation") == 40
    with pytest.raises(CampaignError):
        CampaignState.from_dict({**state.to_dict(), "version": 99})


def test_failures_are_recorded_not_retried(esol, pool_features) -> None:  # type: ignore[no-untyped-def]
    half = {
        s: (v if i % 2 else None) for i, (s, v) in enumerate(zip(esol.smiles, esol.y, strict=True))
    }
    oracle = LookupOracle(half)
    state = run_campaign(
        "c",
        esol.smiles,
        oracle,
        InMemoryCampaignStore(),
        _settings("greedy", rounds=2, budget=50),
        RF,
        pool_features=pool_features,
    )
    assert state.stop_reason == "budget" and len(state.evaluations) == 50
    failed = [e for e in state.evaluations if e.error is not None]
    assert failed and all(e.value is None for e in failed)
    assert len(oracle.calls) == len(set(oracle.calls)) == 50


def test_convergence_stop(esol, pool_features) -> None:  # type: ignore[no-untyped-def]
    flat = LookupOracle(dict.fromkeys(esol.smiles, 1.0))
    state = run_campaign(
        "c",
        esol.smiles,
        flat,
        InMemoryCampaignStore(),
        _settings("greedy", rounds=10, patience=2),
        RF,
        pool_features=pool_features,
    )
    assert state.stop_reason == "converged" and len(state.rounds) == 3
    assert stop_reason(state) == "converged"


def test_resume_refuses_other_pool_or_settings(esol, esol_oracle, pool_features) -> None:  # type: ignore[no-untyped-def]
    store = InMemoryCampaignStore()
    run_campaign(
        "c",
        esol.smiles,
        esol_oracle,
        store,
        _settings("greedy", rounds=0),
        RF,
        pool_features=pool_features,
    )
    with pytest.raises(CampaignError, match="pool"):
        run_campaign("c", esol.smiles[1:], esol_oracle, store, _settings("greedy", rounds=0), RF)
    with pytest.raises(CampaignError, match="settings"):
        run_campaign("c", esol.smiles, esol_oracle, store, _settings("ucb", rounds=0), RF)
    with pytest.raises(CampaignError, match="duplicate"):
        run_campaign("d", ["CCO", "CCO"], esol_oracle, store, _settings("greedy"), RF)


def test_oracle_contract_is_checked(esol, pool_features) -> None:  # type: ignore[no-untyped-def]
    class Liar:
        def evaluate(self, smiles: Sequence[str]) -> list[OracleResult]:
            return [OracleResult("C", value=1.0) for _ in smiles]

    with pytest.raises(OracleError):
        run_campaign(
            "c",
            esol.smiles,
            Liar(),
            InMemoryCampaignStore(),
            _settings("greedy"),
            RF,
            pool_features=pool_features,
        )


def test_lookup_oracle_from_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "t.csv"
    path.write_text("smiles,v\nCCO,1.5\nCCN,\nCCO ,2.5\n")
    with pytest.raises(OracleError):
        LookupOracle.from_csv(path, "v")
    oracle = LookupOracle.from_csv(path, "v", on_duplicate="mean")
    res = oracle.evaluate(["CCO", "CCN", "CCC"])
    assert res[0].value == 2.0 and res[1].error and res[2].error and not res[2].ok
    with pytest.raises(InputFileError, match="missing"):
        LookupOracle.from_csv(path, "w")
    with pytest.raises(InputFileError, match="No such file"):
        LookupOracle.from_csv(tmp_path / "absent.csv", "v")
    canonical = LookupOracle.from_csv(
        path, "v", on_duplicate="mean", normalize=lambda s: None if s == "CCN" else s + "!"
    )
    assert len(canonical) == 1 and canonical.evaluate(["CCO!"])[0].value == 2.0
    with pytest.raises(ValueError):
        OracleResult("C")

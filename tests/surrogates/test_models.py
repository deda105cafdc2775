"""Each surrogate fits ESOL, predicts sensibly, saves and loads safely."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor

from surrogates import (
    SURROGATES,
    BaseSurrogate,
    NotFittedError,
    SurrogateSettings,
    UnknownNameError,
    WeightsIntegrityError,
    load_surrogate,
    make_surrogate,
    regression_metrics,
)
from surrogates.base import surrogate_class
from surrogates.forest import flatten_forest

# honest lower bounds on held-out R² (300 train / 150 test); measured: rf 0.54, gp 0.63,
# dmpnn (2 members, 20 epochs) about 0.75
R2_BOUND = {"rf": 0.4, "gp": 0.5, "dmpnn": 0.55}
SETTINGS = {
    "rf": SurrogateSettings(kind="rf", rf_n_trees=60),
    "gp": SurrogateSettings(kind="gp"),
    "dmpnn": SurrogateSettings(kind="dmpnn", n_members=2, epochs=20, dmpnn_torch_threads=1),
}


@pytest.fixture(scope="module", params=["rf", "gp", pytest.param("dmpnn", marks=pytest.mark.slow)])
def fitted(request: pytest.FixtureRequest, esol, esol_split):  # type: ignore[no-untyped-def]
    model = make_surrogate(SETTINGS[request.param])
    train, test = esol_split
    # featurize only the split, kept at the original positions the tests index with
    used = np.concatenate([train, test])
    sub = model.featurize([esol.smiles[i] for i in used])
    where = np.full(len(esol.smiles), -1)
    where[used] = np.arange(len(used))
    model.fit_features(sub.subset(where[train]), esol.y[train])
    return model, _Remap(sub, where)


class _Remap:
    """A FeatureSet view indexed by positions in the full ESOL list."""

    def __init__(self, features, where):  # type: ignore[no-untyped-def]
        self.features, self.where = features, where

    def subset(self, index):  # type: ignore[no-untyped-def]
        return self.features.subset(self.where[np.asarray(index)])


def test_registry() -> None:
    for name in ("rf", "gp", "dmpnn"):
        assert surrogate_class(name).name == name
    assert set(SURROGATES) >= {"rf", "gp"}
    with pytest.raises(UnknownNameError):
        surrogate_class("svm")


def test_fit_predict_sensible(fitted, esol, esol_split) -> None:  # type: ignore[no-untyped-def]
    model, features = fitted
    _, test = esol_split
    mean, std = model.predict_features(features.subset(test))
    assert mean.shape == std.shape == (len(test),)
    assert np.all(np.isfinite(mean)) and np.all(std >= 0) and std.max() > 0
    metrics = regression_metrics(esol.y[test], mean, std)
    assert metrics.r2 > R2_BOUND[model.name], metrics
    # predict(smiles) is featurize + predict_features
    m2, s2 = model.predict([esol.smiles[i] for i in test[:5]])
    np.testing.assert_allclose(m2, mean[:5], rtol=1e-6, atol=1e-6)


def test_novelty_flag(fitted, esol, esol_split) -> None:  # type: ignore[no-untyped-def]
    model, features = fitted
    train, _ = esol_split
    seen = model.novelty(features.subset(train[:3]))
    np.testing.assert_allclose(seen.max_similarity, 1.0)
    assert not seen.is_novel.any()
    far = model.novelty(model.featurize(["[Xe]", "FS(F)(F)(F)(F)F"]))
    assert far.is_novel.all() and far.threshold == model.settings.novelty_tanimoto_threshold


def test_save_load_round_trip_and_tamper(fitted, esol_split, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    model, features = fitted
    _, test = esol_split
    sub = features.subset(test[:40])
    files = model.save(tmp_path / "m")
    assert files[-1].name == "manifest.json" and all(f.is_file() for f in files)
    assert not any(f.suffix in (".pkl", ".pickle", ".joblib") for f in files)
    again = load_surrogate(tmp_path / "m")
    assert type(again) is type(model)
    for a, b in zip(model.predict_features(sub), again.predict_features(sub), strict=True):
        np.testing.assert_array_equal(a, b)
    # flip one byte in the largest weight file: the sha256 check refuses it
    target = max(files[:-1], key=lambda f: f.stat().st_size)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(WeightsIntegrityError, match="sha256"):
        load_surrogate(tmp_path / "m")


def test_load_refuses_missing_manifest_and_other_kind(fitted, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    model, _ = fitted
    model.save(tmp_path / "m")
    other = next(c for n, c in SURROGATES.items() if n != model.name)
    with pytest.raises(WeightsIntegrityError):
        other.load(tmp_path / "m")
    (tmp_path / "m" / "manifest.json").unlink()
    with pytest.raises(WeightsIntegrityError):
        load_surrogate(tmp_path / "m")


def test_manifest_cannot_point_outside(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"sha256": {"../x": "00"}}))
    with pytest.raises(WeightsIntegrityError, match="escapes"):
        load_surrogate(tmp_path)


@pytest.mark.parametrize("kind", ["rf", "gp"])
def test_input_errors(kind: str, esol) -> None:  # type: ignore[no-untyped-def]
    model: BaseSurrogate = make_surrogate(SurrogateSettings(kind=kind))
    with pytest.raises(NotFittedError):
        model.predict(["CCO"])
    with pytest.raises(ValueError):
        model.fit(esol.smiles[:5], esol.y[:4])
    with pytest.raises(ValueError):
        model.fit(esol.smiles[:2], [1.0, float("nan")])
    with pytest.raises(ValueError):
        make_surrogate(SurrogateSettings(kind="rf")).__class__(SurrogateSettings(kind="gp"))


def test_flat_forest_equals_scikit_learn(esol, esol_split) -> None:  # type: ignore[no-untyped-def]
    model = make_surrogate(SurrogateSettings(kind="rf"))
    features = model.featurize(esol.smiles)
    train, test = esol_split
    forest = RandomForestRegressor(n_estimators=20, max_features=0.3, random_state=0)
    forest.fit(features.fingerprints[train], esol.y[train])
    flat_forest = flatten_forest(forest)
    flat = flat_forest.predict_trees(features.fingerprints[test])
    np.testing.assert_allclose(
        flat.mean(0), forest.predict(features.fingerprints[test]), atol=1e-12
    )
    per_tree = np.stack([t.predict(features.fingerprints[test]) for t in forest.estimators_])
    np.testing.assert_array_equal(flat, per_tree)
    np.testing.assert_array_equal(flat_forest.predict_trees(features.fingerprints[test], 7), flat)
    with pytest.raises(ValueError, match="binary"):
        flat_forest.predict_trees(features.fingerprints[test] * 2)


def test_gp_against_direct_formula(esol) -> None:  # type: ignore[no-untyped-def]
    from surrogates.featurize import tanimoto_matrix

    s = SurrogateSettings(kind="gp", gp_optimize=False, gp_noise_init=0.2)
    model = make_surrogate(s)
    features = model.featurize(esol.smiles[:60])
    y = esol.y[:60]
    model.fit_features(features.subset(range(50)), y[:50])
    mean, std = model.predict_features(features.subset(range(50, 60)))
    x, q = features.fingerprints[:50], features.fingerprints[50:]
    ys = (y[:50] - y[:50].mean()) / y[:50].std()
    a = tanimoto_matrix(x, x) + 0.2 * np.eye(50)
    k = tanimoto_matrix(q, x)
    exp_mean = k @ np.linalg.solve(a, ys) * y[:50].std() + y[:50].mean()
    exp_var = 1.0 - np.einsum("ij,ji->i", k, np.linalg.solve(a, k.T))
    np.testing.assert_allclose(mean, exp_mean, atol=1e-6)
    np.testing.assert_allclose(std, np.sqrt(exp_var) * y[:50].std(), atol=1e-6)


def test_dmpnn_fast_inference_equals_deepchem_forward(fitted, esol_split) -> None:  # type: ignore[no-untyped-def]
    model, features = fitted
    if model.name != "dmpnn":
        pytest.skip("DMPNN only")
    _, test = esol_split
    sub = features.subset(test)
    fast = model.predict_members(sub)
    ref = model.predict_members(sub, reference=True)
    assert fast.shape == (2, len(test))
    np.testing.assert_allclose(fast, ref, rtol=1e-5, atol=1e-5)
    assert not np.allclose(fast[0], fast[1])  # members differ (seeds, bootstrap)

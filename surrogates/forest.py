"""Random forest on Morgan fingerprints; uncertainty is the spread across trees.

Trained with scikit-learn, then flattened into plain arrays (children, split feature,
threshold, leaf value) that predict with vectorized numpy and are saved as ``.npz`` read with
``allow_pickle=False`` — nothing pickled, nothing executed on load, and the file does not
depend on scikit-learn's private ``Tree`` layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from sklearn.ensemble import RandomForestRegressor

from surrogates.base import BaseSurrogate, EpochCallback, FeatureSet, register_surrogate
from surrogates.errors import WeightsIntegrityError
from surrogates.settings import SurrogateSettings

WEIGHTS_NAME = "forest.npz"


@dataclass(frozen=True)
class FlatForest:
    """All trees of a forest in concatenated node arrays (``n_nodes`` total).

    Leaves point to themselves in ``left`` and ``right``, so descending ``depth`` steps from
    each root lands every sample on its leaf.

    Attributes:
        left, right: int64 arrays of shape ``(n_nodes,)``, global child indices.
        feature: int64 array ``(n_nodes,)``, split feature (0 at leaves).
        threshold: float64 array ``(n_nodes,)``; go left when ``x[feature] <= threshold``.
        value: float64 array ``(n_nodes,)``, prediction at each node (used at leaves).
        roots: int64 array ``(n_trees,)``, global index of each tree's root.
        depth: maximum tree depth.
    """

    left: np.ndarray
    right: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    value: np.ndarray
    roots: np.ndarray
    depth: int

    @cached_property
    def _child_by_bit(self) -> np.ndarray:
        """int32 ``(2 * n_nodes,)``: entry ``2 * node + b`` is where a sample with bit ``b``
        at ``feature[node]`` goes (``b <= threshold``: left); leaves point to themselves."""
        go = [np.where(bit <= self.threshold, self.left, self.right) for bit in (0, 1)]
        return np.stack(go, axis=1).astype(np.int32).ravel()

    @cached_property
    def _is_leaf(self) -> np.ndarray:
        return self.left == np.arange(self.left.shape[0])

    def predict_trees(self, x: np.ndarray, chunk: int = 1024) -> np.ndarray:
        """Per-tree predictions, array of shape ``(n_trees, n)``, for 0/1 features ``x (n, d)``.

        Every (tree, molecule) pair descends one level per step, all pairs at once; pairs
        that reached a leaf are set aside only once they are at least half of those still
        moving (a leaf points to itself, so leaving it in the set is harmless, and
        compacting the set at every level costs more than it saves).
        """
        if x.size and (x.min() < 0 or x.max() > 1):
            raise ValueError("the forest walks binary (0/1) fingerprints only")
        n, d = x.shape
        n_trees = self.roots.shape[0]
        child, feature, is_leaf = self._child_by_bit, self.feature.astype(np.int32), self._is_leaf
        out = np.empty((n_trees, n), dtype=np.float64)
        for start in range(0, n, chunk):
            bits = np.ascontiguousarray(x[start : start + chunk], dtype=np.uint8).ravel()
            m = min(chunk, n - start)
            node = np.repeat(self.roots.astype(np.int32), m)
            row = np.tile(np.arange(m, dtype=np.int32) * d, n_trees)
            pair = np.arange(node.shape[0], dtype=np.int32)
            leaf_of_pair = np.empty(node.shape[0], dtype=np.int32)
            while node.shape[0]:
                node = np.take(child, 2 * node + np.take(bits, np.take(feature, node) + row))
                done = np.take(is_leaf, node)
                n_done = np.count_nonzero(done)
                if n_done == node.shape[0]:
                    leaf_of_pair[pair] = node
                    break
                if 2 * n_done >= node.shape[0]:
                    leaf_of_pair[pair[done]] = node[done]
                    moving = ~done
                    node, row, pair = node[moving], row[moving], pair[moving]
            out[:, start : start + m] = np.take(self.value, leaf_of_pair).reshape(n_trees, m)
        return out


def flatten_forest(forest: RandomForestRegressor) -> FlatForest:
    """Copy a fitted single-output scikit-learn forest into a :class:`FlatForest`."""
    lefts, rights, feats, thresholds, values, roots = [], [], [], [], [], []
    offset = 0
    depth = 0
    for estimator in forest.estimators_:
        tree = estimator.tree_
        count = tree.node_count
        own = np.arange(count, dtype=np.int64) + offset
        leaf = tree.children_left == -1
        lefts.append(np.where(leaf, own, tree.children_left.astype(np.int64) + offset))
        rights.append(np.where(leaf, own, tree.children_right.astype(np.int64) + offset))
        feats.append(np.where(leaf, 0, tree.feature).astype(np.int64))
        thresholds.append(np.where(leaf, 0.0, tree.threshold).astype(np.float64))
        values.append(tree.value[:, 0, 0].astype(np.float64))
        roots.append(offset)
        offset += count
        depth = max(depth, int(tree.max_depth))
    return FlatForest(
        left=np.concatenate(lefts),
        right=np.concatenate(rights),
        feature=np.concatenate(feats),
        threshold=np.concatenate(thresholds),
        value=np.concatenate(values),
        roots=np.asarray(roots, dtype=np.int64),
        depth=depth,
    )


@register_surrogate
class RandomForestSurrogate(BaseSurrogate):
    """``rf``: random forest on Morgan bits; mean and std over the trees' predictions."""

    name = "rf"

    def __init__(self, settings: SurrogateSettings | None = None) -> None:
        super().__init__(settings)
        self._forest: FlatForest | None = None

    def _fit(self, features: FeatureSet, y: np.ndarray, on_epoch: EpochCallback) -> None:
        s = self.settings
        forest = RandomForestRegressor(
            n_estimators=s.rf_n_trees,
            max_features=s.rf_max_features,
            min_samples_leaf=s.rf_min_samples_leaf,
            random_state=s.seed,
            n_jobs=1,
        )
        forest.fit(features.fingerprints, y)
        self._forest = flatten_forest(forest)
        on_epoch()

    def _predict(self, features: FeatureSet) -> tuple[np.ndarray, np.ndarray]:
        assert self._forest is not None
        per_tree = self._forest.predict_trees(features.fingerprints)
        return per_tree.mean(0), per_tree.std(0)

    def _save_weights(self, directory: Path) -> list[Path]:
        assert self._forest is not None
        path = directory / WEIGHTS_NAME
        f = self._forest
        np.savez(
            path,
            left=f.left,
            right=f.right,
            feature=f.feature,
            threshold=f.threshold,
            value=f.value,
            roots=f.roots,
            depth=np.asarray(f.depth),
        )
        return [path]

    def _load_weights(self, directory: Path) -> None:
        with np.load(directory / WEIGHTS_NAME, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        n_nodes = arrays["value"].shape[0]
        for key in ("left", "right", "feature"):
            a = arrays[key]
            if a.shape != (n_nodes,) or a.min() < 0 or (key != "feature" and a.max() >= n_nodes):
                raise WeightsIntegrityError(f"{WEIGHTS_NAME}: array {key!r} is inconsistent")
        if arrays["feature"].max() >= self.settings.fp_bits:
            raise WeightsIntegrityError(f"{WEIGHTS_NAME}: split feature beyond fp_bits")
        self._forest = FlatForest(
            left=arrays["left"],
            right=arrays["right"],
            feature=arrays["feature"],
            threshold=arrays["threshold"],
            value=arrays["value"],
            roots=arrays["roots"],
            depth=int(arrays["depth"]),
        )

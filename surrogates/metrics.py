"""Held-out regression metrics, uncertainty calibration and the novelty flag."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from surrogates.featurize import max_tanimoto


@dataclass(frozen=True)
class RegressionMetrics:
    """Metrics of predictions on a held-out set.

    ``spearman_error_std`` is Spearman's rank correlation between |y − mean| and std: positive
    when the model is less sure where it is more wrong; ``nan`` when std is constant.
    """

    n: int
    rmse: float
    mae: float
    r2: float
    spearman_error_std: float


def regression_metrics(y_true: np.ndarray, mean: np.ndarray, std: np.ndarray) -> RegressionMetrics:
    """RMSE, MAE, R² and Spearman(|error|, std).

    Args:
        y_true: array of shape ``(n,)``, ``n >= 2``.
        mean: predicted means, shape ``(n,)``.
        std: predicted standard deviations, shape ``(n,)``.
    """
    y_true, mean, std = (np.asarray(a, dtype=np.float64) for a in (y_true, mean, std))
    if not (y_true.shape == mean.shape == std.shape) or y_true.ndim != 1:
        raise ValueError(f"shapes differ: y {y_true.shape}, mean {mean.shape}, std {std.shape}")
    if y_true.shape[0] < 2:
        raise ValueError("need at least two held-out values")
    err = y_true - mean
    ss_tot = float(np.sum((y_true - y_true.mean()) ** 2))
    r2 = 1.0 - float(np.sum(err**2)) / ss_tot if ss_tot > 0 else float("nan")
    if np.ptp(std) > 0 and np.ptp(np.abs(err)) > 0:
        from scipy.stats import spearmanr  # imported here: scipy.stats takes 0.8 s

        rho = float(spearmanr(np.abs(err), std).statistic)
    else:
        rho = float("nan")
    return RegressionMetrics(
        n=int(y_true.shape[0]),
        rmse=float(np.sqrt(np.mean(err**2))),
        mae=float(np.mean(np.abs(err))),
        r2=r2,
        spearman_error_std=rho,
    )


@dataclass(frozen=True)
class Novelty:
    """Nearest-neighbour similarity to the training set, per query molecule.

    Attributes:
        max_similarity: array of shape ``(n,)``, Tanimoto to the closest training molecule.
        is_novel: bool array of shape ``(n,)``, ``max_similarity < threshold``.
        threshold: the Tanimoto threshold used.
    """

    max_similarity: np.ndarray
    is_novel: np.ndarray
    threshold: float


def novelty(query_fps: np.ndarray, train_fps: np.ndarray, threshold: float) -> Novelty:
    """Flag query molecules whose nearest training neighbour has Tanimoto below ``threshold``.

    Args:
        query_fps: 0/1 fingerprints of shape ``(n, d)``.
        train_fps: 0/1 fingerprints of shape ``(m, d)`` of the training set.
        threshold: Tanimoto threshold in [0, 1].
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold {threshold} outside [0, 1]")
    sim = max_tanimoto(query_fps, train_fps)
    return Novelty(max_similarity=sim, is_novel=sim < threshold, threshold=threshold)

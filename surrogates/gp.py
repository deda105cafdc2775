"""Gaussian process regression on Morgan fingerprints with a Tanimoto kernel.

Model (targets standardized to zero mean, unit variance)::

    f ~ GP(0, s² T(x, x')),   y = f + ε,   ε ~ N(0, σ²)
    T(x, x') = <x, x'> / (|x|² + |x'|² − <x, x'>)          (Tanimoto; positive definite)

With A = s² K + σ² I = L Lᵀ and α = A⁻¹ y: mean(x*) = s² k*ᵀ α and
var(x*) = s² − |L⁻¹ s² k*|² (the latent f; noise not added). The log marginal likelihood
−½ yᵀα − Σ log L_ii − ½ n log 2π is maximized over (log s², log σ²) with L-BFGS-B and its
analytic gradient ∂/∂θ = ½ tr((ααᵀ − A⁻¹) ∂A/∂θ).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.linalg import cho_solve, cholesky, solve_triangular
from scipy.optimize import minimize

from surrogates.base import BaseSurrogate, EpochCallback, FeatureSet, register_surrogate
from surrogates.errors import WeightsIntegrityError
from surrogates.featurize import tanimoto_matrix
from surrogates.settings import SurrogateSettings

WEIGHTS_NAME = "gp.npz"
_JITTER = 1e-8
_LOG_BOUNDS = [(np.log(1e-3), np.log(1e2)), (np.log(1e-4), np.log(10.0))]


def negative_log_marginal_likelihood(
    log_params: np.ndarray, kernel: np.ndarray, y: np.ndarray
) -> tuple[float, np.ndarray]:
    """−log p(y | s², σ²) and its gradient with respect to ``(log s², log σ²)``.

    Args:
        log_params: array ``(2,)``: log signal variance, log noise variance.
        kernel: Tanimoto matrix of the training set, shape ``(n, n)``.
        y: standardized targets, shape ``(n,)``.
    """
    s2, n2 = np.exp(log_params)
    n = y.shape[0]
    a = s2 * kernel + (n2 + _JITTER) * np.eye(n)
    try:
        chol = cholesky(a, lower=True)
    except np.linalg.LinAlgError:
        return 1e25, np.zeros(2)
    alpha = cho_solve((chol, True), y)
    nll = 0.5 * y @ alpha + np.log(np.diag(chol)).sum() + 0.5 * n * np.log(2 * np.pi)
    inner = np.outer(alpha, alpha) - cho_solve((chol, True), np.eye(n))
    grad_s = -0.5 * np.sum(inner * kernel) * s2
    grad_n = -0.5 * np.trace(inner) * n2
    return float(nll), np.array([grad_s, grad_n])


@register_surrogate
class TanimotoGPSurrogate(BaseSurrogate):
    """``gp``: exact GP with a Tanimoto kernel on Morgan bits (fits up to a few thousand)."""

    name = "gp"

    def __init__(self, settings: SurrogateSettings | None = None) -> None:
        super().__init__(settings)
        self._state: dict[str, np.ndarray] | None = None

    def _fit(self, features: FeatureSet, y: np.ndarray, on_epoch: EpochCallback) -> None:
        x = features.fingerprints
        y_mean = float(y.mean())
        y_scale = float(y.std()) or 1.0
        ys = (y - y_mean) / y_scale
        kernel = tanimoto_matrix(x, x)
        log_params = np.array([0.0, np.log(self.settings.gp_noise_init)])
        if self.settings.gp_optimize:
            result = minimize(
                negative_log_marginal_likelihood,
                log_params,
                args=(kernel, ys),
                jac=True,
                method="L-BFGS-B",
                bounds=_LOG_BOUNDS,
            )
            log_params = result.x
        s2, n2 = np.exp(log_params)
        chol = cholesky(s2 * kernel + (n2 + _JITTER) * np.eye(len(ys)), lower=True)
        self._state = {
            "x_train": np.packbits(x.astype(bool), axis=1),
            "chol": chol,
            "alpha": cho_solve((chol, True), ys),
            "params": np.array([s2, n2, y_mean, y_scale]),
        }
        on_epoch()

    def _predict(self, features: FeatureSet) -> tuple[np.ndarray, np.ndarray]:
        assert self._state is not None
        st = self._state
        s2, _n2, y_mean, y_scale = st["params"]
        x_train = np.unpackbits(st["x_train"], axis=1, count=self.settings.fp_bits)
        k_star = s2 * tanimoto_matrix(features.fingerprints, x_train)
        mean = k_star @ st["alpha"]
        v = solve_triangular(st["chol"], k_star.T, lower=True)
        var = np.maximum(s2 - np.sum(v * v, axis=0), 0.0)
        return mean * y_scale + y_mean, np.sqrt(var) * y_scale

    def _save_weights(self, directory: Path) -> list[Path]:
        assert self._state is not None
        path = directory / WEIGHTS_NAME
        np.savez(path, **self._state)
        return [path]

    def _load_weights(self, directory: Path) -> None:
        with np.load(directory / WEIGHTS_NAME, allow_pickle=False) as data:
            state = {k: data[k] for k in ("x_train", "chol", "alpha", "params")}
        n = state["alpha"].shape[0]
        if (
            state["chol"].shape != (n, n)
            or state["x_train"].shape[0] != n
            or state["params"].shape != (4,)
        ):
            raise WeightsIntegrityError(f"{WEIGHTS_NAME}: array shapes are inconsistent")
        self._state = state

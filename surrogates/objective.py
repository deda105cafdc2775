"""The campaign objective: what "better" means for the target's values.

``maximize``, ``minimize``, or a target window ``[low, high]`` (covalent designs want a tuned,
moderate intrinsic reactivity, not the most reactive warhead). Everything downstream — the
acquisition functions, the best-so-far, convergence, the report's ranking — works on the
*utility* (higher is better): the value, minus the value, or minus the distance to the window
(0 inside it).
"""

from __future__ import annotations

import numpy as np

from surrogates.settings import CampaignSettings

_WINDOW_SAMPLES = 512


def utility(values: np.ndarray, settings: CampaignSettings) -> np.ndarray:
    """Utility of target values, shape ``(n,)`` → ``(n,)``; higher is better."""
    y = np.asarray(values, dtype=np.float64)
    if settings.target_window is not None:
        low, high = settings.target_window
        return -np.maximum(0.0, np.maximum(low - y, y - high))
    return y if settings.maximize else -y


def utility_moments(
    mean: np.ndarray, std: np.ndarray, settings: CampaignSettings, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std of the utility when the value is normal with ``mean`` and ``std``.

    Exact for maximize/minimize; for a window, estimated from samples (``rng``), since the
    distance to a window is not linear in the value.
    """
    mean, std = np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64)
    if settings.target_window is None:
        return (mean if settings.maximize else -mean), std
    draws = mean[:, None] + std[:, None] * rng.standard_normal((mean.shape[0], _WINDOW_SAMPLES))
    u = utility(draws, settings)
    return u.mean(axis=1), u.std(axis=1)


def objective_label(settings: CampaignSettings) -> str:
    """``"maximized"``, ``"minimized"`` or ``"in [low, high]"``."""
    if settings.target_window is not None:
        low, high = settings.target_window
        return f"in [{low:g}, {high:g}]"
    return "maximized" if settings.maximize else "minimized"

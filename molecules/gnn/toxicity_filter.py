"""GNN toxicity filter: reject molecules with any Tox21 probability above the threshold."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from molecules.settings import TriageSettings


def check_toxicity(
    probabilities: np.ndarray, tasks: Sequence[str], settings: TriageSettings
) -> tuple[str, ...]:
    """Reasons ``toxicity:<task>`` for each task whose probability exceeds the threshold.

    Args:
        probabilities: positive-class probabilities, shape ``(n_tasks,)``.
        tasks: task names, length ``n_tasks``.
        settings: ``toxicity_filter`` switch and ``max_toxicity_probability``.
    """
    if not settings.toxicity_filter:
        return ()
    limit = settings.max_toxicity_probability
    return tuple(f"toxicity:{t}" for t, p in zip(tasks, probabilities, strict=True) if p > limit)

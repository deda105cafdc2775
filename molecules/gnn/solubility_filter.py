"""GNN solubility filter: reject molecules whose predicted logS is below ``min_log_solubility``."""

from __future__ import annotations

import math

from molecules.settings import TriageSettings


def check_solubility(log_solubility: float, settings: TriageSettings) -> tuple[str, ...]:
    """Reason ``low_solubility`` when predicted log10 solubility (mol/L) is too low.

    Returns ``()`` when the filter is switched off (``solubility_filter=False``) or the
    value is NaN (featurization failed; that is reported separately).
    """
    if not settings.solubility_filter or math.isnan(log_solubility):
        return ()
    return ("low_solubility",) if log_solubility < settings.min_log_solubility else ()

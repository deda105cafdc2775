"""Synthetic accessibility: reject molecules whose SA score exceeds ``sa_score_max``.

Uses the Ertl-Schuffenhauer model shipped in the RDKit wheel (``Contrib/SA_Score``).
"""

from __future__ import annotations

from molecules.descriptors import MolContext
from molecules.filters.base import RuleFilter
from molecules.settings import TriageSettings


def check_sa_score(ctx: MolContext, settings: TriageSettings) -> tuple[str, ...]:
    """Reason ``sa_score`` when SA > ``sa_score_max``, else ``()``."""
    return ("sa_score",) if ctx.get("sa_score") > settings.sa_score_max else ()


FILTER = RuleFilter(
    name="sa_score",
    cost=200.0,
    check=check_sa_score,
    is_enabled=lambda s: s.sa_score_max < 10.0,
    description="synthetic accessibility <= sa_score_max (1 easy .. 10 hard)",
)

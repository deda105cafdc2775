"""QED threshold: reject molecules whose drug-likeness QED is below ``qed_min``."""

from __future__ import annotations

from molecules.descriptors import MolContext
from molecules.filters.base import RuleFilter
from molecules.settings import TriageSettings


def check_qed(ctx: MolContext, settings: TriageSettings) -> tuple[str, ...]:
    """Reason ``qed`` when QED < ``qed_min``, else ``()``."""
    return ("qed",) if ctx.get("qed") < settings.qed_min else ()


FILTER = RuleFilter(
    name="qed",
    cost=300.0,
    check=check_qed,
    is_enabled=lambda s: s.qed_min > 0.0,
    description="QED >= qed_min (Bickerton et al. 2012)",
)

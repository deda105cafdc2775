"""Required substructures: reject molecules missing any of ``require_smarts``."""

from __future__ import annotations

from molecules.descriptors import MolContext
from molecules.filters.base import RuleFilter
from molecules.filters.smarts import compile_smarts
from molecules.settings import TriageSettings


def check_require_smarts(ctx: MolContext, settings: TriageSettings) -> tuple[str, ...]:
    """Reasons ``missing_smarts:<pattern>`` for each required pattern not matched."""
    queries = compile_smarts(tuple(settings.require_smarts))
    return tuple(
        f"missing_smarts:{pattern}"
        for pattern, query in zip(settings.require_smarts, queries, strict=True)
        if not ctx.mol.HasSubstructMatch(query)
    )


FILTER = RuleFilter(
    name="require_smarts",
    cost=10.0,
    check=check_require_smarts,
    is_enabled=lambda s: bool(s.require_smarts),
    description="every SMARTS of require_smarts must match",
)

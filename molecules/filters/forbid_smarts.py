"""Forbidden substructures: reject molecules matching any of ``forbid_smarts``."""

from __future__ import annotations

from molecules.descriptors import MolContext
from molecules.filters.base import RuleFilter
from molecules.filters.smarts import compile_smarts
from molecules.settings import TriageSettings


def check_forbid_smarts(ctx: MolContext, settings: TriageSettings) -> tuple[str, ...]:
    """Reasons ``forbidden_smarts:<pattern>`` for each forbidden pattern matched."""
    queries = compile_smarts(tuple(settings.forbid_smarts))
    return tuple(
        f"forbidden_smarts:{pattern}"
        for pattern, query in zip(settings.forbid_smarts, queries, strict=True)
        if ctx.mol.HasSubstructMatch(query)
    )


FILTER = RuleFilter(
    name="forbid_smarts",
    cost=10.0,
    check=check_forbid_smarts,
    is_enabled=lambda s: bool(s.forbid_smarts),
    description="no SMARTS of forbid_smarts may match",
)

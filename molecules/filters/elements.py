"""Element allow-list: reject molecules holding elements outside ``allowed_elements``."""

from __future__ import annotations

from molecules.descriptors import MolContext
from molecules.filters.base import RuleFilter
from molecules.settings import TriageSettings


def check_elements(ctx: MolContext, settings: TriageSettings) -> tuple[str, ...]:
    """Reasons ``unsupported_element:<symbol>`` (sorted, one per element) or ``()``."""
    allowed = settings.allowed_elements
    mol = ctx.mol
    bad = {mol.GetAtomWithIdx(i).GetSymbol() for i in range(mol.GetNumAtoms())} - set(allowed)
    return tuple(f"unsupported_element:{symbol}" for symbol in sorted(bad))


FILTER = RuleFilter(
    name="elements",
    cost=2.0,
    check=check_elements,
    description="element allow-list (settings.allowed_elements)",
)

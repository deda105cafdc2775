"""Heavy-atom range: reject molecules outside ``[min_heavy_atoms, max_heavy_atoms]``."""

from __future__ import annotations

from molecules.descriptors import MolContext
from molecules.filters.base import RuleFilter
from molecules.settings import TriageSettings


def check_heavy_atoms(ctx: MolContext, settings: TriageSettings) -> tuple[str, ...]:
    """Reason ``heavy_atoms`` when the heavy-atom count is out of range, else ``()``."""
    n = ctx.get("heavy")
    if n < settings.min_heavy_atoms or n > settings.max_heavy_atoms:
        return ("heavy_atoms",)
    return ()


FILTER = RuleFilter(
    name="heavy_atoms",
    cost=1.0,
    check=check_heavy_atoms,
    description="heavy-atom count within [min_heavy_atoms, max_heavy_atoms]",
)

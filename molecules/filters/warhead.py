"""Covalent warhead requirement: reject molecules without a warhead (``require_warhead``)."""

from __future__ import annotations

from molecules.descriptors import MolContext
from molecules.filters.base import RuleFilter
from molecules.settings import TriageSettings


def check_warhead(ctx: MolContext, settings: TriageSettings) -> tuple[str, ...]:
    """Reason ``no_warhead`` when :func:`molecules.warheads.find_warheads` finds none."""
    return () if ctx.get("n_warheads") > 0 else ("no_warhead",)


FILTER = RuleFilter(
    name="warhead",
    cost=120.0,  # gated SMARTS searches of the catalog, ~0.1-0.2 ms a drug-like molecule
    check=check_warhead,
    is_enabled=lambda s: s.require_warhead,
    description="require_warhead: at least one covalent warhead (molecules.warheads catalog)",
)

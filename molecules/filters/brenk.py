"""Brenk alerts: unwanted, reactive or toxic substructures (Brenk et al., ChemMedChem 2008).

Includes Michael acceptors, aldehydes, thiols, nitro groups and similar warheads.
"""

from __future__ import annotations

from molecules.descriptors import MolContext
from molecules.filters.base import RuleFilter
from molecules.filters.catalog import load_brenk_catalog
from molecules.settings import TriageSettings


def match_brenk(ctx: MolContext) -> list[str]:
    """Descriptions of all Brenk alerts ``ctx.mol`` matches (e.g. ``"Michael_acceptor_1"``)."""
    return [entry.GetDescription() for entry in load_brenk_catalog().GetMatches(ctx.mol)]


def check_brenk(ctx: MolContext, settings: TriageSettings) -> tuple[str, ...]:
    """Reason ``brenk`` when any alert matches, else ``()``."""
    return ("brenk",) if load_brenk_catalog().HasMatch(ctx.mol) else ()


FILTER = RuleFilter(
    name="brenk",
    cost=60.0,
    check=check_brenk,
    is_enabled=lambda s: s.brenk,
    description="Brenk unwanted-substructure alerts",
)

"""PAINS: pan-assay interference substructures (Baell & Holloway, J. Med. Chem. 2010).

Families A, B and C of RDKit's catalog by default (``pains_families``).
"""

from __future__ import annotations

from molecules.descriptors import MolContext
from molecules.filters.base import RuleFilter
from molecules.filters.catalog import load_pains_catalog, load_screened_pains
from molecules.settings import TriageSettings


def match_pains(ctx: MolContext, settings: TriageSettings) -> list[str]:
    """Descriptions of all PAINS alerts ``ctx.mol`` matches (e.g. ``"ene_rhod_A(235)"``)."""
    catalog = load_pains_catalog(tuple(settings.pains_families))
    return [entry.GetDescription() for entry in catalog.GetMatches(ctx.mol)]


def check_pains(ctx: MolContext, settings: TriageSettings) -> tuple[str, ...]:
    """Reason ``pains`` when any alert matches, else ``()`` (pattern-fingerprint screened)."""
    catalog = load_screened_pains(tuple(settings.pains_families))
    return ("pains",) if catalog.has_match(ctx.mol, ctx.pattern_fingerprint()) else ()


FILTER = RuleFilter(
    name="pains",
    cost=60.0,
    check=check_pains,
    is_enabled=lambda s: s.pains,
    description="PAINS A/B/C substructure alerts",
)

"""Veber's oral-bioavailability rule: rotatable bonds and topological polar surface area.

Fails when rotatable bonds > ``veber_max_rotatable_bonds`` (10) or TPSA >
``veber_max_tpsa`` (140 Angstrom^2) (Veber et al., J. Med. Chem. 2002).
"""

from __future__ import annotations

from molecules.descriptors import MolContext
from molecules.filters.base import RuleFilter
from molecules.settings import TriageSettings


def check_veber(ctx: MolContext, settings: TriageSettings) -> tuple[str, ...]:
    """Reason ``veber`` when either criterion fails, else ``()``."""
    if (
        ctx.get("rotb") > settings.veber_max_rotatable_bonds
        or ctx.get("tpsa") > settings.veber_max_tpsa
    ):
        return ("veber",)
    return ()


FILTER = RuleFilter(
    name="veber",
    cost=20.0,
    check=check_veber,
    is_enabled=lambda s: s.veber,
    description="rotatable bonds <= 10 and TPSA <= 140 A^2",
)

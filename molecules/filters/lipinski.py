"""Lipinski's rule of five: count violations of MW, logP, H-bond donors and acceptors.

A molecule fails when it has more than ``lipinski_max_violations`` violations (default 1) of
MW > ``lipinski_max_mw`` g/mol, Crippen logP > ``lipinski_max_logp``, NH+OH >
``lipinski_max_hbd``, N+O > ``lipinski_max_hba`` (Lipinski et al., Adv. Drug Deliv. Rev. 1997).
"""

from __future__ import annotations

from molecules.descriptors import MolContext
from molecules.filters.base import RuleFilter
from molecules.settings import TriageSettings


def count_lipinski_violations(ctx: MolContext, settings: TriageSettings) -> int:
    """Number of rule-of-five criteria ``ctx.mol`` violates (0..4)."""
    return (
        int(ctx.get("mw") > settings.lipinski_max_mw)
        + int(ctx.get("logp") > settings.lipinski_max_logp)
        + int(ctx.get("hbd") > settings.lipinski_max_hbd)
        + int(ctx.get("hba") > settings.lipinski_max_hba)
    )


def check_lipinski(ctx: MolContext, settings: TriageSettings) -> tuple[str, ...]:
    """Reason ``lipinski`` when violations exceed ``lipinski_max_violations``, else ``()``.

    Crippen logP (about 0.3 ms) is computed only when the three cheap criteria leave the
    outcome open.
    """
    cheap = (
        int(ctx.get("mw") > settings.lipinski_max_mw)
        + int(ctx.get("hbd") > settings.lipinski_max_hbd)
        + int(ctx.get("hba") > settings.lipinski_max_hba)
    )
    limit = settings.lipinski_max_violations
    if cheap > limit:
        return ("lipinski",)
    if cheap < limit:
        return ()
    return ("lipinski",) if ctx.get("logp") > settings.lipinski_max_logp else ()


FILTER = RuleFilter(
    name="lipinski",
    cost=20.0,
    check=check_lipinski,
    description="rule of five, at most lipinski_max_violations violations",
)

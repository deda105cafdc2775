"""Rule filters, one per module, and a registry of them by name.

>>> from molecules.filters import get_filter, apply_rule_filters
>>> get_filter("lipinski").name
'lipinski'

:func:`apply_rule_filters` runs the enabled filters cheapest first; by default it stops at the
first failing filter, with ``all_reasons=True`` it runs them all and collects every reason.
"""

from __future__ import annotations

from molecules.descriptors import MolContext
from molecules.errors import UnknownFilterError
from molecules.filters import (
    brenk,
    elements,
    forbid_smarts,
    heavy_atoms,
    lipinski,
    pains,
    qed,
    require_smarts,
    sa_score,
    veber,
    warhead,
)
from molecules.filters.base import RuleFilter
from molecules.filters.smarts import compile_smarts
from molecules.settings import TriageSettings

__all__ = [
    "RuleFilter",
    "apply_rule_filters",
    "enabled_filters",
    "get_filter",
    "list_filters",
    "register_filter",
    "validate_filter_settings",
]

_REGISTRY: dict[str, RuleFilter] = {}


def register_filter(rule: RuleFilter, *, replace: bool = False) -> None:
    """Add ``rule`` to the registry under ``rule.name``.

    Raises:
        ValueError: the name is taken and ``replace`` is False.
    """
    if rule.name in _REGISTRY and not replace:
        raise ValueError(f"filter {rule.name!r} is already registered")
    _REGISTRY[rule.name] = rule


def get_filter(name: str) -> RuleFilter:
    """The registered filter called ``name``.

    Raises:
        UnknownFilterError: no such filter; the message lists the registered names.
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownFilterError(f"unknown filter {name!r}; known: {sorted(_REGISTRY)}") from None


def list_filters() -> list[RuleFilter]:
    """All registered filters, cheapest first."""
    return sorted(_REGISTRY.values(), key=lambda f: (f.cost, f.name))


def enabled_filters(settings: TriageSettings) -> list[RuleFilter]:
    """The filters that ``settings`` switches on, cheapest first."""
    return [f for f in list_filters() if f.is_enabled(settings)]


def validate_filter_settings(settings: TriageSettings) -> None:
    """Fail early on filter settings that cannot work.

    Raises:
        FilterConfigError: an invalid user SMARTS, an unknown PAINS family, or an empty
            heavy-atom range.
    """
    from molecules.errors import FilterConfigError
    from molecules.filters.catalog import load_pains_catalog

    compile_smarts(tuple(settings.require_smarts))
    compile_smarts(tuple(settings.forbid_smarts))
    try:
        load_pains_catalog(tuple(settings.pains_families))
    except ValueError as exc:
        raise FilterConfigError(str(exc)) from exc
    if settings.min_heavy_atoms > settings.max_heavy_atoms:
        raise FilterConfigError(
            f"min_heavy_atoms={settings.min_heavy_atoms} > max_heavy_atoms="
            f"{settings.max_heavy_atoms}"
        )


def apply_rule_filters(
    ctx: MolContext,
    settings: TriageSettings,
    *,
    all_reasons: bool = False,
    filters: list[RuleFilter] | None = None,
) -> tuple[str, ...]:
    """Run rule filters on one molecule and return the reasons it fails (``()`` = passes).

    Args:
        ctx: the molecule with its descriptor cache.
        settings: thresholds and switches.
        all_reasons: run every filter and collect every reason; otherwise stop at the
            first failing filter.
        filters: filters to run, cheapest first; default :func:`enabled_filters`.
    """
    reasons: list[str] = []
    for rule in filters if filters is not None else enabled_filters(settings):
        failed = rule.check(ctx, settings)
        if failed:
            reasons.extend(failed)
            if not all_reasons:
                break
    return tuple(reasons)


for _module in (
    elements,
    heavy_atoms,
    lipinski,
    veber,
    pains,
    brenk,
    qed,
    sa_score,
    require_smarts,
    forbid_smarts,
    warhead,
):
    register_filter(_module.FILTER)

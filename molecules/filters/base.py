"""The common interface of rule filters.

A rule filter is a frozen :class:`RuleFilter`: a name, a relative cost used to run cheap
filters first, a switch reading :class:`~molecules.settings.TriageSettings`, and a ``check``
function returning the reasons a molecule fails (empty tuple = passes). Reasons are short
stable strings, usually the filter name (``"lipinski"``) or ``name:detail``
(``"unsupported_element:Si"``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from molecules.descriptors import MolContext
from molecules.settings import TriageSettings

CheckFunction = Callable[[MolContext, TriageSettings], tuple[str, ...]]


def _always(settings: TriageSettings) -> bool:
    return True


@dataclass(frozen=True)
class RuleFilter:
    """One rule filter.

    Attributes:
        name: registry key, e.g. ``"pains"``.
        cost: relative cost per molecule (about microseconds); lower runs first.
        check: ``check(ctx, settings) -> reasons``; empty tuple means the molecule passes.
        is_enabled: ``is_enabled(settings) -> bool``; disabled filters are skipped.
        description: one line for listings.
    """

    name: str
    cost: float
    check: CheckFunction
    is_enabled: Callable[[TriageSettings], bool] = _always
    description: str = ""

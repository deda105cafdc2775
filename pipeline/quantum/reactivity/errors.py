"""Errors of the reactivity step; each message is one line naming the molecule and the reason."""

from __future__ import annotations

from pipeline.quantum.errors import QuantumError


class ReactivityError(QuantumError):
    """A thiolate-addition energy cannot be computed for this molecule (reason in the text)."""


class NoWarheadError(ReactivityError):
    """The molecule has no electrophilic site the warhead catalog recognises."""

    exit_code = 2


class UnsupportedWarheadError(ReactivityError):
    """The warhead reacts by a mechanism without an anionic thiolate adduct (e.g. SN2)."""


class ReactivityInputError(ReactivityError):
    """Input the method does not treat: radicals, metals, several molecules, too large."""

    exit_code = 2


class GeometryOptimizationError(ReactivityError):
    """The GFN2-xTB optimisation failed or the adduct fell apart (C–S bond broken)."""

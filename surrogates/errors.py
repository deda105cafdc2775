"""Exceptions raised by :mod:`surrogates`."""

from __future__ import annotations

from molecules.errors import QdpError


class SurrogateError(QdpError):
    """Base class of every error raised by :mod:`surrogates`."""


class FeaturizationError(SurrogateError, ValueError):
    """One or more SMILES could not be turned into features.

    Attributes:
        failures: ``(index, smiles, reason)`` for every input that failed.
    """

    def __init__(self, failures: list[tuple[int, str, str]]) -> None:
        self.failures = failures
        shown = "; ".join(f"#{i} {s!r}: {r}" for i, s, r in failures[:5])
        more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
        super().__init__(f"{len(failures)} molecule(s) could not be featurized: {shown}{more}")


class NotFittedError(SurrogateError, RuntimeError):
    """``predict`` or ``save`` was called on a model that has not been fitted or loaded."""


class UnknownNameError(SurrogateError, KeyError):
    """A registry was asked for a name it does not hold."""


class WeightsIntegrityError(SurrogateError):
    """A weight file is missing, unexpected, or its sha256 differs from the manifest."""


class CampaignError(SurrogateError, RuntimeError):
    """An active-learning campaign cannot proceed (bad state, mismatched pool, ...)."""


class OracleError(SurrogateError, RuntimeError):
    """An oracle broke its contract (wrong number of results, unknown SMILES, ...)."""

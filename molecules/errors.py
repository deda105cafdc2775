"""Domain exceptions of :mod:`molecules`.

``molecules`` must not import ``pipeline``, so it defines its own exception tree. Every class
carries an ``exit_code`` attribute with the same meaning as in ``pipeline.errors`` so that an
interface can map it without knowing the class (``InputFileError`` -> exit status 2).
Per-molecule problems (invalid SMILES, PAINS hits, ...) are never raised: they are recorded
as reason strings on :class:`molecules.results.MoleculeResult`.
"""

from __future__ import annotations


class MoleculesError(Exception):
    """Base class of every error :mod:`molecules` raises on purpose."""

    exit_code = 1


class InputFileError(MoleculesError):
    """An input file is missing, unreadable, corrupt or of an unsupported format."""

    exit_code = 2


class FilterConfigError(MoleculesError):
    """A filter setting cannot be used, e.g. a user SMARTS that RDKit cannot parse."""

    exit_code = 2


class UnknownFilterError(MoleculesError, KeyError):
    """A filter name is not in the registry; the message lists the registered names."""

    exit_code = 2


class ModelFileError(MoleculesError):
    """GNN weights are missing, incomplete or do not match the expected model."""

    exit_code = 2


class TrainingDataError(MoleculesError):
    """A training data set is missing columns or holds too few usable molecules."""

    exit_code = 2


class MoleculeParseError(MoleculesError, ValueError):
    """A single molecule could not be parsed; ``reason`` holds the stable reason string."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


class ConformerError(MoleculesError):
    """3D embedding or force-field optimisation failed; ``reason`` is a stable string."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason

"""Domain exceptions of :mod:`molecules`, and :class:`QdpError`, the root of every error qdp
raises on purpose (it lives here because ``molecules`` is the bottom layer: ``surrogates``
and ``pipeline`` subclass it). ``exit_code`` is what an interface exits with: 2 for bad
input or settings, 1 for a fault. Per-molecule problems (invalid SMILES, PAINS hits, ...) are
never raised: they are recorded as reason strings on :class:`molecules.results.MoleculeResult`.
"""

from __future__ import annotations


class QdpError(Exception):
    """Root of every error qdp raises on purpose; interfaces print one line and exit with
    ``exit_code``."""

    exit_code = 1


class MoleculesError(QdpError):
    """Base class of every error :mod:`molecules` raises on purpose."""


class InputFileError(MoleculesError):
    """An input file is missing, unreadable, corrupt or of an unsupported format."""

    exit_code = 2


class ReadStoppedError(InputFileError):
    """Reading a library stopped part-way (truncated or corrupt gzip, an I/O error).

    ``line`` is the first physical line of the file that is in no record read before the
    fault (1 when nothing could be read). The triage driver triages and yields every record
    read before it, then raises this with ``summary`` set to the run's summary so far.
    """

    def __init__(self, message: str, *, line: int) -> None:
        super().__init__(message)
        self.line = line
        self.summary: object | None = None


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

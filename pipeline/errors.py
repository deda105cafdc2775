"""Domain exceptions of the pipeline. The root, :class:`QdpError`, and
:class:`InputFileError` are those of :mod:`molecules.errors` (one tree for all of qdp);
interfaces turn any of them into one line and the class's exit code."""

from __future__ import annotations

from molecules.errors import InputFileError, QdpError

__all__ = ["InputFileError", "QdpError", "SettingsError", "StoreCorruptError", "StoreError"]


class SettingsError(QdpError):
    """A setting is unknown or invalid; the message names the key, value and what is allowed."""

    exit_code = 2


class StoreError(QdpError):
    """The store cannot be opened, migrated or written."""


class StoreCorruptError(StoreError):
    """The store's database is damaged (an integrity check failed); the message says how to
    restore or salvage it."""

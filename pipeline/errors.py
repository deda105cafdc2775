"""Domain exceptions of qdp. Interfaces turn them into one-line messages and exit codes."""

from __future__ import annotations


class QdpError(Exception):
    """Base class of every error qdp raises on purpose."""

    exit_code = 1


class SettingsError(QdpError):
    """A setting is unknown or invalid; the message names the key, value and what is allowed."""

    exit_code = 2


class InputFileError(QdpError):
    """An input file is missing, unreadable or of an unsupported format."""

    exit_code = 2


class StoreError(QdpError):
    """The store cannot be opened, migrated or written."""

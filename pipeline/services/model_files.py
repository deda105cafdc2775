"""Model weights on disk: a directory per model version, fingerprinted by sha256."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.errors import QdpError


class ModelIntegrityError(QdpError):
    """Stored weights are missing or differ from the sha256 recorded in the store."""


def directory_sha256(directory: Path) -> str:
    """sha256 over every file of ``directory`` (relative names and contents, sorted)."""
    digest = hashlib.sha256()
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    if not files:
        raise ModelIntegrityError(f"model directory {directory} holds no files")
    for path in files:
        digest.update(str(path.relative_to(directory)).encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def verify_directory(directory: Path, expected_sha256: str) -> None:
    """Raise :class:`ModelIntegrityError` unless ``directory`` hashes to ``expected_sha256``."""
    if not directory.is_dir():
        raise ModelIntegrityError(f"model directory {directory} is missing")
    actual = directory_sha256(directory)
    if actual != expected_sha256:
        raise ModelIntegrityError(
            f"model directory {directory} was modified: sha256 {actual[:12]}… differs from the "
            f"stored {expected_sha256[:12]}…"
        )

"""Weight-file integrity: a sha256 manifest written beside saved weights and checked on load.

Weights themselves are stored in formats that execute no code on load (JSON, ``.npz`` read
with ``allow_pickle=False``, torch state dicts read with ``weights_only=True``); the manifest
additionally catches truncated, swapped or tampered files before any of them is parsed.
"""

from __future__ import annotations

import json
from pathlib import Path

from molecules.hashing import sha256_file
from surrogates.errors import WeightsIntegrityError

MANIFEST_NAME = "manifest.json"


__all__ = ["MANIFEST_NAME", "sha256_file", "verify_manifest", "write_manifest"]


def write_manifest(directory: Path, files: list[Path]) -> Path:
    """Write ``manifest.json`` mapping each file name (relative to ``directory``) to its sha256.

    Returns:
        the manifest's path.
    """
    entries = {str(f.relative_to(directory)): sha256_file(f) for f in sorted(files)}
    path = directory / MANIFEST_NAME
    path.write_text(json.dumps({"format": "qdp-surrogate-v1", "sha256": entries}, indent=2))
    return path


def verify_manifest(directory: Path) -> dict[str, str]:
    """Check every file listed in ``directory/manifest.json`` against its sha256.

    Returns:
        the mapping file name -> sha256 that was verified.

    Raises:
        WeightsIntegrityError: manifest missing or unreadable, a listed file missing, or a
            digest mismatch.
    """
    path = directory / MANIFEST_NAME
    if not path.is_file():
        raise WeightsIntegrityError(f"no {MANIFEST_NAME} in {directory}")
    try:
        entries = json.loads(path.read_text())["sha256"]
    except (ValueError, KeyError, TypeError) as exc:
        raise WeightsIntegrityError(f"unreadable manifest {path}: {exc}") from exc
    if not isinstance(entries, dict):
        raise WeightsIntegrityError(f"unreadable manifest {path}: 'sha256' is not a mapping")
    for name, expected in entries.items():
        target = (directory / name).resolve()
        if directory.resolve() not in target.parents:
            raise WeightsIntegrityError(f"manifest entry {name!r} escapes {directory}")
        if not target.is_file():
            raise WeightsIntegrityError(f"weight file {name!r} listed in the manifest is missing")
        actual = sha256_file(target)
        if actual != expected:
            raise WeightsIntegrityError(
                f"sha256 mismatch for {name!r}: manifest {expected[:12]}…, file {actual[:12]}…"
            )
    return dict(entries)

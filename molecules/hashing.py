"""qdp's one content hash (canonical JSON → sha256) and its file hash.

Every content key — a stored result's method hash, a triage outcome's settings, a campaign
pool, a model's training data — is :func:`content_hash` of a JSON-able payload, so two keys
agree exactly when their payloads do. Weight files are checked with :func:`sha256_file`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

_CHUNK_BYTES = 1 << 20


def content_hash(payload: Any) -> str:
    """sha256 hex digest of the canonical JSON of ``payload`` (sorted keys, no spaces;
    objects JSON cannot encode are written with ``str``)."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def sha256_file(path: Path) -> str:
    """sha256 hex digest of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()

"""Artifact keys: one per campaign, library or target, so one run never replaces another's
table as "latest" in the Prefect UI."""

from __future__ import annotations

import re


def artifact_key(*parts: str) -> str:
    """A valid Prefect artifact key (lowercase letters, digits, dashes) from ``parts``."""
    text = "-".join(parts).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:100] or "qdp"

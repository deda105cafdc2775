"""Versions of the scientific software a result was computed with."""

from __future__ import annotations

from functools import cache
from importlib import metadata


@cache
def software_versions() -> dict[str, str]:
    """``{"pyscf": "2.14.0", ...}`` for pyscf, openfermion, cirq, qsimcirq, numpy, scipy."""
    out = {}
    for dist in ("pyscf", "openfermion", "cirq-core", "qsimcirq", "numpy", "scipy"):
        try:
            out[dist.replace("-core", "")] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist.replace("-core", "")] = "not installed"
    return dict(out)

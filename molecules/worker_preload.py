"""Imported once by the triage forkserver so that every worker forks with warm caches.

Loads the SA-score fragment table, the PAINS (screened) and Brenk catalogs and the
MolStandardize tools, which each worker would otherwise build on its first molecule.
"""

from __future__ import annotations

from molecules.descriptors import load_sa_model
from molecules.filters.catalog import load_brenk_catalog, load_screened_pains
from molecules.standardize import _tools


def warm_caches() -> None:
    """Build the per-process caches the rule filters use (about 2 s of CPU, once)."""
    load_sa_model()
    load_screened_pains(("A", "B", "C"))
    load_brenk_catalog()
    _tools()


warm_caches()

"""Per-process cache of RDKit FilterCatalogs (PAINS families, Brenk), with a PAINS pre-screen.

PAINS matching runs about 480 substructure searches per molecule. :class:`ScreenedCatalog`
first compares RDKit pattern fingerprints (a query can only match a molecule whose pattern
fingerprint holds all of the query's bits) and then runs RDKit's own catalog entry only for
the candidates (about 15 of 480 on drug-like molecules), so the answer is RDKit's. The
screening queries are RDKit's shipped ``Data/Pains/wehi_pains.csv`` SMARTS with explicit
hydrogens merged into their neighbours; an entry without a screening query is always a
candidate. ``tests/molecules/test_filters.py`` checks screened == unscreened.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np
from rdkit import Chem, RDConfig
from rdkit.Chem.FilterCatalog import FilterCatalog, FilterCatalogParams

PATTERN_FP_BITS = 2048

_PAINS_FAMILIES = {
    "A": FilterCatalogParams.FilterCatalogs.PAINS_A,
    "B": FilterCatalogParams.FilterCatalogs.PAINS_B,
    "C": FilterCatalogParams.FilterCatalogs.PAINS_C,
}


@lru_cache(maxsize=8)
def load_pains_catalog(families: tuple[str, ...] = ("A", "B", "C")) -> FilterCatalog:
    """FilterCatalog of the PAINS families named (``"A"``, ``"B"``, ``"C"``).

    Raises:
        ValueError: an unknown family letter.
    """
    params = FilterCatalogParams()
    for family in families:
        try:
            params.AddCatalog(_PAINS_FAMILIES[family.upper()])
        except KeyError:
            raise ValueError(f"unknown PAINS family {family!r}; use A, B or C") from None
    return FilterCatalog(params)


@lru_cache(maxsize=1)
def load_brenk_catalog() -> FilterCatalog:
    """FilterCatalog of the Brenk unwanted-substructure alerts (Brenk et al. 2008)."""
    params = FilterCatalogParams()
    params.AddCatalog(FilterCatalogParams.FilterCatalogs.BRENK)
    return FilterCatalog(params)


def pack_pattern_fingerprint(mol: Chem.Mol) -> np.ndarray:
    """RDKit pattern fingerprint of ``mol`` packed as uint64, shape ``(PATTERN_FP_BITS // 64,)``."""
    bits = Chem.PatternFingerprint(mol, PATTERN_FP_BITS).ToBitString().encode()
    return np.packbits(np.frombuffer(bits, dtype=np.uint8) == 49).view(np.uint64)


class ScreenedCatalog:
    """A FilterCatalog plus one packed pattern fingerprint per entry for pre-screening.

    Attributes:
        catalog: the RDKit catalog whose answers are returned.
        entries: its entries, in index order.
        query_fps: uint64 array ``(n_entries, PATTERN_FP_BITS // 64)``; all-zero rows for
            entries without a screening query (always candidates).
    """

    def __init__(self, catalog: FilterCatalog, queries: dict[str, Chem.Mol]) -> None:
        self.catalog = catalog
        self.entries = [catalog.GetEntryWithIdx(i) for i in range(catalog.GetNumEntries())]
        n_words = PATTERN_FP_BITS // 64
        self.query_fps = np.zeros((len(self.entries), n_words), dtype=np.uint64)
        for i, entry in enumerate(self.entries):
            query = queries.get(entry.GetDescription())
            if query is not None:
                self.query_fps[i] = pack_pattern_fingerprint(query)

    def candidates(self, mol_fp: np.ndarray) -> np.ndarray:
        """Indices of entries whose query bits are all set in ``mol_fp`` (packed)."""
        return np.flatnonzero(~(self.query_fps & ~mol_fp).any(axis=1))

    def has_match(self, mol: Chem.Mol, mol_fp: np.ndarray) -> bool:
        """True when any entry matches ``mol`` (same answer as ``catalog.HasMatch(mol)``)."""
        return any(self.entries[i].HasFilterMatch(mol) for i in self.candidates(mol_fp))


@lru_cache(maxsize=1)
def _load_pains_queries() -> dict[str, Chem.Mol]:
    path = Path(RDConfig.RDDataDir) / "Pains" / "wehi_pains.csv"
    queries: dict[str, Chem.Mol] = {}
    if not path.is_file():
        return queries
    with path.open(newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 2:
                continue
            query = Chem.MolFromSmarts(row[0])
            if query is None:
                continue
            query = Chem.MergeQueryHs(query)
            query.UpdatePropertyCache(strict=False)
            queries[row[1].removeprefix("<regId=").removesuffix(">")] = query
    return queries


@lru_cache(maxsize=8)
def load_screened_pains(families: tuple[str, ...] = ("A", "B", "C")) -> ScreenedCatalog:
    """:class:`ScreenedCatalog` of the PAINS families named (cached per process)."""
    return ScreenedCatalog(load_pains_catalog(families), _load_pains_queries())

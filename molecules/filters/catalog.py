"""Per-process cache of RDKit FilterCatalogs (PAINS families, Brenk)."""

from __future__ import annotations

from functools import lru_cache

from rdkit.Chem.FilterCatalog import FilterCatalog, FilterCatalogParams

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

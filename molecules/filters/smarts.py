"""Compilation of user SMARTS patterns (shared by ``require_smarts`` and ``forbid_smarts``)."""

from __future__ import annotations

from functools import lru_cache

from rdkit import Chem

from molecules.errors import FilterConfigError


@lru_cache(maxsize=64)
def compile_smarts(patterns: tuple[str, ...]) -> tuple[Chem.Mol, ...]:
    """Compile SMARTS patterns once per process.

    Raises:
        FilterConfigError: a pattern RDKit cannot parse (the message names it).
    """
    compiled = []
    for pattern in patterns:
        query = Chem.MolFromSmarts(pattern)
        if query is None:
            raise FilterConfigError(f"invalid SMARTS pattern {pattern!r}")
        compiled.append(query)
    return tuple(compiled)

"""Oracles for campaigns: ``lookup:FILE.csv`` (known values) and ``vqe`` (the quantum step)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from molecules.errors import MoleculeParseError
from molecules.standardize import identify_mol, parse_smiles
from pipeline.errors import InputFileError, SettingsError
from surrogates.oracle import LookupOracle


def canonical_smiles(smiles: str) -> str | None:
    """The standardized canonical SMILES that triage gives this molecule, or ``None``."""
    try:
        return identify_mol(parse_smiles(smiles)).smiles
    except MoleculeParseError:
        return None


def lookup_oracle_from_csv(path: Path, value_column: str) -> LookupOracle:
    """A lookup oracle keyed by standardized SMILES (repeated molecules: mean value).

    Args:
        path: CSV with a ``smiles`` column and ``value_column``.
        value_column: the column holding the target values.

    Raises:
        InputFileError: the file is missing or lacks a column.
    """
    try:
        handle = path.open(newline="")
    except OSError as exc:
        raise InputFileError(f"lookup oracle file {path}: {exc.strerror}") from None
    values: dict[str, list[float]] = defaultdict(list)
    with handle:
        reader = csv.DictReader(handle)
        missing = {"smiles", value_column} - set(reader.fieldnames or ())
        if missing:
            raise InputFileError(
                f"lookup oracle file {path} lacks column(s) {sorted(missing)}; "
                f"it has {reader.fieldnames}"
            )
        for row in reader:
            key = canonical_smiles(row["smiles"])
            raw = (row[value_column] or "").strip()
            if key is not None and raw:
                values[key].append(float(raw))
    return LookupOracle({k: float(np.mean(v)) for k, v in values.items()})


def parse_oracle_spec(spec: str) -> tuple[str, Path | None]:
    """``"vqe"`` or ``"lookup:FILE"`` → (kind, path)."""
    if spec == "vqe":
        return "vqe", None
    if spec.startswith("lookup:") and len(spec) > len("lookup:"):
        return "lookup", Path(spec.split(":", 1)[1])
    raise SettingsError(f"invalid oracle {spec!r}: allowed 'vqe' or 'lookup:FILE.csv'")

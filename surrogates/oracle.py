"""Oracles: whatever turns SMILES into target values (VQE in production, a table in tests)."""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from surrogates.errors import OracleError


@dataclass(frozen=True)
class OracleResult:
    """One oracle outcome: exactly one of ``value`` and ``error`` is set."""

    smiles: str
    value: float | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        if (self.value is None) == (self.error is None):
            raise ValueError("OracleResult needs exactly one of value and error")
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(f"oracle value for {self.smiles!r} is not finite: {self.value}")

    @property
    def ok(self) -> bool:
        return self.value is not None


@runtime_checkable
class Oracle(Protocol):
    """Evaluates molecules; a per-molecule failure is a result with ``error``, not an exception.

    ``evaluate`` must return one :class:`OracleResult` per input, in input order. Exceptions
    are for the oracle itself breaking (the campaign stops and can be resumed).
    """

    def evaluate(self, smiles: Sequence[str]) -> list[OracleResult]: ...


class LookupOracle:
    """Looks values up in a table; SMILES not in the table, or with no value, fail.

    Attributes:
        calls: every SMILES passed to :meth:`evaluate`, in order (to count oracle calls).
    """

    def __init__(self, values: Mapping[str, float | None]) -> None:
        self._values = dict(values)
        self.calls: list[str] = []

    @classmethod
    def from_csv(
        cls,
        path: str | Path,
        value_column: str,
        smiles_column: str = "smiles",
        *,
        on_duplicate: Literal["error", "mean", "first"] = "error",
    ) -> LookupOracle:
        """Read ``smiles_column`` and ``value_column`` from a CSV; blank values become failures.

        SMILES are stripped of surrounding whitespace. A SMILES listed twice with different
        values raises (``error``), takes the mean of its values (``mean``) or keeps the first.

        Raises:
            OracleError: a column is missing, or a conflicting duplicate under ``error``.
        """
        values: dict[str, float | None] = {}
        repeats: dict[str, list[float]] = {}
        with open(path, newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {smiles_column, value_column} - set(reader.fieldnames or ())
            if missing:
                raise OracleError(f"{path}: missing column(s) {sorted(missing)}")
            for row in reader:
                smi = row[smiles_column].strip()
                raw = row[value_column].strip()
                value = float(raw) if raw else None
                if smi not in values:
                    values[smi] = value
                    repeats[smi] = [] if value is None else [value]
                    continue
                if values[smi] != value and on_duplicate == "error":
                    raise OracleError(f"{path}: {smi!r} has two different values")
                if value is not None:
                    repeats[smi].append(value)
        if on_duplicate == "mean":
            values = {s: (float(np.mean(v)) if v else None) for s, v in repeats.items()}
        return cls(values)

    def __len__(self) -> int:
        return len(self._values)

    def evaluate(self, smiles: Sequence[str]) -> list[OracleResult]:
        """Look up each SMILES; unknown or blank entries give a failed result."""
        out = []
        for smi in smiles:
            self.calls.append(smi)
            if smi not in self._values:
                out.append(OracleResult(smi, error="not in the lookup table"))
            elif self._values[smi] is None or not math.isfinite(self._values[smi]):  # type: ignore[arg-type]
                out.append(OracleResult(smi, error="no value in the lookup table"))
            else:
                out.append(OracleResult(smi, value=float(self._values[smi])))  # type: ignore[arg-type]
        return out

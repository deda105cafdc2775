"""Oracles: whatever turns SMILES into target values (VQE in production, a table in tests)."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from molecules.errors import InputFileError
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
        normalize: Callable[[str], str | None] | None = None,
    ) -> LookupOracle:
        """The one lookup-table reader: ``smiles_column`` and ``value_column`` of a CSV.

        SMILES are stripped of surrounding whitespace and, with ``normalize`` (e.g. the
        standardized canonical SMILES that triage gives a molecule), keyed by its answer;
        rows it maps to ``None`` (unparsable SMILES) are skipped. Blank values become
        failures. A molecule listed twice with different values raises (``error``), takes
        the mean of its values (``mean``) or keeps the first (``first``).

        Raises:
            InputFileError: the file cannot be read or lacks a column.
            OracleError: a conflicting duplicate under ``on_duplicate="error"``.
        """
        values: dict[str, float | None] = {}
        repeats: dict[str, list[float]] = {}
        try:
            handle = open(path, newline="")  # noqa: SIM115 (closed by the with below)
        except OSError as exc:
            raise InputFileError(f"lookup oracle file {path}: {exc.strerror}") from None
        with handle:
            reader = csv.DictReader(handle)
            missing = {smiles_column, value_column} - set(reader.fieldnames or ())
            if missing:
                raise InputFileError(
                    f"lookup oracle file {path}: missing column(s) {sorted(missing)}; "
                    f"it has {reader.fieldnames}"
                )
            for row in reader:
                smi = (row[smiles_column] or "").strip()
                key = normalize(smi) if normalize is not None else smi
                if key is None:
                    continue
                raw = (row[value_column] or "").strip()
                value = float(raw) if raw else None
                if key not in values:
                    values[key] = value
                    repeats[key] = [] if value is None else [value]
                    continue
                if values[key] != value and on_duplicate == "error":
                    raise OracleError(f"{path}: {smi!r} has two different values")
                if value is not None:
                    repeats[key].append(value)
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

"""Campaign oracles by name: ``reactivity`` (thiolate-addition energies of warheads, the
quantum step of covalent campaigns), ``vqe`` (one molecule's VQE energy and descriptors) and
``lookup:FILE.csv`` (known values).

:class:`OracleRef` is what a campaign driver holds: a small picklable handle (the oracle's
name, target and the settings) whose ``evaluate`` builds the oracle once per process and
thread, so the same campaign runs unchanged in this process, in Prefect threads, processes
or on Dask workers, each worker writing to the store that the settings name.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from molecules.errors import MoleculeParseError
from molecules.standardize import identify_mol, parse_smiles
from pipeline.config import Settings
from pipeline.errors import SettingsError
from surrogates.oracle import LookupOracle, Oracle, OracleResult

QUANTUM_ORACLES = ("reactivity", "vqe")


def canonical_smiles(smiles: str) -> str | None:
    """The standardized canonical SMILES that triage gives this molecule, or ``None``."""
    try:
        return identify_mol(parse_smiles(smiles)).smiles
    except MoleculeParseError:
        return None


def canonical_inchikey(smiles: str) -> str | None:
    """The InChIKey that triage and the store give this molecule, or ``None``."""
    try:
        return identify_mol(parse_smiles(smiles)).inchikey
    except MoleculeParseError:
        return None


def lookup_oracle_from_csv(path: Path, value_column: str) -> LookupOracle:
    """A lookup oracle keyed by standardized SMILES (repeated molecules: mean value).

    Raises:
        InputFileError: the file is missing or lacks a column.
    """
    return LookupOracle.from_csv(
        path, value_column, on_duplicate="mean", normalize=canonical_smiles
    )


def parse_oracle_spec(spec: str) -> tuple[str, Path | None]:
    """``"reactivity"``, ``"vqe"`` or ``"lookup:FILE"`` → (kind, path)."""
    if spec in QUANTUM_ORACLES:
        return spec, None
    if spec.startswith("lookup:") and len(spec) > len("lookup:"):
        return "lookup", Path(spec.split(":", 1)[1])
    raise SettingsError(
        f"invalid oracle {spec!r}: allowed 'reactivity', 'vqe' or 'lookup:FILE.csv'"
    )


def is_quantum_oracle(spec: str) -> bool:
    """Whether each call of this oracle is a quantum calculation (one slot of the limit)."""
    return parse_oracle_spec(spec)[0] in QUANTUM_ORACLES


def make_oracle(spec: str, target: str, settings: Settings) -> Oracle:
    """The oracle named by ``spec``; a quantum oracle opens the store of ``settings``."""
    kind, path = parse_oracle_spec(spec)
    if kind == "lookup":
        assert path is not None
        return lookup_oracle_from_csv(path, target)
    from pipeline.store import open_store

    if kind == "reactivity":
        from pipeline.services.reactivity import ReactivityOracle

        return ReactivityOracle(open_store(settings), settings.reactivity, target)
    from pipeline.services.vqe_oracle import VQEOracle

    return VQEOracle(open_store(settings), settings.quantum, target, settings.triage)


_BUILT: dict[tuple[int, str, str, str], Oracle] = {}
_BUILT_LOCK = threading.Lock()


@dataclass(frozen=True)
class OracleRef:
    """A picklable handle on the oracle ``spec`` for ``target`` under ``settings``."""

    spec: str
    target: str
    settings: Settings

    def resolve(self) -> Oracle:
        """The oracle itself, built on first use in this process and thread."""
        key = (threading.get_ident(), self.spec, self.target, self.settings.model_dump_json())
        with _BUILT_LOCK:
            oracle = _BUILT.get(key)
        if oracle is None:
            oracle = make_oracle(self.spec, self.target, self.settings)
            with _BUILT_LOCK:
                _BUILT[key] = oracle
        return oracle

    def evaluate(self, smiles: Sequence[str]) -> list[OracleResult]:
        return self.resolve().evaluate(smiles)

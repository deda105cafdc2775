"""Result records of triage: per molecule, per chunk, and the running summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from molecules.conformers import ConformerResult


@dataclass(frozen=True, slots=True)
class MoleculeResult:
    """Triage outcome of one input record.

    Every molecule record of the input gives exactly one result, in input order.

    Attributes:
        source: 1-based line number (SMILES/CSV) or record number (SDF) in the input.
        input_text: the SMILES as given (first 200 characters); ``""`` for SDF records.
        inchikey: standard InChIKey of the standardized molecule; None when invalid.
        smiles: canonical SMILES of the standardized molecule; None when invalid.
        names: identifiers from the file; for the first occurrence of a molecule also the
            names of its duplicates within the same chunk.
        passed: True when no filter rejected the molecule.
        reasons: stable reason strings, e.g. ``("invalid_smiles",)``, ``("pains",
            "lipinski")``, ``("unsupported_element:Si",)``, ``("duplicate",)``,
            ``("low_solubility",)``, ``("toxicity:SR-MMP",)``. Empty when passed.
        notes: non-fatal remarks, e.g. ``("salt_stripped",)``.
        descriptors: see :mod:`molecules.descriptors` (``mw`` g/mol, ``tpsa`` A^2, ...);
            all of them for passed molecules, those computed so far for rejected ones; with a
            warhead also ``warhead_class``/``warhead_mechanism`` (str) and ``warhead_site``
            (int, atom index in ``smiles``).
        predictions: GNN outputs: ``log_solubility`` (log10 mol/L) and
            ``tox:<task>`` probabilities, when GNN filters ran.
        conformer: lowest-energy conformer when requested and the molecule passed.
        conformer_error: reason string when conformer generation failed.
    """

    source: int
    input_text: str
    inchikey: str | None
    smiles: str | None
    names: tuple[str, ...]
    passed: bool
    reasons: tuple[str, ...]
    notes: tuple[str, ...] = ()
    descriptors: dict[str, float | int | str] = field(default_factory=dict)
    predictions: dict[str, float] = field(default_factory=dict)
    conformer: ConformerResult | None = None
    conformer_error: str | None = None


@dataclass(frozen=True)
class TriageSummary:
    """Counts for a triage run (cumulative up to the chunk it is attached to).

    Attributes:
        n_input: molecule records read (blank lines, comments, headers excluded).
        n_valid: records that parsed and standardized (have an InChIKey).
        n_unique: distinct InChIKeys among them.
        n_passed: unique molecules that passed every filter.
        rejected_by_reason: reason -> number of records rejected with it (a record failing
            several filters with ``all_reasons=True`` counts once under each).
        skipped_by_reason: ``blank_line``/``comment``/``header``/``malformed_row`` -> count.
        wall_seconds: elapsed time since the run started, s.
        molecules_per_second: ``n_input / wall_seconds``.
    """

    n_input: int
    n_valid: int
    n_unique: int
    n_passed: int
    rejected_by_reason: dict[str, int]
    skipped_by_reason: dict[str, int]
    wall_seconds: float
    molecules_per_second: float


@dataclass(frozen=True)
class TriageChunk:
    """Results of one streamed chunk.

    Attributes:
        index: 0-based chunk number.
        results: one :class:`MoleculeResult` per molecule record of the chunk, input order.
        summary: cumulative :class:`TriageSummary` including this chunk; the last chunk's
            summary is the run's.
        skipped: ``(source, skip_reason)`` of every record of the chunk that is not a
            molecule (blank line, comment, header, ``malformed_row``), input order.
    """

    index: int
    results: tuple[MoleculeResult, ...]
    summary: TriageSummary
    skipped: tuple[tuple[int, str], ...] = ()


class SummaryCounter:
    """Accumulates :class:`TriageSummary` counts across chunks (used by the driver)."""

    def __init__(self) -> None:
        self.n_input = self.n_valid = self.n_unique = self.n_passed = 0
        self.rejected: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()

    def add(self, result: MoleculeResult) -> None:
        """Count one molecule result (after duplicate marking)."""
        self.n_input += 1
        if result.inchikey is not None:
            self.n_valid += 1
            if "duplicate" not in result.reasons:
                self.n_unique += 1
        if result.passed:
            self.n_passed += 1
        else:
            self.rejected.update(result.reasons)

    def snapshot(self, wall_seconds: float) -> TriageSummary:
        """A frozen summary of the counts so far."""
        return TriageSummary(
            n_input=self.n_input,
            n_valid=self.n_valid,
            n_unique=self.n_unique,
            n_passed=self.n_passed,
            rejected_by_reason=dict(self.rejected),
            skipped_by_reason=dict(self.skipped),
            wall_seconds=wall_seconds,
            molecules_per_second=self.n_input / wall_seconds if wall_seconds > 0 else 0.0,
        )

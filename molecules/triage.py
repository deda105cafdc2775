"""Triage driver: stream a library, standardize, identify, filter, predict, embed.

Plain functions, no Prefect. :func:`triage_library` streams a file in chunks of
``settings.chunk_size`` records and maps :func:`triage_chunk` over them with an executor
(:mod:`molecules.executors`: worker processes here, Prefect tasks in ``flows/``), a few
chunks in flight per worker, so memory does not grow with the library size (except the set
of InChIKeys seen, about 100 bytes per unique molecule, needed to mark duplicates). Chunks
come back in input order.

Example::

    from molecules import TriageSettings, triage_library

    for chunk in triage_library("data/esol_delaney.csv", TriageSettings()):
        store(chunk.results)
    print(chunk.summary.n_passed, chunk.summary.rejected_by_reason)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from multiprocessing import parent_process
from pathlib import Path

from rdkit import Chem

from molecules.conformers import generate_conformer
from molecules.descriptors import DESCRIPTOR_NAMES, MolContext
from molecules.errors import (
    ConformerError,
    FilterConfigError,
    MoleculeParseError,
    ReadStoppedError,
)
from molecules.executors import Executor, ProcessExecutor, SerialExecutor
from molecules.filters import (
    RuleFilter,
    apply_rule_filters,
    enabled_filters,
    validate_filter_settings,
)
from molecules.gnn.predict import GNNPredictor
from molecules.gnn.solubility_filter import check_solubility
from molecules.gnn.toxicity_filter import check_toxicity
from molecules.io import RawRecord, iter_record_chunks, read_library
from molecules.results import MoleculeResult, SummaryCounter, TriageChunk, TriageSummary
from molecules.settings import TriageSettings, usable_cores
from molecules.standardize import identify_mol, parse_molblock, parse_smiles

ProgressCallback = Callable[[TriageSummary], None]
_INPUT_TEXT_CHARS = 200


def _clean_text(text: str) -> str:
    """Replace surrogate-escaped (non-UTF-8) bytes by U+FFFD so results serialize."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def triage_record(
    record: RawRecord,
    settings: TriageSettings,
    *,
    all_reasons: bool = False,
    filters: list[RuleFilter] | None = None,
) -> tuple[MoleculeResult, Chem.Mol | None]:
    """Parse, standardize, identify and rule-filter one molecule record.

    Returns:
        The result and the standardized molecule (None when invalid), for later stages.
    """
    names = (_clean_text(record.name),) if record.name else ()
    input_text = _clean_text(record.text[:_INPUT_TEXT_CHARS]) if record.kind == "smiles" else ""
    try:
        if record.kind == "smiles":
            mol = parse_smiles(record.text, max_length=settings.max_smiles_length)
        else:
            mol = parse_molblock(record.text)
        std = identify_mol(
            mol,
            strip_salts=settings.strip_salts,
            canonical_tautomer=settings.tautomer_canonicalization,
        )
    except MoleculeParseError as exc:
        return MoleculeResult(
            record.source, input_text, None, None, names, False, (exc.reason,)
        ), None
    ctx = MolContext(std.mol)
    try:
        reasons = apply_rule_filters(ctx, settings, all_reasons=all_reasons, filters=filters)
        if not reasons:
            for name in settings.report_descriptors:
                ctx.get(name)
    except Exception:  # an RDKit failure on one odd molecule must not stop the run
        reasons = ("processing_error",)
    result = MoleculeResult(
        source=record.source,
        input_text=input_text,
        inchikey=std.inchikey,
        smiles=std.smiles,
        names=names,
        passed=not reasons,
        reasons=reasons,
        notes=std.notes,
        descriptors=ctx.computed(),
    )
    return result, std.mol


def _apply_gnn(
    results: list[MoleculeResult],
    mols: list[Chem.Mol | None],
    gnn: GNNPredictor,
    settings: TriageSettings,
    all_reasons: bool,
) -> None:
    """Add GNN predictions and reasons in place (passed molecules, or all valid ones)."""
    todo = [
        i for i, (r, m) in enumerate(zip(results, mols, strict=True))
        if m is not None and (r.passed or all_reasons)
    ]  # fmt: skip
    step = settings.gnn_batch_size
    for start in range(0, len(todo), step):
        batch = todo[start : start + step]
        pred = gnn.predict([mols[i] for i in batch])  # type: ignore[misc]
        for j, i in enumerate(batch):
            predictions: dict[str, float] = {}
            new: tuple[str, ...] = ()
            if not pred.ok[j]:
                new = ("gnn_featurization_failed",)
            else:
                if pred.log_solubility is not None:
                    predictions["log_solubility"] = float(pred.log_solubility[j])
                    new += check_solubility(float(pred.log_solubility[j]), settings)
                if pred.toxicity is not None:
                    probs = pred.toxicity[j]
                    predictions.update(
                        {
                            f"tox:{t}": float(p)
                            for t, p in zip(pred.toxicity_tasks, probs, strict=True)
                        }
                    )
                    if all_reasons or not new:  # stop at the first failing filter
                        new += check_toxicity(probs, pred.toxicity_tasks, settings)
            r = results[i]
            reasons = r.reasons + new
            results[i] = replace(r, predictions=predictions, reasons=reasons, passed=not reasons)


def _apply_conformers(
    results: list[MoleculeResult], mols: list[Chem.Mol | None], settings: TriageSettings
) -> None:
    """Embed conformers for passed molecules in place, recording failures."""
    for i, (r, mol) in enumerate(zip(results, mols, strict=True)):
        if not r.passed or mol is None:
            continue
        try:
            conf = generate_conformer(
                mol,
                n_conformers=settings.n_conformers,
                seed=settings.conformer_seed,
                max_iterations=settings.mmff_max_iterations,
            )
        except ConformerError as exc:
            results[i] = replace(r, conformer_error=exc.reason)
        else:
            results[i] = replace(r, conformer=conf)


def triage_records(
    records: Sequence[RawRecord],
    settings: TriageSettings,
    *,
    all_reasons: bool = False,
    gnn: GNNPredictor | None = None,
    with_conformers: bool = False,
) -> list[MoleculeResult]:
    """Triage one chunk in this process: one result per molecule record (skip records dropped).

    Duplicates are not marked here (that needs the whole run; see :func:`triage_library`).
    """
    filters = enabled_filters(settings)
    results: list[MoleculeResult] = []
    mols: list[Chem.Mol | None] = []
    for record in records:
        if record.kind == "skip":
            continue
        result, mol = triage_record(record, settings, all_reasons=all_reasons, filters=filters)
        results.append(result)
        mols.append(mol)
    if gnn is not None:
        _apply_gnn(results, mols, gnn, settings, all_reasons)
    if with_conformers:
        _apply_conformers(results, mols, settings)
    return results


# ---- the driver -------------------------------------------------------------------------


def triage_chunk(
    records: Sequence[RawRecord],
    *,
    settings: TriageSettings,
    all_reasons: bool = False,
    gnn: GNNPredictor | None = None,
    with_conformers: bool = False,
) -> tuple[tuple[tuple[int, str], ...], list[MoleculeResult]]:
    """One chunk, as an executor runs it: ``(source, skip_reason)`` of the dropped records
    and the results.

    In a worker process with GNN filters, torch uses one thread (one worker per core).
    """
    if gnn is not None and parent_process() is not None:
        import torch

        torch.set_num_threads(1)
    skipped = tuple((r.source, r.skip_reason or "skipped") for r in records if r.kind == "skip")
    results = triage_records(
        records, settings, all_reasons=all_reasons, gnn=gnn, with_conformers=with_conformers
    )
    return skipped, results


def resolve_workers(settings: TriageSettings) -> int:
    """Worker processes to use: ``settings.n_workers`` or, when 0, the usable CPU count."""
    return settings.n_workers or usable_cores()


def default_executor(settings: TriageSettings, *, gnn: bool = False) -> Executor:
    """This process for one worker, else a forkserver pool with RDKit (and torch) preloaded."""
    n_workers = resolve_workers(settings)
    if n_workers == 1:
        return SerialExecutor()
    preload = ["molecules.triage", "molecules.worker_preload"]
    if gnn:  # GNN filters: load DeepChem and torch once, in the forkserver
        preload.append("molecules.gnn.worker_preload")
    return ProcessExecutor(n_workers, preload=preload)


def mark_duplicates(results: list[MoleculeResult], seen: set[str]) -> list[MoleculeResult]:
    """Mark repeats of an InChIKey as ``duplicate``; merge names of in-chunk repeats.

    A repeat of a molecule from an earlier (already emitted) chunk keeps its own names, for
    the caller to add to the first record (the store does: ``Store.add_molecule_names``).
    """
    first_in_chunk: dict[str, int] = {}
    out = list(results)
    for i, r in enumerate(out):
        key = r.inchikey
        if key is None:
            continue
        if key in seen:
            out[i] = replace(r, passed=False, reasons=("duplicate",))
            j = first_in_chunk.get(key)
            if j is not None and r.names:
                first = out[j]
                merged = first.names + tuple(n for n in r.names if n not in first.names)
                out[j] = replace(first, names=merged)
        else:
            seen.add(key)
            first_in_chunk[key] = i
    return out


def check_triage_settings(settings: TriageSettings) -> None:
    """Fail before any work on settings that cannot be used.

    Raises:
        FilterConfigError: an unusable filter setting (e.g. invalid SMARTS) or an unknown
            descriptor in ``report_descriptors``.
    """
    validate_filter_settings(settings)
    for name in settings.report_descriptors:
        if name not in DESCRIPTOR_NAMES:
            raise FilterConfigError(f"unknown descriptor {name!r} in report_descriptors")


def triage_library(
    path: Path | str,
    settings: TriageSettings,
    *,
    all_reasons: bool = False,
    gnn: GNNPredictor | None = None,
    with_conformers: bool = False,
    smiles_column: str | None = None,
    name_column: str | None = None,
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
) -> Iterator[TriageChunk]:
    """Triage a library file chunk by chunk: the one triage driver (CLI, API and flows).

    Args:
        path: SMILES (``.smi``), CSV/TSV or SDF file, each optionally ``.gz``.
        settings: thresholds and switches (``chunk_size``, ``n_workers``, filters, GNN).
        all_reasons: run every filter and record every failing rule; default stops at the
            first failing filter (filters run cheapest first).
        gnn: trained models (:func:`molecules.gnn.predict.load_gnn_predictor`) to run the
            solubility/toxicity filters on molecules that passed the rule filters; None
            skips GNN filters.
        with_conformers: embed a lowest-energy MMFF94 conformer for passed molecules.
        smiles_column, name_column: CSV columns (default: the ``smiles`` column, no names).
        progress: called with the cumulative summary after every chunk.
        executor: runs :func:`triage_chunk` over the chunks (default
            :func:`default_executor`: ``settings.n_workers`` processes). Chunks come back in
            input order, at most a few in flight per worker, so memory stays flat.

    Yields:
        :class:`TriageChunk` in input order; at least one (empty) chunk for an empty file.

    Raises (at the first ``next``, before any work):
        InputFileError: the file is missing, unreadable, of unknown format, or corrupt.
        FilterConfigError: an unusable filter setting (e.g. invalid SMARTS).
        ReadStoppedError: after the last chunk, when a corrupt or truncated stream stopped
            reading: every record read before the fault has been triaged and yielded;
            ``line`` is where reading stopped and ``summary`` the run's summary.
    """
    check_triage_settings(settings)
    records = read_library(path, smiles_column=smiles_column, name_column=name_column)
    executor = executor or default_executor(settings, gnn=gnn is not None)
    work = partial(
        triage_chunk,
        settings=settings,
        all_reasons=all_reasons,
        gnn=gnn,
        with_conformers=with_conformers,
    )
    counter = SummaryCounter()
    start = time.perf_counter()
    seen: set[str] = set()
    index = -1
    stopped: list[ReadStoppedError] = []
    chunks = iter_record_chunks(_until_fault(records, stopped), settings.chunk_size)
    for index, (skipped, results) in enumerate(executor.map(work, chunks)):
        for _, reason in skipped:
            counter.skipped[reason] += 1
        marked = mark_duplicates(results, seen)
        for r in marked:
            counter.add(r)
        summary = counter.snapshot(time.perf_counter() - start)
        if progress is not None:
            progress(summary)
        yield TriageChunk(index, tuple(marked), summary, skipped)
    if stopped:
        stopped[0].summary = counter.snapshot(time.perf_counter() - start)
        raise stopped[0]
    if index < 0:
        yield TriageChunk(0, (), counter.snapshot(time.perf_counter() - start))


def _until_fault(
    records: Iterator[RawRecord], stopped: list[ReadStoppedError]
) -> Iterator[RawRecord]:
    """``records`` up to a read fault, which is kept in ``stopped`` instead of raised."""
    try:
        yield from records
    except ReadStoppedError as exc:
        stopped.append(exc)


def triage_smiles(
    smiles: Iterable[str],
    settings: TriageSettings,
    *,
    all_reasons: bool = False,
    gnn: GNNPredictor | None = None,
    with_conformers: bool = False,
) -> list[MoleculeResult]:
    """Triage in-memory SMILES in this process (duplicates marked); for small batches."""
    check_triage_settings(settings)
    records = [RawRecord(i, "smiles", s) for i, s in enumerate(smiles, start=1)]
    results = triage_records(
        records, settings, all_reasons=all_reasons, gnn=gnn, with_conformers=with_conformers
    )
    return mark_duplicates(results, set())

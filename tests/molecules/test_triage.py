"""Triage driver: chunks in order, multiprocessing, duplicates across chunks, summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from molecules.errors import FilterConfigError, InputFileError
from molecules.results import TriageSummary
from molecules.settings import TriageSettings
from molecules.triage import triage_library
from tests.molecules.conftest import ASPIRIN, IBUPROFEN, PARACETAMOL, write_bytes


@pytest.fixture
def library(tmp_path: Path) -> Path:
    smiles = [ASPIRIN, IBUPROFEN, PARACETAMOL, "C1CC(", "CCCCCCCCO", ASPIRIN] * 5
    lines = [f"{s} m{i}" for i, s in enumerate(smiles)]
    return write_bytes(tmp_path / "lib.smi.gz", ("\n".join(lines) + "\n").encode(), gz=True)


@pytest.mark.parametrize("n_workers", [1, 2])
def test_triage_library_chunks_and_summary(library: Path, n_workers: int) -> None:
    seen: list[TriageSummary] = []
    settings = TriageSettings(chunk_size=4, n_workers=n_workers, brenk=False)
    chunks = list(triage_library(library, settings, progress=seen.append))
    assert [c.index for c in chunks] == list(range(8))
    results = [r for c in chunks for r in c.results]
    assert [r.source for r in results] == list(range(1, 31))
    summary = chunks[-1].summary
    assert (summary.n_input, summary.n_valid, summary.n_unique) == (30, 25, 4)
    assert summary.n_passed == 4
    assert summary.rejected_by_reason == {"invalid_smiles": 5, "duplicate": 21}
    assert len(seen) == 8 and seen[-1].n_input == 30
    assert summary.molecules_per_second > 0
    first = results[0]
    assert first.passed and first.names == ("m0",)
    assert set(first.descriptors) == set(settings.report_descriptors)
    # within one chunk the names of repeats are merged into the first occurrence
    assert results[4].names == ("m4",)


def test_names_merged_within_chunk(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "d.smi", f"{ASPIRIN} a\nOC(=O)c1ccccc1OC(C)=O b\n".encode())
    (chunk,) = triage_library(path, TriageSettings(n_workers=1))
    assert chunk.results[0].names == ("a", "b")
    assert chunk.results[1].reasons == ("duplicate",)


def test_all_reasons_in_driver(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "x.smi", b"C[Si](C)(C)C=CC(=O)c1ccccc1 x\n")
    (chunk,) = triage_library(path, TriageSettings(n_workers=1), all_reasons=True)
    assert {"unsupported_element:Si", "brenk"} <= set(chunk.results[0].reasons)
    assert chunk.summary.rejected_by_reason["brenk"] == 1


def test_empty_file_yields_one_empty_chunk(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "e.smi", b"# nothing\n")
    (chunk,) = triage_library(path, TriageSettings(n_workers=1))
    assert chunk.results == () and chunk.summary.n_input == 0
    assert chunk.summary.skipped_by_reason == {"comment": 1}


def test_errors_raised_before_work(tmp_path: Path) -> None:
    with pytest.raises(InputFileError):
        next(triage_library(tmp_path / "missing.smi", TriageSettings()))
    with pytest.raises(FilterConfigError):
        next(triage_library(tmp_path / "missing.smi", TriageSettings(require_smarts=("[C",))))


def test_sdf_library_with_unreadable_records() -> None:
    settings = TriageSettings(n_workers=1, chunk_size=500)
    chunks = list(triage_library(Path("data/gdb1k.sdf"), settings))
    summary = chunks[-1].summary
    assert summary.n_input == 1000
    assert summary.rejected_by_reason.get("sanitization_failed", 0) >= 9


def test_consumer_may_stop_early(library: Path) -> None:
    chunks = triage_library(library, TriageSettings(chunk_size=2, n_workers=2))
    first = next(chunks)
    chunks.close()  # cancels queued chunks and shuts the workers down
    assert first.index == 0 and len(first.results) == 2

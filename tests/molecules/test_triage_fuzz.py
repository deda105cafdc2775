"""Fuzz the triage reader and driver: random SMILES/CSV/SDF files (valid SMILES, garbage,
non-UTF-8 bytes, NUL, very long lines, quotes, SDF fragments, mixed line ends), plain, gzipped
or truncated gzip, through :func:`triage_library`. No exception but the documented
:class:`ReadStoppedError` of a truncated gzip, and every entry is accounted for: each line
(SMILES, CSV) or record (SDF) gives one molecule result or one skip, under its own number."""

from __future__ import annotations

import csv
import gzip
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from molecules.errors import InputFileError, ReadStoppedError
from molecules.settings import TriageSettings
from molecules.triage import triage_library

SMILES = [
    "CCO", "c1ccccc1", "CC(=O)Oc1ccccc1C(=O)O", "C=CC(=O)N", "[Na+].[Cl-]", "c1cc[nH]c1",
    "C1CC", "CCＯ", "[Fe]", "F[Si](F)(F)F", "CC(C)(C)(C)C", "[2H]C", "C%99", ")(",
]  # fmt: skip
FRAGMENTS = [
    b"", b"   ", b"# comment", b"SMILES name", b'"CC,O",x', b'"unterminated', b'a""b',
    b"M  END", b"$$$$", b"  RDKit          2D", b"\x00", b"CC\x00O", b"\xff\xfe\xfd",
    b"CCO  ethanol  ", b"\tCCO\t", b"\x1c\x1d", "CCO éthanol".encode(), b"C,C,C,,",
]  # fmt: skip
PIECE = st.one_of(
    st.sampled_from(SMILES).map(str.encode),
    st.sampled_from(FRAGMENTS),
    st.binary(max_size=24),
    st.text(max_size=24).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"C" * 2500, b"x" * 140_000]),  # over max_smiles_length, the csv limit
)
LINES = st.lists(st.tuples(PIECE, st.sampled_from([b"\n", b"\r\n", b"\r", b"\n"])), max_size=20)


def expected_entries(raw: bytes, fmt: str) -> int:
    """Entries the file holds: lines (SMILES), data rows (CSV) or records (SDF)."""
    text = io.TextIOWrapper(
        io.BytesIO(raw), encoding="utf-8", errors="surrogateescape", newline=""
    ).read()
    if fmt == "smi":
        return len(io.StringIO(text, newline="").readlines())
    if fmt == "sdf":
        records, pending = 0, False
        for line in io.StringIO(text, newline=""):
            if line.startswith("$$$$"):
                records, pending = records + 1, False
            else:
                pending = pending or bool(line.strip())
        return records + pending
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    n = 0
    while True:
        try:
            next(reader)
        except StopIteration:
            return n
        except csv.Error:
            pass
        n += 1


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=LINES,
    fmt=st.sampled_from(["smi", "csv", "sdf"]),
    packing=st.sampled_from(["plain", "gz", "truncated"]),
    cut=st.floats(0.0, 1.0),
    chunk_size=st.integers(1, 7),
)
def test_every_entry_is_accounted_for(
    lines: list[tuple[bytes, bytes]], fmt: str, packing: str, cut: float, chunk_size: int
) -> None:
    raw = b"".join(piece + end for piece, end in lines)
    if fmt == "csv":
        raw = b"smiles,name\n" + raw
    data = raw if packing == "plain" else gzip.compress(raw)
    if packing == "truncated":
        data = data[: max(2, int(len(data) * cut))]  # keep the gzip magic
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"lib.{fmt}{'.gz' if packing != 'plain' else ''}"
        path.write_bytes(data)
        sources: list[int] = []
        stopped = None
        try:
            for chunk in triage_library(
                path, TriageSettings(n_workers=1, chunk_size=chunk_size), all_reasons=True
            ):
                sources += sorted([r.source for r in chunk.results] + [s for s, _ in chunk.skipped])
                summary = chunk.summary
                assert all(r.passed == (not r.reasons) for r in chunk.results)
        except ReadStoppedError as exc:
            assert packing == "truncated" or raw.startswith(b"\x1f\x8b"), exc  # gzip magic
            stopped = exc
            summary = exc.summary  # type: ignore[assignment]
        except InputFileError as exc:  # the CSV header itself is cut off
            assert packing == "truncated" and fmt == "csv" and not sources, exc
            return
    counted = summary.n_input + sum(summary.skipped_by_reason.values())
    assert counted == len(sources)
    expected = expected_entries(raw, fmt)
    if fmt == "csv":  # sources are line numbers: a quoted field may span lines
        assert sources == sorted(set(sources)) and all(s >= 2 for s in sources)
    else:
        assert sources == list(range(1, len(sources) + 1))
    if stopped is None:
        assert len(sources) == expected
    else:  # a prefix of the entries; reading stopped past the last of them
        assert len(sources) <= expected
        if fmt == "smi":
            assert stopped.line == len(sources) + 1

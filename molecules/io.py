"""Streaming readers for molecule libraries: SMILES, CSV and SDF files, each optionally gzipped.

Readers never parse chemistry: they split a file into :class:`RawRecord` items (text plus
name plus where it came from) so that parsing can run in worker processes. Memory is bounded
by one record (and one chunk in :func:`iter_record_chunks`), never by the file size.

Bytes that are not UTF-8 are kept as surrogate escapes (``errors="surrogateescape"``) so one
bad line becomes one record with reason ``non_utf8`` instead of stopping the run.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from molecules.errors import InputFileError, ReadStoppedError

RecordKind = Literal["smiles", "molblock", "skip"]
FileFormat = Literal["smiles", "csv", "sdf"]

_GZIP_MAGIC = b"\x1f\x8b"
_SUFFIX_FORMATS: dict[str, FileFormat] = {
    ".smi": "smiles",
    ".smiles": "smiles",
    ".ism": "smiles",
    ".can": "smiles",
    ".txt": "smiles",
    ".csv": "csv",
    ".tsv": "csv",
    ".sdf": "sdf",
    ".sd": "sdf",
    ".mol": "sdf",
}
_SMILES_HEADERS = {"smiles", "smi", "canonical_smiles"}


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One unparsed entry of a library file.

    Attributes:
        source: 1-based line number (SMILES, CSV) or record number (SDF) in the file.
        kind: ``"smiles"``, ``"molblock"``, or ``"skip"`` for blank lines, comments, headers.
        text: the SMILES string or the molblock; for ``"skip"`` the raw line.
        name: identifier given in the file, or None when the file gives none.
        skip_reason: for ``kind == "skip"`` the stable reason (``blank_line``, ``comment``,
            ``header``); otherwise None.
    """

    source: int
    kind: RecordKind
    text: str
    name: str | None = None
    skip_reason: str | None = None


def detect_format(path: Path) -> FileFormat:
    """Return the library format from the file suffix (``.gz`` is looked through).

    Raises:
        InputFileError: the suffix is not .smi/.smiles/.ism/.can/.txt/.csv/.tsv/.sdf/.sd/.mol.
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    fmt = _SUFFIX_FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise InputFileError(
            f"{path}: unsupported library format; expected one of {sorted(_SUFFIX_FORMATS)}"
            " (optionally .gz)"
        )
    return fmt


def open_text(path: Path) -> IO[str]:
    """Open ``path`` for text reading, decompressing gzip (detected by magic bytes).

    Raises:
        InputFileError: missing, a directory, or unreadable.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: file not found")
    if path.is_dir():
        raise InputFileError(f"{path}: is a directory, expected a library file")
    try:
        with path.open("rb") as fh:
            magic = fh.read(2)
        raw: IO[bytes] = gzip.open(path, "rb") if magic == _GZIP_MAGIC else path.open("rb")  # noqa: SIM115
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    return io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")


def _guard_stream(path: Path, lines: Iterator[RawRecord], done: list[int]) -> Iterator[RawRecord]:
    """Turn decompression and OS errors met while streaming into :class:`ReadStoppedError`.

    ``done[0]`` is kept by the reader: the physical lines covered by the records yielded so
    far; reading stopped at the line after them.
    """
    try:
        yield from lines
    except (OSError, EOFError, zlib.error) as exc:
        line = done[0] + 1
        raise ReadStoppedError(
            f"{path}: corrupt or truncated file ({exc}); reading stopped at line {line}",
            line=line,
        ) from exc


def read_smiles_file(path: Path | str) -> Iterator[RawRecord]:
    """Stream a SMILES file: one ``SMILES [name ...]`` per line, whitespace separated.

    Blank lines, ``#`` comments and a first-line ``SMILES ...`` header become ``skip`` records.

    Raises:
        InputFileError: missing/unreadable file (at the first ``next``).
        ReadStoppedError: a corrupt or truncated gzip (or I/O error) met while streaming.
    """
    path = Path(path)
    fh = open_text(path)

    done = [0]

    def _lines() -> Iterator[RawRecord]:
        with fh:
            for lineno, line in enumerate(fh, start=1):
                done[0] = lineno
                stripped = line.strip()
                if not stripped:
                    yield RawRecord(lineno, "skip", line, skip_reason="blank_line")
                    continue
                if stripped.startswith("#"):
                    yield RawRecord(lineno, "skip", line, skip_reason="comment")
                    continue
                parts = stripped.split(None, 1)
                if lineno == 1 and parts[0].lower() in _SMILES_HEADERS:
                    yield RawRecord(lineno, "skip", line, skip_reason="header")
                    continue
                name = parts[1].strip() if len(parts) > 1 else None
                yield RawRecord(lineno, "smiles", parts[0], name or None)

    return _guard_stream(path, _lines(), done)


def read_csv_file(
    path: Path | str, *, smiles_column: str | None = None, name_column: str | None = None
) -> Iterator[RawRecord]:
    """Stream a CSV (or ``.tsv``) file with a header row.

    Args:
        smiles_column: header of the SMILES column; None picks the first header that is
            ``smiles`` case-insensitively (or contains ``smiles``).
        name_column: header of the identifier column; None means no names.

    Raises:
        InputFileError: missing/unreadable file, no header, unknown column.
        ReadStoppedError: a corrupt or truncated gzip (or I/O error) met while streaming.
    """
    path = Path(path)
    fh = open_text(path)
    delimiter = "\t" if ".tsv" in [s.lower() for s in path.suffixes] else ","
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise InputFileError(f"{path}: empty CSV file, expected a header row") from None
    except (OSError, EOFError, zlib.error, csv.Error) as exc:
        fh.close()
        raise InputFileError(f"{path}: corrupt CSV file ({exc})") from exc
    smiles_idx = _find_column(path, header, smiles_column, required=True)
    name_idx = _find_column(path, header, name_column, required=False)

    done = [reader.line_num]

    def _rows() -> Iterator[RawRecord]:
        with fh:
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error:
                    done[0] = reader.line_num
                    yield RawRecord(reader.line_num, "skip", "", skip_reason="malformed_row")
                    continue
                lineno = done[0] = reader.line_num
                if not row or all(not cell.strip() for cell in row):
                    yield RawRecord(lineno, "skip", "", skip_reason="blank_line")
                    continue
                smiles = row[smiles_idx].strip() if smiles_idx < len(row) else ""
                name = None
                if name_idx is not None and name_idx < len(row):
                    name = row[name_idx].strip() or None
                yield RawRecord(lineno, "smiles", smiles, name)

    return _guard_stream(path, _rows(), done)


def _find_column(
    path: Path, header: list[str], wanted: str | None, *, required: bool
) -> int | None:
    lowered = [h.strip().lower() for h in header]
    if wanted is None:
        if not required:
            return None
        for candidate in ("smiles", "canonical_smiles"):
            if candidate in lowered:
                return lowered.index(candidate)
        for i, h in enumerate(lowered):
            if "smiles" in h:
                return i
        raise InputFileError(f"{path}: no SMILES column in header {header}; name one explicitly")
    if wanted in header:
        return header.index(wanted)
    if wanted.lower() in lowered:
        return lowered.index(wanted.lower())
    raise InputFileError(f"{path}: column {wanted!r} not in header {header}")


def read_sdf_file(path: Path | str) -> Iterator[RawRecord]:
    """Stream an SDF file record by record (split on ``$$$$``); the title line is the name.

    Raises:
        InputFileError: missing/unreadable file.
        ReadStoppedError: a corrupt or truncated gzip (or I/O error) met while streaming.
    """
    path = Path(path)
    fh = open_text(path)

    done = [0]

    def _records() -> Iterator[RawRecord]:
        with fh:
            buf: list[str] = []
            n = 0
            for lineno, line in enumerate(fh, start=1):
                if line.startswith("$$$$"):
                    n += 1
                    done[0] = lineno
                    yield _sdf_record(n, buf)
                    buf = []
                else:
                    buf.append(line)
            if any(line.strip() for line in buf):
                n += 1
                yield _sdf_record(n, buf)

    return _guard_stream(path, _records(), done)


def _sdf_record(number: int, lines: list[str]) -> RawRecord:
    block = "".join(lines)
    name = lines[0].strip() if lines else ""
    end = block.find("M  END")
    molblock = block[: end + 6] if end >= 0 else block
    return RawRecord(number, "molblock", molblock, name or None)


def estimate_records(path: Path) -> int | None:
    """About how many molecule records ``path`` holds, from one quick pass over its lines
    (gzip included): non-blank, non-comment lines of a SMILES file, those after the header of
    a CSV, ``$$$$`` lines of an SDF. None when the file cannot be read (the reader reports it).
    """
    try:
        fmt = detect_format(Path(path))
        with open_text(Path(path)) as handle:
            if fmt == "sdf":
                return sum(line.startswith("$$$$") for line in handle)
            kept = sum(1 for line in handle if line.strip() and not line.lstrip().startswith("#"))
    except (InputFileError, OSError, EOFError, zlib.error):
        return None
    return max(0, kept - 1) if fmt == "csv" else kept


def read_library(
    path: Path | str,
    *,
    smiles_column: str | None = None,
    name_column: str | None = None,
) -> Iterator[RawRecord]:
    """Stream any supported library file, choosing the reader from the suffix.

    Raises:
        InputFileError: missing/unreadable file, unsupported suffix, bad CSV header.
    """
    path = Path(path)
    fmt = detect_format(path)
    if fmt == "smiles":
        return read_smiles_file(path)
    if fmt == "csv":
        return read_csv_file(path, smiles_column=smiles_column, name_column=name_column)
    return read_sdf_file(path)


def iter_record_chunks(records: Iterator[RawRecord], chunk_size: int) -> Iterator[list[RawRecord]]:
    """Group ``records`` into lists of at most ``chunk_size`` items, lazily."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    chunk: list[RawRecord] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

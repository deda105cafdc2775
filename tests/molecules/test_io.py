"""Streaming readers: SMILES, CSV, SDF and their gzip versions; file errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from molecules.errors import InputFileError
from molecules.io import (
    detect_format,
    iter_record_chunks,
    read_csv_file,
    read_library,
    read_sdf_file,
    read_smiles_file,
)
from tests.molecules.conftest import ASPIRIN, IBUPROFEN, write_bytes

SDF_TWO = (
    "ethanol\n  test\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n"
    "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    2.0000    1.2000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "  1  2  1  0\n  2  3  1  0\nM  END\n> <prop>\n1\n\n$$$$\n"
    "broken\n  test\n\nthis is not a molblock\nM  END\n$$$$\n"
)


@pytest.mark.parametrize("gz", [False, True])
def test_read_smiles_file_names_comments_header(tmp_path: Path, gz: bool) -> None:
    text = f"SMILES name\n# comment\n\n{ASPIRIN} aspirin tablet\n{IBUPROFEN}\n"
    path = write_bytes(tmp_path / ("lib.smi.gz" if gz else "lib.smi"), text.encode(), gz=gz)
    records = list(read_smiles_file(path))
    assert [r.kind for r in records] == ["skip", "skip", "skip", "smiles", "smiles"]
    assert [r.skip_reason for r in records[:3]] == ["header", "comment", "blank_line"]
    assert records[3].text == ASPIRIN and records[3].name == "aspirin tablet"
    assert records[3].source == 4
    assert records[4].name is None


@pytest.mark.parametrize("gz", [False, True])
def test_read_csv_file_chooses_column(tmp_path: Path, gz: bool) -> None:
    text = f'id,structure,value\nm1,{ASPIRIN},1\n"m,2",{IBUPROFEN},2\n,,\n'
    path = write_bytes(tmp_path / ("lib.csv.gz" if gz else "lib.csv"), text.encode(), gz=gz)
    records = list(read_csv_file(path, smiles_column="structure", name_column="id"))
    mols = [r for r in records if r.kind == "smiles"]
    assert [(r.text, r.name, r.source) for r in mols] == [(ASPIRIN, "m1", 2), (IBUPROFEN, "m,2", 3)]
    assert records[-1].skip_reason == "blank_line"


def test_read_csv_file_default_and_missing_column(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "lib.csv", f"name,SMILES\na,{ASPIRIN}\n".encode())
    assert next(read_csv_file(path)).text == ASPIRIN
    with pytest.raises(InputFileError, match="column 'nope'"):
        read_csv_file(path, smiles_column="nope")
    no_smiles = write_bytes(tmp_path / "other.csv", b"a,b\n1,2\n")
    with pytest.raises(InputFileError, match="no SMILES column"):
        read_csv_file(no_smiles)


@pytest.mark.parametrize("gz", [False, True])
def test_read_sdf_file(tmp_path: Path, gz: bool) -> None:
    path = write_bytes(tmp_path / ("lib.sdf.gz" if gz else "lib.sdf"), SDF_TWO.encode(), gz=gz)
    records = list(read_sdf_file(path))
    assert [(r.source, r.name, r.kind) for r in records] == [
        (1, "ethanol", "molblock"),
        (2, "broken", "molblock"),
    ]
    assert records[0].text.rstrip().endswith("M  END")


def test_shipped_sdf_streams_all_records() -> None:
    records = list(read_library(Path("data/gdb1k.sdf")))
    assert len(records) == 1000


@pytest.mark.parametrize(
    ("name", "match"),
    [("missing.smi", "not found"), ("lib.xyz", "unsupported library format")],
)
def test_missing_or_unsupported_file(tmp_path: Path, name: str, match: str) -> None:
    (tmp_path / "lib.xyz").write_text("x")
    with pytest.raises(InputFileError, match=match):
        read_library(tmp_path / name)


def test_directory_and_corrupt_gzip(tmp_path: Path) -> None:
    (tmp_path / "dir.smi").mkdir()
    with pytest.raises(InputFileError, match="directory"):
        read_library(tmp_path / "dir.smi")
    corrupt = write_bytes(tmp_path / "c.smi.gz", b"\x1f\x8b" + b"\x00" * 40)
    with pytest.raises(InputFileError, match="corrupt"):
        list(read_library(corrupt))


def test_detect_format_looks_through_gz() -> None:
    assert detect_format(Path("a.SDF.gz")) == "sdf"
    assert detect_format(Path("a.tsv")) == "csv"


def test_iter_record_chunks_is_lazy() -> None:
    consumed = []

    def gen():  # type: ignore[no-untyped-def]
        for i in range(10):
            consumed.append(i)
            yield i

    chunks = iter_record_chunks(gen(), 4)  # type: ignore[arg-type]
    assert next(chunks) == [0, 1, 2, 3]
    assert len(consumed) == 4
    assert [len(c) for c in chunks] == [4, 2]
    with pytest.raises(ValueError):
        next(iter_record_chunks(iter([]), 0))

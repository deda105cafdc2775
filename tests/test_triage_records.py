"""No triage record lost or mislabelled (issue 12, item 4): a truncated gzip library, rejected
entries with line and reason, every name and source of a molecule, one transaction per chunk,
a damaged store found before it is used."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import sqlite3
import sys
import zlib
from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import func, select

from pipeline.cli.main import main
from pipeline.config import Settings
from pipeline.errors import StoreCorruptError
from pipeline.services.triage import run_triage
from pipeline.store import Store
from pipeline.store.database import create_store_engine
from pipeline.store.models import Molecule, TriageResult

INVALID = ("C1CC", "CCＯ", "not_smiles")  # unclosed ring, non-ASCII, garbage


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QDP_HOME", str(tmp_path / ".qdp"))
    (tmp_path / "qdp.toml").write_text("[triage]\nn_workers = 1\nchunk_size = 300\n")
    return tmp_path


def qdp(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str):
    """Run ``qdp ARGS`` through the console entry point: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["qdp", *args])
    with pytest.raises(SystemExit) as info:
        main()
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def library_lines(n: int) -> list[str]:
    """``n`` SMILES lines, distinct alkyl alcohols/ethers/amines, an invalid one every 37th."""
    lines = []
    for i in range(1, n + 1):
        if i % 37 == 0:
            lines.append(f"{INVALID[i % 3]} bad{i}\n")
        else:
            a, b = divmod(i, 12)
            lines.append(f"{'C' * (a % 9 + 1)}{'ON'[b % 2]}{'C' * (b + 1)} m{i}\n")
    return lines


def test_truncated_gzip_stores_what_was_read_and_names_the_line(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    lines = library_lines(2500)
    data = gzip.compress("".join(lines).encode())
    truncated = data[: len(data) * 3 // 5]
    readable = zlib.decompressobj(wbits=31).decompress(truncated).count(b"\n")  # as zcat
    assert 900 < readable < 2500
    (home / "lib.smi.gz").write_bytes(truncated)

    code, out, err = qdp(
        monkeypatch, capsys, "triage", "lib.smi.gz", "--no-conformers", "--json",
        "--out", "passed.csv",
    )  # fmt: skip
    assert code == 2
    assert err.startswith("qdp: error: ") and err.count("\n") == 1, err
    assert f"reading stopped at line {readable + 1}" in err
    report = json.loads(out)
    assert report["n_input"] == readable and report["stopped_at_line"] == readable + 1
    invalid = [i for i in range(1, readable + 1) if i % 37 == 0]
    assert report["rejects"] == {
        "count": len(invalid),
        "store_table": "triage_rejects",
        "source": "lib.smi.gz",
        "csv": "passed.rejects.csv",
    }
    store = Store.open(f"sqlite:///{home / '.qdp' / 'qdp.db'}")
    with store.session() as session:
        n_molecules = session.scalar(select(func.count()).select_from(Molecule))
        n_results = session.scalar(select(func.count()).select_from(TriageResult))
    assert report["n_valid"] == readable - len(invalid)
    assert n_molecules == n_results == report["n_unique"] > 50
    rejects = store.triage_rejects("lib.smi.gz")
    assert [r.line for r in rejects] == invalid
    assert rejects[0].input_text == INVALID[1] and rejects[0].reason == "non_ascii"
    store.close()
    with (home / "passed.rejects.csv").open() as fh:
        assert [int(row["line"]) for row in csv.DictReader(fh)] == invalid


def test_rejects_keep_line_text_and_reason(tmp_path: Path) -> None:
    library = tmp_path / "lib.csv"
    long_field = "C" * 140_000  # beyond the csv module's field limit: a malformed row
    library.write_text(
        "smiles,name\nCCO,ethanol\nC1CC,ring\n\n"
        f'"{long_field}",huge\nCCＯ,fullwidth\n"CC(=O)O",acid\n'
    )
    settings = Settings(home=tmp_path / ".qdp", triage={"chunk_size": 2, "n_workers": 1})
    store = Store.open(settings.resolved_database_url)
    out = tmp_path / "passed.csv"
    summary = run_triage(
        library, settings, store, smiles_column="smiles", out_csv=out, with_conformers=False
    )
    rows = [(r.line, r.input_text, r.reason) for r in store.triage_rejects("lib.csv")]
    assert rows == [
        (3, "C1CC", "invalid_smiles"),
        (5, "", "malformed_row"),
        (6, "CCＯ", "non_ascii"),
    ]
    assert summary.skipped_by_reason == {"blank_line": 1, "malformed_row": 1}
    with (tmp_path / "passed.rejects.csv").open() as fh:
        assert [(int(r["line"]), r["reason"]) for r in csv.DictReader(fh)] == [
            (line, reason) for line, _, reason in rows
        ]
    run_triage(library, settings, store, smiles_column="smiles", with_conformers=False)
    assert len(store.triage_rejects()) == 3  # re-triaging keeps one row per line
    store.close()


ETHANOL = {"inchikey": "LFQSCWFLJHTTHZ-UHFFFAOYSA-N", "smiles": "CCO"}


def test_molecule_keeps_every_name_and_source(database_url: str) -> None:
    store = Store.open(database_url)
    store.upsert_molecules([{**ETHANOL, "name": "ethanol", "source": "a.smi"}])
    store.upsert_molecules([{**ETHANOL, "name": "alcohol; ethanol", "source": "b.smi"}])
    store.upsert_molecules([{**ETHANOL, "source": "energy"}, {**ETHANOL, "source": "a.smi"}])
    molecule = store.get_molecule(ETHANOL["inchikey"])
    assert molecule is not None
    assert molecule.name == "ethanol; alcohol"
    assert (molecule.source, molecule.sources) == ("a.smi", ["a.smi", "b.smi", "energy"])
    store.close()


def test_retriage_from_another_file_adds_name_and_source(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / ".qdp", triage={"n_workers": 1})
    store = Store.open(settings.resolved_database_url)
    (tmp_path / "a.smi").write_text("CCO ethanol\nc1ccccc1 benzene\n")
    (tmp_path / "b.smi").write_text("OCC EtOH\n")
    for name in ("a.smi", "b.smi", "a.smi"):
        run_triage(tmp_path / name, settings, store, with_conformers=False)
    molecule = store.get_molecule(ETHANOL["inchikey"])
    assert molecule is not None
    assert (molecule.name, molecule.source, molecule.sources) == (
        "ethanol; EtOH",
        "a.smi",
        ["a.smi", "b.smi"],
    )
    store.close()


def test_failed_chunk_write_stores_nothing_of_that_chunk(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / ".qdp", triage={"chunk_size": 3, "n_workers": 1})
    store = Store.open(settings.resolved_database_url)
    with store.engine.begin() as connection:  # the disk fills up once 3 results are stored
        connection.exec_driver_sql(
            "CREATE TRIGGER disk_full BEFORE INSERT ON triage_results"
            " WHEN (SELECT count(*) FROM triage_results) >= 3"
            " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    library = tmp_path / "lib.smi"
    library.write_text("CCO a\nCCC b\nCCN c\nCCCl d\nC1CC bad\nCCBr e\n")
    with pytest.raises(sqlalchemy.exc.DBAPIError, match="disk is full"):
        run_triage(library, settings, store, with_conformers=False)
    with store.session() as session:
        stored = set(session.scalars(select(Molecule.smiles)))
        with_results = session.scalar(select(func.count()).select_from(TriageResult))
    assert stored == {"CCO", "CCC", "CCN"} and with_results == 3  # the 2nd chunk: nothing
    assert store.triage_rejects() == []
    store.close()


def damaged_copy(tmp_path: Path) -> Path:
    """A SQLite store with a few hundred pages whose middle pages are overwritten."""
    good = tmp_path / "good.db"
    store = Store.open(f"sqlite:///{good}")
    store.upsert_molecules(
        {"inchikey": f"{i:027d}", "smiles": "C" * (i % 50 + 1), "name": f"molecule {i} " * 8}
        for i in range(3000)
    )
    store.close()  # the last connection checkpoints the WAL into the file
    bad = tmp_path / "bad.db"
    shutil.copy(good, bad)
    page = sqlite3.connect(good).execute("PRAGMA page_size").fetchone()[0]
    n_pages = bad.stat().st_size // page
    assert n_pages > 100
    with bad.open("r+b") as fh:
        for k in range(n_pages * 2 // 5, n_pages * 3 // 5, 3):
            fh.seek(k * page)
            fh.write(bytes((k * 7 + j) % 251 for j in range(page)))
    return bad


def test_damaged_store_is_reported_with_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    bad = damaged_copy(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QDP_DATABASE_URL", f"sqlite:///{tmp_path / 'good.db'}")
    code, out, _ = qdp(monkeypatch, capsys, "db", "status", "--check", "--json")
    assert code == 0 and json.loads(out)["integrity"] == "ok"

    monkeypatch.setenv("QDP_DATABASE_URL", f"sqlite:///{bad}")
    code, _, err = qdp(monkeypatch, capsys, "db", "status", "--check")
    assert code == 1
    assert err.startswith("qdp: error: store ") and err.count("\n") == 1, err
    assert "is damaged" in err and "restore it from a backup" in err and ".recover" in err

    from pipeline.services.campaigns import run_campaign_job

    store = Store(create_store_engine(f"sqlite:///{bad}"))
    settings = Settings(home=tmp_path / ".qdp", database_url=f"sqlite:///{bad}")
    with pytest.raises(StoreCorruptError, match="is damaged"):
        run_campaign_job(settings, store, campaign_id="resume-me")
    store.close()

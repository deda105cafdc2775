"""The ``qdp`` command line as a user runs it: a real subprocess per call."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

QDP = [sys.executable, "-m", "pipeline.cli"]


def run_qdp(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*QDP, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300
    )


def test_help_lists_every_command_with_a_description(tmp_path: Path) -> None:
    result = run_qdp("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("db", "demo"):
        line = next(ln for ln in result.stdout.splitlines() if f" {command} " in ln)
        assert len(line.split(command, 1)[1].strip(" │")) > 10, line


def test_the_cli_module_imports_no_quantum_or_ml_stack() -> None:
    """``qdp`` re-imports its main module in every triage worker process (forkserver), and on
    every command: Cirq, OpenFermion, PySCF, torch or Prefect there would cost seconds each."""
    heavy = ("cirq", "openfermion", "pyscf", "torch", "deepchem", "prefect", "tblite")
    code = (
        f"import sys, pipeline.cli.main; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_db_status_on_sqlite_by_default(tmp_path: Path) -> None:
    result = run_qdp("db", "status", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["backend"] == "sqlite"
    assert report["schema_revision"] == report["head_revision"]
    assert (tmp_path / ".qdp" / "qdp.db").is_file()


@pytest.mark.postgres
def test_db_status_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    result = run_qdp("db", "status", "--json", cwd=tmp_path, env={"QDP_DATABASE_URL": postgres_url})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["backend"] == "postgresql"
    assert report["row_counts"]["molecules"] == 0


def test_bad_setting_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "qdp.toml").write_text('[quantum]\nansatz = "magic"\n')
    result = run_qdp("db", "status", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "quantum.ansatz='magic'" in result.stderr and "allowed" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = run_qdp(
        "db",
        "status",
        cwd=tmp_path,
        env={"QDP_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
    )
    assert result.returncode == 1
    assert result.stderr.startswith("qdp: error: cannot open database")
    assert result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.stderr

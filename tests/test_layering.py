"""Imports run one way — molecules → surrogates → pipeline → flows — and Prefect lives only in
flows/: the import-linter contracts of pyproject.toml hold, and they do catch a violation."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_the_project_keeps_its_import_contracts() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _toy_project(tmp_path: Path, bad_module: str, bad_import: str) -> Path:
    """The four packages, empty but for one module with ``bad_import``, under qdp's contracts."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    lines = [
        "[tool.importlinter]",
        f"root_packages = {config['root_packages']!r}".replace("'", '"'),
        "include_external_packages = true",
    ]
    for contract in config["contracts"]:
        lines.append("[[tool.importlinter.contracts]]")
        lines += [f"{k} = {v!r}".replace("'", '"') for k, v in contract.items()]
    (tmp_path / "pyproject.toml").write_text("\n".join(lines) + "\n")
    for package in config["root_packages"]:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "prefect").mkdir()
    (tmp_path / "prefect" / "__init__.py").write_text("")
    (tmp_path / "prefect_dask").mkdir()
    (tmp_path / "prefect_dask" / "__init__.py").write_text("")
    (tmp_path / bad_module).write_text(f"def f():\n    {bad_import}\n")
    return tmp_path


@pytest.mark.parametrize(
    ("bad_module", "bad_import"),
    [
        ("molecules/io.py", "import surrogates"),
        ("surrogates/base.py", "from pipeline import store"),
        ("pipeline/cli.py", "import flows"),
        ("pipeline/services.py", "import prefect"),
    ],
)
def test_the_contracts_catch_a_forbidden_import(
    tmp_path: Path, bad_module: str, bad_import: str
) -> None:
    result = _lint(_toy_project(tmp_path, bad_module, bad_import))
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout

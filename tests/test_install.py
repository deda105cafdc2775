"""A regular (non-editable) ``pip install .`` works away from the source tree: the shipped
data and ``prefect.yaml`` are found under ``<prefix>/share/qdp``, the deployments load from the
installed package, and the CLI runs on the shipped demo library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
from pipeline.paths import data_file, shipped_file
from pipeline.config import load_settings
from pipeline.services.filters import TRAINING_FILES
from flows.deployments import build_deployments
import pipeline
assert "site-packages" in pipeline.__file__, pipeline.__file__
assert "share/qdp" in str(data_file("demo_library.smi"))
for name in TRAINING_FILES.values():
    assert data_file(name).is_file(), name
load_settings(data_file("demo.toml"))
print(sorted(d.name for d in build_deployments(shipped_file("prefect.yaml"))))
"""


@pytest.mark.slow
def test_regular_install_runs_from_anywhere(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    # the dependencies come from the test environment; qdp itself is installed for real
    (site / "qdp-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-2000:]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["QDP_HOME"] = str(tmp_path / "home")
    work = tmp_path / "elsewhere"
    work.mkdir()
    check = subprocess.run(
        [str(python), "-c", CHECK], cwd=work, env=env, capture_output=True, text=True, timeout=300
    )
    assert check.returncode == 0, check.stderr[-3000:]
    assert "inbox-triage" in check.stdout and "nightly-campaign-round" in check.stdout
    library = venv / "share" / "qdp" / "data" / "demo_library.smi"
    triage = subprocess.run(
        [str(venv / "bin" / "qdp"), "triage", str(library), "--no-conformers", "--json"],
        cwd=work, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert triage.returncode == 0, triage.stderr[-3000:]
    assert json.loads(triage.stdout)["n_passed"] > 0

"""The campaign report in a real headless browser (Debian's Chromium): it renders the
structures and plots from the single file, with nothing fetched.

With ``QDP_TEST_ARTIFACTS=DIR`` the page and its screenshot are also copied to
``DIR/campaign-report.html`` and ``DIR/campaign-report.png`` to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from rdkit import Chem

from molecules.conformers import generate_conformer
from pipeline.reports.campaign import ReportInputs, write_campaign_report
from pipeline.services.campaign_reports import REACTIVITY_COLUMNS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# a long SMILES must wrap in its cell, not widen the page
LONG = "C=CC(=O)N1CCN(c2nc(OC[C@@H]3CCCN3C)nc3c2CCN(c2cccc4cccc(Cl)c24)C3)C[C@@H]1CC#N"
REPORT = {
    "campaign_id": "browser-check",
    "status": "finished",
    "stop_reason": "rounds",
    "target": "delta_e_add_kcal",
    "maximize": False,
    "pool_size": 4,
    "oracle": "lookup:values.csv",
    "rounds": [
        {
            "round": 0,
            "selected": ["C=CC(N)=O", "O=C1C=CC(=O)N1"],
            "values": [-6.5, -14.2],
            "predicted_mean": [],
            "predicted_std": [],
            "metrics": {"strategy": "init-random", "n_train": 0},
        },
        {
            "round": 1,
            "selected": ["C/C=C/C(N)=O", LONG],
            "values": [-2.1, None],
            "predicted_mean": [-4.0, -9.0],
            "predicted_std": [1.5, 3.0],
            "metrics": {"strategy": "ucb", "n_train": 2},
        },
    ],
    "evaluated": [
        {"smiles": "C=CC(N)=O", "round": 0, "value": -6.5, "error": None},
        {"smiles": "O=C1C=CC(=O)N1", "round": 0, "value": -14.2, "error": None},
        {"smiles": "C/C=C/C(N)=O", "round": 1, "value": -2.1, "error": None},
        {
            "smiles": LONG,
            "round": 1,
            "value": None,
            "error": "GeometryOptimizationError: the "
            "adduct fell apart in the gfn2-xtb optimisation (C–S 3.10 Å > 2.6 Å)",
        },
    ],
    "best": [],
    "model_version": None,
}


MOLBLOCK = generate_conformer(Chem.MolFromSmiles("C=CC(N)=O"), n_conformers=1).molblock


def _needs_browser() -> None:
    if CHROMIUM is None:
        if os.environ.get("QDP_TEST_REQUIRE_BROWSER"):
            raise AssertionError("QDP_TEST_REQUIRE_BROWSER is set but no chromium is installed")
        pytest.skip("no chromium installed (CI installs Debian's; apt-get install chromium)")


def _keep(*files: Path) -> None:
    """Copy ``files`` into ``$QDP_TEST_ARTIFACTS`` (if set) as ``campaign-report.*``."""
    folder = os.environ.get("QDP_TEST_ARTIFACTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.copyfile(f, Path(folder) / f"campaign-report{f.suffix}")


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    _needs_browser()
    classes = ["acrylamide", "maleimide", "crotonamide"]
    computed = [(-6.5, -6.9, -8.2, -1.3, -20.4, -0.41), (-14.2, -14.6, -17.9, -9.0, -31.0, -1.72),
                (-2.1, -2.3, -3.0, 3.2, -15.5, -0.12)]  # fmt: skip
    rows = [
        {**e, "warhead_name": c, "site": s, "site_atom": f"C{s}", "lumo_ev": v[5],
         **dict(zip(("dE_vqe", "dE_casci", "dE_dft", "dE_hf", "dE_xtb"), v[:5], strict=True))}
        for e, c, s, v in zip(REPORT["evaluated"], classes, [0, 2, 1], computed, strict=False)
    ]  # fmt: skip
    rows.append(dict(REPORT["evaluated"][3]))
    for row, mean, std in zip(rows, [-7.0, -12.5, -4.0, -9.0], [0.8, 2.0, 1.5, 3.0], strict=True):
        row.update(predicted_mean=mean, predicted_std=std)  # the final model's predictions
    inputs = ReportInputs(
        rows=rows,
        columns=[c for c in REACTIVITY_COLUMNS if c.key != "dE_vqe"],  # the value itself
        value_label="ΔE_add (VQE) / kcal/mol",
        checks=[
            {
                "smiles": "C=CC(N)=O",
                "species": "warhead",
                "vqe_hartree": -246.1,
                "casci_hartree": -246.1001,
                "error_mha": 0.1,
            }
        ],
        molblocks={"C=CC(N)=O": MOLBLOCK},
        geometry_methods={"C=CC(N)=O": "GFN2-xTB"},
        provenance={"settings": {"basis": "6-31+g*"}, "prefect_flow_run": "brisk-otter (1234)"},
    )
    page = write_campaign_report(REPORT, inputs, tmp_path)
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= 3 and "maleimide" in dom.stdout
    for shown in ("ΔE_add (VQE) / kcal/mol", "-4.00 ± 1.50", "VQE − CASCI<br>", "mHa",
                  "written</dt><dd>20", "brisk-otter", 'download="campaign-browser-check.csv"',
                  'download="campaign-browser-check.sdf"', "SDF (1 in 3D, 3 in 2D only)",
                  "attacked atom", "C2", "fell apart", 'colspan="4"', "GFN2-xTB"):  # fmt: skip
        assert shown in dom.stdout, shown
    shot = tmp_path / "report.png"
    subprocess.run(
        [CHROMIUM, *FLAGS, "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    _keep(page, shot)
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape[0] >= 1000 and pixels.std() > 10  # drawn, not a blank page
    dark = (pixels < 128).mean()
    assert 0.01 < dark < 0.5, dark

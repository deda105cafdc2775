"""The campaign report in a real headless browser (Debian's Chromium): it renders the
structures and plots from the single file, with nothing fetched."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from rdkit import Chem

from pipeline.reports.campaign import Column, ReportInputs, write_campaign_report

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

REPORT = {
    "campaign_id": "browser-check",
    "status": "finished",
    "stop_reason": "rounds",
    "target": "delta_e_add_kcal",
    "maximize": False,
    "pool_size": 3,
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
            "selected": ["C/C=C/C(N)=O"],
            "values": [-2.1],
            "predicted_mean": [-4.0],
            "predicted_std": [1.5],
            "metrics": {"strategy": "ucb", "n_train": 2},
        },
    ],
    "evaluated": [
        {"smiles": "C=CC(N)=O", "round": 0, "value": -6.5, "error": None},
        {"smiles": "O=C1C=CC(=O)N1", "round": 0, "value": -14.2, "error": None},
        {"smiles": "C/C=C/C(N)=O", "round": 1, "value": -2.1, "error": None},
    ],
    "best": [],
    "model_version": None,
}


MOLBLOCK = Chem.MolToMolBlock(Chem.MolFromSmiles("C=CC(N)=O"))


def _needs_browser() -> None:
    if CHROMIUM is None:
        if os.environ.get("QDP_TEST_REQUIRE_BROWSER"):
            raise AssertionError("QDP_TEST_REQUIRE_BROWSER is set but no chromium is installed")
        pytest.skip("no chromium installed (CI installs Debian's; apt-get install chromium)")


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    _needs_browser()
    classes = ["acrylamide", "maleimide", "crotonamide"]
    rows = [
        {**e, "warhead_class": c, "site": s}
        for e, c, s in zip(REPORT["evaluated"], classes, [0, 2, 1], strict=True)
    ]
    rows[2].update(predicted_mean=-4.0, predicted_std=1.5)  # the final model's prediction
    inputs = ReportInputs(
        rows=rows,
        columns=[Column("warhead_class", "warhead class")],
        value_label="ΔE_add / kcal/mol",
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
        provenance={"settings": {"basis": "6-31+g*"}, "prefect_flow_run": "brisk-otter (1234)"},
    )
    page = write_campaign_report(REPORT, inputs, tmp_path)
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= 3 and "maleimide" in dom.stdout
    for shown in ("ΔE_add / kcal/mol", "-4.00 ± 1.50", "VQE − CASCI / mHa", "Written 20",
                  "brisk-otter", 'download="campaign-browser-check.csv"',
                  'download="campaign-browser-check.sdf"'):  # fmt: skip
        assert shown in dom.stdout, shown
    shot = tmp_path / "report.png"
    subprocess.run(
        [CHROMIUM, *FLAGS, "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape[0] >= 1000 and pixels.std() > 10  # drawn, not a blank page
    dark = (pixels < 128).mean()
    assert 0.01 < dark < 0.5, dark

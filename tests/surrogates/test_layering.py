"""surrogates/ must not import pipeline/, flows/ or Prefect (DESIGN.md, imports run one way)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_surrogates_imports_no_pipeline_flows_or_prefect() -> None:
    code = (
        "import sys, surrogates, surrogates.campaign, surrogates.forest, surrogates.gp, "
        "surrogates.dmpnn\n"
        "top = {m.split('.')[0] for m in sys.modules}\n"
        "bad = sorted(top & {'pipeline', 'flows', 'prefect'})\n"
        "print(bad)\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr

"""schemathesis against the live API's OpenAPI spec: no generated input gives a 5xx.

Runs schemathesis's own command line (its pytest plugin does not support pytest 9) against
the server on loopback, with a bounded number of examples per operation.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from live_api import LiveApi

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.slow
def test_no_server_errors(live_api: LiveApi, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_api.url}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "30",
            "--workers",
            "1",
            "--seed",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    passed = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert passed and int(passed.group(2)) >= 50, result.stdout[-2000:]  # it really exercised us

"""Killing a qdp command leaves no worker behind: ``kill <pid>`` of a running ``qdp triage``
on two worker processes, and every worker is gone within seconds (issue: they computed on at
90 % CPU for minutes, reparented to init)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import rdkit

NCI = Path(rdkit.__file__).parent / "Data" / "NCI" / "first_5K.smi"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killed_triage_leaves_no_worker(tmp_path: Path, sig: signal.Signals) -> None:
    library = tmp_path / "big.smi"
    library.write_text(NCI.read_text() * 8)  # 40,000 lines: minutes of work
    env = {
        **os.environ,
        "QDP_HOME": str(tmp_path / ".qdp"),
        "QDP_TRIAGE__N_WORKERS": "2",
        "QDP_TRIAGE__CHUNK_SIZE": "500",
    }
    main = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "triage", str(library), "--no-conformers"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    parent = psutil.Process(main.pid)
    deadline = time.monotonic() + 120
    spawned: list[psutil.Process] = []  # resource tracker, forkserver, the two workers
    while time.monotonic() < deadline and len(spawned) < 4:
        time.sleep(0.5)
        spawned = [p for p in parent.children(recursive=True) if p.is_running()]
        assert main.poll() is None, "triage ended before it could be killed"
    assert len(spawned) >= 4, f"the worker processes never started: {spawned}"
    time.sleep(2)  # let the workers take chunks
    spawned = parent.children(recursive=True)
    main.send_signal(sig)
    main.wait(timeout=30)
    _, alive = psutil.wait_procs(spawned, timeout=10)
    assert not alive, [" ".join(p.cmdline())[:120] for p in alive]

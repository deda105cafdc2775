"""Progress of long jobs: the tracker's count, rate, percent and ETA on a fake clock, the log
sink's rate limit (a line at most every interval, always one at the end), and the epochs that
training reports (surrogate fits, ``qdp train-filters``)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from test_cli import run_qdp

from pipeline.progress import (
    LogProgress,
    ProgressTracker,
    TerminalProgress,
    format_duration,
    format_rate,
)
from surrogates import SurrogateSettings, make_surrogate


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_tracker_rate_percent_and_eta() -> None:
    clock = FakeClock()
    tracker = ProgressTracker("triage", "mol", 50_000, clock=clock)
    assert (tracker.rate, tracker.fraction, tracker.eta_seconds) == (0.0, 0.0, None)
    assert tracker.line() == "triage: 0/50,000 mol (0%)"
    clock.now += 12.0
    tracker.update(12_000)
    assert tracker.rate == pytest.approx(1000.0)
    assert tracker.fraction == pytest.approx(0.24)
    assert tracker.eta_seconds == pytest.approx(38.0)
    assert tracker.line() == "triage: 12,000/50,000 mol (24%) 1,000 mol/s, ETA 38 s"
    clock.now += 38.0
    tracker.update(50_000)
    tracker.finish()
    clock.now += 100.0  # the clock stops at finish
    assert tracker.elapsed == pytest.approx(50.0) and tracker.eta_seconds == 0.0
    assert tracker.line() == "triage: 50,000/50,000 mol (100%) 1,000 mol/s, done in 50 s"


def test_tracker_without_total_and_resumed_count() -> None:
    clock = FakeClock()
    unknown = ProgressTracker("triage", "mol", clock=clock)
    clock.now += 2.0
    unknown.update(500)
    assert unknown.fraction is None and unknown.eta_seconds is None
    assert unknown.line() == "triage: 500 mol 250 mol/s"
    # a resumed campaign: 10 calls done before; the rate counts this run's calls only
    resumed = ProgressTracker("campaign", "calls", 40, start_count=10, clock=clock)
    clock.now += 60.0
    resumed.update(13)
    assert resumed.rate == pytest.approx(0.05)
    assert resumed.eta_seconds == pytest.approx(27 / 0.05)
    assert resumed.line() == "campaign: 13/40 calls (32%) 3 calls/min, ETA 9 min 00 s"


def test_estimated_total_follows_the_count() -> None:
    clock = FakeClock()
    tracker = ProgressTracker("triage", "mol", 10, clock=clock)
    tracker.update(12)  # more records than the estimate: the total grows
    assert tracker.total == 12 and tracker.fraction == 1.0
    short = ProgressTracker("triage", "mol", 10, clock=clock)
    short.update(9)
    short.finish()  # complete: the estimate becomes the count
    assert short.total == 9
    partial = ProgressTracker("campaign", "calls", 10, clock=clock)
    partial.update(4)
    partial.finish(complete=False)  # e.g. one scheduled round of a longer campaign
    assert partial.total == 10 and partial.fraction == 0.4


def test_formats() -> None:
    assert [format_duration(s) for s in (0.4, 39.4, 725, 7500)] == [
        "0 s", "39 s", "12 min 05 s", "2 h 05 min",
    ]  # fmt: skip
    assert format_rate(980.4, "mol") == "980 mol/s"
    assert format_rate(2.54, "mol") == "2.5 mol/s"
    assert format_rate(0.0234, "calls") == "1.4 calls/min"


def test_log_sink_rate_limits_and_always_logs_the_end(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    tracker = ProgressTracker("triage", "mol", 100, clock=clock)
    sink = LogProgress(5.0, clock=clock)
    caplog.set_level(logging.INFO, logger="pipeline.progress")
    times = []
    for count in range(1, 41):  # one step a second for 40 s
        clock.now += 1.0
        tracker.update(count)
        before = len(caplog.records)
        sink(tracker)
        if len(caplog.records) > before:
            times.append(clock.now - tracker.started)
    assert times == [5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0]
    assert caplog.records[0].getMessage() == "triage: 5/100 mol (5%) 1.0 mol/s, ETA 1 min 35 s"
    clock.now += 0.5
    tracker.update(41)
    tracker.finish()
    sink(tracker)  # the end: logged although 0.5 s after the previous line
    sink(tracker)  # and only once
    assert [r.getMessage() for r in caplog.records[-1:]] == [
        "triage: 41/41 mol (100%) 1.0 mol/s, done in 40 s"
    ]
    assert len(caplog.records) == 9
    assert all(r.name == "pipeline.progress" and r.levelno == logging.INFO for r in caplog.records)


def test_log_sink_with_zero_interval_logs_every_step(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    sink = LogProgress(0.0, clock=clock)
    caplog.set_level(logging.INFO, logger="pipeline.progress")
    first = ProgressTracker("triage", "mol", 3, clock=clock)
    second = ProgressTracker("campaign", "calls", 2, clock=clock)  # one sink, several jobs
    for tracker in (first, second):
        for _ in range(tracker.total or 0):
            clock.now += 1.0
            tracker.advance()
            sink(tracker)
        tracker.finish()
        sink(tracker)
    labels = [r.getMessage().split(":")[0] for r in caplog.records]
    assert labels == ["triage"] * 4 + ["campaign"] * 3


@pytest.mark.parametrize(
    ("settings", "epochs"),
    [
        (SurrogateSettings(kind="rf", rf_n_trees=5), 1),
        (SurrogateSettings(kind="gp", gp_optimize=False), 1),
        (
            SurrogateSettings(
                kind="dmpnn",
                n_members=2,
                epochs=3,
                dmpnn_hidden=16,
                dmpnn_ffn_hidden=16,
                dmpnn_torch_threads=1,
            ),
            6,
        ),
    ],
)
def test_surrogate_fit_calls_on_epoch_for_every_epoch(
    settings: SurrogateSettings, epochs: int
) -> None:
    smiles = ["C", "CC", "CCC", "CCCC", "CCO", "CCN", "c1ccccc1", "CC(=O)O"]
    model = make_surrogate(settings)
    seen: list[int] = []
    model.fit(smiles, np.arange(len(smiles), dtype=float), on_epoch=lambda: seen.append(1))
    assert len(seen) == model.epochs_per_fit == epochs


def test_train_filters_progress_lines(tmp_path: Path) -> None:
    env = {
        "QDP_PROGRESS_INTERVAL_SECONDS": "0",
        "QDP_GNN_TRAINING__HIDDEN_SIZE": "16",
        "QDP_GNN_TRAINING__DEPTH": "2",
        "QDP_GNN_TRAINING__MAX_MOLECULES": "60",
    }
    result = run_qdp(
        "train-filters", "--only", "solubility", "--epochs", "2", "--json", cwd=tmp_path, env=env
    )
    assert result.returncode == 1, result.stderr  # 60 molecules: below the bar, as expected
    lines = [ln.split("INFO: ", 1)[1] for ln in result.stderr.splitlines() if "filter: " in ln]
    assert [ln.split(" epochs ")[0] for ln in lines] == [
        "solubility filter: 1/2", "solubility filter: 2/2", "solubility filter: 2/2",
    ], lines  # fmt: skip
    assert "ETA" in lines[0] and "done in" in lines[-1]


def test_terminal_sink_draws_count_rate_and_eta() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    clock = FakeClock()
    tracker = ProgressTracker("triage", "mol", 50_000, clock=clock)
    with TerminalProgress(console) as bars:
        clock.now += 12.0
        tracker.update(12_000)
        bars(tracker)  # drawn at once
        drawn = out.getvalue()
        tracker.update(50_000)
        tracker.finish()
        bars(tracker)
    assert "triage" in drawn and "12,000/50,000 mol (24%)" in drawn
    assert "1,000 mol/s" in drawn and "ETA 38 s" in drawn
    assert "50,000/50,000 mol (100%)" in out.getvalue()

"""``inbox_triage_flow``: triage every new library file dropped into an inbox folder.

A file is first claimed by an atomic rename into ``<inbox>/processing/`` (so two runs never
triage the same file), triaged by :func:`flows.triage.triage_flow` (a subflow), then moved to
``<inbox>/processed/``; a file that cannot be read goes to ``<inbox>/failed/`` with a
``.reason`` file beside it. Files modified in the last few seconds are left for the next run,
so a file still being copied in is never half-read.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from flows.hooks import notify_failure
from flows.settings_param import SettingsRef
from flows.triage import triage_flow
from molecules.errors import InputFileError

LIBRARY_SUFFIXES = (".smi", ".smiles", ".csv", ".tsv", ".sdf", ".sd", ".txt")
SETTLE_SECONDS = 2.0


def pending_files(inbox: Path, settle_seconds: float = SETTLE_SECONDS) -> list[Path]:
    """Library files in ``inbox`` (not its subfolders) untouched for ``settle_seconds``."""
    now = time.time()
    files = [
        p
        for p in inbox.iterdir()
        if p.is_file()
        and p.name.lower().removesuffix(".gz").endswith(LIBRARY_SUFFIXES)
        and now - p.stat().st_mtime >= settle_seconds
    ]
    return sorted(files, key=lambda p: p.stat().st_mtime)


def _move(path: Path, folder: Path) -> Path:
    """Rename ``path`` into ``folder`` (same file system: atomic), never overwriting."""
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if target.exists():
        target = folder / f"{path.stem}-{time.time_ns()}{path.suffix}"
    path.rename(target)
    return target


@flow(name="inbox-triage", on_failure=[notify_failure], on_crashed=[notify_failure])
def inbox_triage_flow(
    inbox: str = "inbox", settings_ref: SettingsRef | None = None
) -> dict[str, Any]:
    """Triage the settled files of ``inbox``; returns per file its summary or its error."""
    logger = get_run_logger()
    folder = Path(inbox)
    folder.mkdir(parents=True, exist_ok=True)
    done: dict[str, Any] = {}
    for candidate in pending_files(folder):
        try:
            path = _move(candidate, folder / "processing")
        except FileNotFoundError:  # another run claimed it first
            continue
        try:
            summary = triage_flow(str(path), settings_ref)
        except InputFileError as exc:
            moved = _move(path, folder / "failed")
            moved.with_name(moved.name + ".reason").write_text(f"{exc}\n")
            logger.warning("%s: %s", path.name, exc)
            done[path.name] = {"error": str(exc)}
            continue
        _move(path, folder / "processed")
        done[path.name] = summary
        logger.info("%s: %d read, %d passed", path.name, summary["n_input"], summary["n_passed"])
    return {"inbox": str(folder), "files": done}

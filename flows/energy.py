"""``energy_flow``: the energy-batch driver (``pipeline.services.energies.compute_energies``)
under Prefect: one task per calculation, on the task runner that ``[flows] task_runner``
names, each holding a slot of the global concurrency limit ``qdp-quantum`` (created when
missing), so however many flows run, at most that many calculations share the machine.
Results come from and go to the store by content key; a molecule whose calculation fails is
a result with its reason, never retried — retries are for infrastructure errors only.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from flows.artifacts import artifact_key
from flows.executor import PrefectExecutor
from flows.hooks import notify_failure
from flows.limits import QUANTUM_LIMIT, ensure_concurrency_limit
from flows.runners import make_task_runner, task_timeout
from flows.settings_param import SettingsRef
from pipeline.progress import LogProgress
from pipeline.services.energies import compute_energies
from pipeline.store import content_hash


@flow(name="energy", on_failure=[notify_failure], on_crashed=[notify_failure])
def energy_flow(
    smiles: list[str], settings_ref: SettingsRef | None = None, properties: bool = True
) -> list[dict[str, Any]]:
    """VQE energy (beside CASCI) of each molecule, in input order."""
    logger = get_run_logger()
    settings = (settings_ref or SettingsRef()).load()
    ensure_concurrency_limit(QUANTUM_LIMIT, settings.flows.quantum_concurrency)
    with make_task_runner(settings.flows) as runner:
        executor = PrefectExecutor(
            "energy",
            runner,
            limit=QUANTUM_LIMIT,
            window=max(1, len(smiles)),
            retries=2,
            timeout_seconds=task_timeout(settings.flows),
        )
        results = compute_energies(
            smiles,
            settings,
            properties=properties,
            executor=executor,
            progress=LogProgress(settings.progress_interval_seconds),
        )
    rows = [
        {
            "SMILES": r["smiles"],
            "VQE / Ha": round(r["energy_hartree"], 6) if "error" not in r else "",
            "VQE - CASCI / mHa": round(r["error_mha"], 4) if "error" not in r else "",
            "reused": r.get("reused", ""),
            "error": r.get("error", ""),
        }
        for r in results
    ]
    create_table_artifact(
        rows,
        key=artifact_key("energies", content_hash(smiles)[:12]),
        description="VQE beside CASCI",
    )
    logger.info("%d calculations, %d failed", len(results), sum("error" in r for r in results))
    return results

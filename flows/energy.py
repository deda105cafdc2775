"""``energy_flow``: VQE energies for a list of molecules, one task per calculation.

Every task holds a slot of the global concurrency limit ``qdp-quantum`` (created on first
use), so however many flows run, at most ``flows.quantum_concurrency`` calculations share the
machine. Results are read from and written to the store by content key: a rerun computes
nothing twice. A molecule whose calculation fails is reported with its reason (and stored),
not retried; retries are for infrastructure errors only.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.concurrency.sync import concurrency

from flows.limits import QUANTUM_LIMIT, ensure_concurrency_limit
from flows.runners import make_task_runner
from flows.settings_param import SettingsRef
from pipeline.errors import QdpError
from pipeline.services.energies import get_or_compute_energy, request_for_smiles
from pipeline.store import open_store


@task(name="vqe-energy", task_run_name="vqe-{smiles}", retries=2, retry_delay_seconds=[5, 30])
def energy_task(smiles: str, settings_ref: SettingsRef, properties: bool) -> dict[str, Any]:
    """One stored-or-computed VQE calculation; a domain failure is returned, not raised."""
    settings = settings_ref.load()
    store = open_store(settings)
    try:
        with concurrency(QUANTUM_LIMIT, occupy=1, strict=True):
            request = request_for_smiles(store, smiles, settings.triage)
            return {
                "smiles": smiles,
                **get_or_compute_energy(store, request, settings.quantum, properties=properties),
            }
    except QdpError as exc:
        return {"smiles": smiles, "error": str(exc)}
    finally:
        store.close()


@flow(name="energy")
def energy_flow(
    smiles: list[str], settings_ref: SettingsRef | None = None, properties: bool = True
) -> list[dict[str, Any]]:
    """VQE energy (beside CASCI) of each molecule, in input order."""
    logger = get_run_logger()
    settings_ref = settings_ref or SettingsRef()
    settings = settings_ref.load()
    ensure_concurrency_limit(QUANTUM_LIMIT, settings.flows.quantum_concurrency)
    futures = [energy_task.submit(s, settings_ref, properties) for s in smiles]
    results = [f.result() for f in futures]
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
    create_table_artifact(rows, key="vqe-energies", description="VQE beside CASCI")
    failed = sum("error" in r for r in results)
    logger.info("%d calculations, %d failed", len(results), failed)
    return results


def run_energy_flow(
    smiles: list[str], settings_ref: SettingsRef | None = None, properties: bool = True
) -> list[dict[str, Any]]:
    """Run ``energy_flow`` with the task runner named in the settings."""
    settings = (settings_ref or SettingsRef()).load()
    runner = make_task_runner(settings.flows)
    return energy_flow.with_options(task_runner=runner)(smiles, settings_ref, properties)

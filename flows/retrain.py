"""``retrain_flow``: the retrain driver (``pipeline.services.surrogate_models.retrain_target``)
under Prefect, with an artifact of what was trained and whether it passed its quality gate."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows.artifacts import artifact_key
from flows.hooks import notify_failure
from flows.settings_param import SettingsRef
from pipeline.progress import LogProgress
from pipeline.services.surrogate_models import retrain_target
from pipeline.store import open_store


@flow(name="retrain", on_failure=[notify_failure], on_crashed=[notify_failure])
def retrain_flow(
    target: str | None = None, settings_ref: SettingsRef | None = None
) -> dict[str, Any]:
    """Retrain the surrogate of ``target`` (default ``campaign.target``) on all stored values:
    quantum-calculation properties and campaign oracle results."""
    logger = get_run_logger()
    settings = (settings_ref or SettingsRef()).load()
    store = open_store(settings)
    try:
        result = retrain_target(
            settings, store, target, progress=LogProgress(settings.progress_interval_seconds)
        )
    finally:
        store.close()
    target = result["target"]
    if result["model_version"] is None:
        logger.warning("only %d stored values of %s; not retraining", result["n_train"], target)
        return result
    verdict = "accepted" if result["accepted"] else "stored but NOT the default (below its bar)"
    create_markdown_artifact(
        key=artifact_key("retrain", target),
        markdown=(
            f"# Surrogate retrained: {target}\n\nmodel version {result['model_version']} "
            f"({settings.surrogate.kind}) on {result['n_train']} molecules; held-out "
            f"RMSE {result['rmse']:.3f}, R² {result['r2']:.3f}: {verdict}\n"
        ),
    )
    logger.info(
        "model version %s trained on %d molecules: %s",
        result["model_version"],
        result["n_train"],
        verdict,
    )
    return result

"""``retrain_flow``: retrain the surrogate on every stored value of a target."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from flows.settings_param import SettingsRef
from pipeline.services.surrogate_models import held_out_metrics, train_and_register
from pipeline.store import open_store


@task(name="train-surrogate")
def train_surrogate_task(
    smiles: list[str], values: list[float], target: str, settings_ref: SettingsRef
) -> dict[str, Any]:
    """Held-out metrics, then the model refit on everything and registered as a new version."""
    settings = settings_ref.load()
    store = open_store(settings)
    try:
        metrics = held_out_metrics(smiles, values, settings.surrogate, seed=settings.campaign.seed)
        registered = train_and_register(
            store,
            smiles,
            values,
            target=target,
            settings=settings.surrogate,
            models_dir=settings.models_dir,
            metrics=metrics,
        )
    finally:
        store.close()
    return {"model_version": registered.record.id, "n_train": len(smiles), **metrics}


@flow(name="retrain")
def retrain_flow(
    target: str | None = None, settings_ref: SettingsRef | None = None
) -> dict[str, Any]:
    """Retrain the surrogate of ``target`` (default ``campaign.target``) on all stored values:
    quantum-calculation properties and campaign oracle results."""
    logger = get_run_logger()
    settings_ref = settings_ref or SettingsRef()
    settings = settings_ref.load()
    target = target or settings.campaign.target
    store = open_store(settings)
    values = dict(store.campaign_values(target))
    values.update(store.property_values(target))
    store.close()
    if len(values) < 5:
        logger.warning("only %d stored values of %s; not retraining", len(values), target)
        return {"target": target, "n_train": len(values), "model_version": None}
    result = train_surrogate_task(list(values), list(values.values()), target, settings_ref)
    create_markdown_artifact(
        key="surrogate-retrain",
        markdown=(
            f"# Surrogate retrained: {target}\n\nmodel version {result['model_version']} "
            f"({settings.surrogate.kind}) on {result['n_train']} molecules; held-out "
            f"RMSE {result['rmse']:.3f}, R² {result['r2']:.3f}\n"
        ),
    )
    logger.info(
        "model version %s trained on %d molecules", result["model_version"], result["n_train"]
    )
    return {"target": target, **result}

"""The Python API for notebooks: the handful of calls a chemist makes, each the same driver the
CLI runs, on the store of the given settings (default: ``load_settings()``, i.e. ``qdp.toml``
and ``QDP_*`` as for the CLI).

>>> from pipeline import notebook as qdp
>>> qdp.triage("library.smi")                       # counts and reasons; every outcome stored
>>> qdp.reactivity("C=CC(=O)N")["delta_e_add_kcal"]  # ΔE_add per method, kcal/mol
>>> qdp.energy("CCO", properties=True)["error_mha"]  # VQE − CASCI of the same active space
>>> report = qdp.campaign("library.smi", oracle="reactivity", target="delta_e_add_kcal")
>>> qdp.predict(["C=CC(=O)NC"])                     # newest accepted surrogate, mean ± std
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline.config import Settings, load_settings
from pipeline.store import open_store


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else load_settings()


def triage(path: str | Path, settings: Settings | None = None, **options: Any) -> dict[str, Any]:
    """Triage a library file into the store (``run_triage``; options: ``all_reasons``,
    ``smiles_column``, ``with_conformers``, ``out_csv``); returns the summary as a dict."""
    from pipeline.services.triage import run_triage

    settings = _settings(settings)
    store = open_store(settings)
    try:
        return asdict(run_triage(Path(path), settings, store, **options))
    finally:
        store.close()


def energy(
    smiles: str, settings: Settings | None = None, *, properties: bool = False
) -> dict[str, Any]:
    """A stored-or-computed VQE energy beside CASCI (``qdp energy --smiles``); a failure is
    ``{"smiles", "error"}``."""
    from pipeline.services.energies import energy_for_smiles

    return energy_for_smiles(smiles, settings=_settings(settings), properties=properties)


def reactivity(smiles: str, settings: Settings | None = None) -> dict[str, Any]:
    """Stored-or-computed thiolate-addition reactivity (``qdp reactivity --smiles``)."""
    from pipeline.services.reactivity import get_or_compute_reactivity

    settings = _settings(settings)
    store = open_store(settings)
    try:
        return get_or_compute_reactivity(store, smiles, settings.reactivity)
    finally:
        store.close()


def campaign(
    library: str | Path,
    *,
    oracle: str = "reactivity",
    campaign_id: str | None = None,
    triage: bool = True,
    settings: Settings | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """Run (or resume, with a stored ``campaign_id``) an active-learning campaign; keyword
    ``overrides`` are ``[campaign]`` settings (``target``, ``rounds``, ``init_size``, …).
    Returns the ``qdp campaign --json`` report (its ``report`` is the HTML file)."""
    from pipeline.services.campaigns import new_job_unless_stored, run_campaign_job

    settings = _settings(settings)
    store = open_store(settings)
    try:
        job = new_job_unless_stored(
            settings,
            store,
            campaign_id,
            library=Path(library),
            oracle=oracle,
            triage=triage,
            campaign_overrides=overrides,
        )
        return run_campaign_job(settings, store, job=job, campaign_id=campaign_id)
    finally:
        store.close()


def predict(
    smiles: list[str], settings: Settings | None = None, *, model: int | None = None
) -> list[dict[str, Any]]:
    """Surrogate predictions (``qdp predict``): mean, std, novelty flag or a per-item error,
    from model version ``model`` (default: the newest that passed its quality gate)."""
    from pipeline.services.predictions import predict_smiles
    from pipeline.services.surrogate_models import load_registered

    settings = _settings(settings)
    store = open_store(settings)
    try:
        registered = load_registered(store, model, models_dir=settings.models_dir)
        return [asdict(p) for p in predict_smiles(registered, smiles)]
    finally:
        store.close()

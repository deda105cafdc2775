"""The FastAPI application: ``create_app(settings)`` builds it; ``qdp serve`` runs it.

Endpoints are plain ``def`` functions, so FastAPI runs them in its thread pool and the
CPU-bound prediction never blocks the event loop. The newest surrogate is loaded once and
cached until a newer version appears in the store.
"""

from __future__ import annotations

import secrets
import threading
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pipeline.api.schemas import (
    CampaignOut,
    MoleculeOut,
    ModelOut,
    PredictionOut,
    PredictRequest,
    PredictResponse,
)
from pipeline.config import Settings
from pipeline.errors import QdpError
from pipeline.services.predictions import predict_smiles
from pipeline.services.surrogate_models import (
    SURROGATE_KINDS,
    ModelNotFoundError,
    RegisteredSurrogate,
    load_registered,
)
from pipeline.store import Store, open_store

_bearer = HTTPBearer(auto_error=False)


class _ModelCache:
    """The loaded surrogate versions, by id; the newest id is re-checked per request."""

    def __init__(self) -> None:
        self._models: dict[int, RegisteredSurrogate] = {}
        self._lock = threading.Lock()

    def get(self, store: Store, version: int | None) -> RegisteredSurrogate:
        if version is None:
            newest = store.latest_model(SURROGATE_KINDS)
            if newest is None:
                raise ModelNotFoundError("no surrogate model in the store yet")
            version = newest.id
        with self._lock:
            if version not in self._models:
                self._models[version] = load_registered(store, version)
            return self._models[version]


def create_app(settings: Settings) -> FastAPI:
    """Build the API over the store configured by ``settings``."""
    app = FastAPI(
        title="qdp",
        summary="Surrogate predictions and stored results of the qdp pipeline.",
        version="1",
    )
    store = open_store(settings)
    cache = _ModelCache()
    token = settings.api_token.get_secret_value() if settings.api_token else None

    def authorize(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> None:
        if token is None:
            return
        if credentials is None or not secrets.compare_digest(credentials.credentials, token):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or wrong bearer token",
                                headers={"WWW-Authenticate": "Bearer"})

    auth = [Depends(authorize)]

    @app.get("/v1/health", tags=["meta"])
    def health() -> dict[str, str]:
        """Liveness: answers without touching the models."""
        return {"status": "ok"}

    @app.post("/v1/predict", response_model=PredictResponse, response_model_exclude_none=True,
              dependencies=auth, tags=["predict"],
              responses={404: {"description": "no such model version"}})
    def predict(body: PredictRequest) -> PredictResponse:
        """Predict mean ± std for up to 1,000 SMILES; invalid ones get a per-item error."""
        try:
            surrogate = cache.get(store, body.model_version)
        except ModelNotFoundError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
        items = predict_smiles(surrogate, body.smiles,
                               max_length=settings.api.max_smiles_length)
        return PredictResponse(
            model_version=surrogate.record.id, target=surrogate.record.target,
            items=[PredictionOut(**item.to_dict()) for item in items],
        )

    @app.get("/v1/molecules/{inchikey}", response_model=MoleculeOut, dependencies=auth,
             tags=["results"], responses={404: {"description": "unknown InChIKey"}})
    def molecule(inchikey: str) -> MoleculeOut:
        """A stored molecule with its triage outcomes and quantum calculations."""
        found = store.get_molecule(inchikey)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no molecule {inchikey!r} stored")
        return MoleculeOut(
            inchikey=found.inchikey, smiles=found.smiles, name=found.name,
            has_conformer=found.conformer_molblock is not None,
            triage=store.triage_results_for(inchikey),
            calculations=store.calculations_for(inchikey),
        )

    @app.get("/v1/models", response_model=list[ModelOut], dependencies=auth, tags=["results"])
    def models() -> list[ModelOut]:
        """Every stored model version (surrogates and GNN filters), newest first."""
        return [ModelOut.model_validate(m) for m in store.list_models()]

    @app.get("/v1/campaigns/{campaign_id}", response_model=CampaignOut, dependencies=auth,
             tags=["results"], responses={404: {"description": "unknown campaign"}})
    def campaign(campaign_id: str) -> CampaignOut:
        """A campaign with its rounds and every oracle result."""
        found = store.get_campaign(campaign_id)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no campaign {campaign_id!r}")
        return CampaignOut(
            id=found.id, status=found.status, settings=found.settings,
            rounds=[{"round": r.round_index, "selected": r.selected, "metrics": r.metrics}
                    for r in store.campaign_rounds(campaign_id)],
            evaluated=[{"smiles": e.smiles, "round": e.round_index, "value": e.value,
                        "error": e.error} for e in store.campaign_evaluations(campaign_id)],
        )

    @app.exception_handler(QdpError)
    def domain_error(_request: Request, exc: QdpError):  # type: ignore[no-untyped-def]
        from fastapi.responses import JSONResponse

        return JSONResponse(status_code=status.HTTP_409_CONFLICT, content={"detail": str(exc)})

    return app

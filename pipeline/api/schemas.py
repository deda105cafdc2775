"""Request and response bodies of the REST API (pydantic models, shown in the OpenAPI docs)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

MAX_SMILES_PER_REQUEST = 1000
MAX_SMILES_LENGTH = 500
MAX_MODEL_VERSION = 2**31 - 1  # model ids are 32-bit integers in the store (PostgreSQL INTEGER)


def _encodable(text: str) -> str:
    """Refuse a lone surrogate (JSON ``"\\ud800"``): no Unicode character, no SMILES."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("not valid Unicode text (a lone surrogate)") from None
    return text


Smiles = Annotated[str, StringConstraints(max_length=MAX_SMILES_LENGTH), AfterValidator(_encodable)]


class PredictRequest(BaseModel):
    """SMILES to predict, and optionally which model version to use (default: newest)."""

    model_config = ConfigDict(extra="forbid")

    smiles: list[Smiles] = Field(min_length=1, max_length=MAX_SMILES_PER_REQUEST)
    model_version: int | None = Field(default=None, ge=1, le=MAX_MODEL_VERSION)


class PredictionOut(BaseModel):
    """One item: a prediction, or the reason there is none (``error``)."""

    smiles: str
    mean: float | None = None
    std: float | None = None
    nearest_tanimoto: float | None = None
    novel: bool | None = None
    error: str | None = None


class PredictResponse(BaseModel):
    """Predictions in request order."""

    model_version: int
    target: str
    items: list[PredictionOut]


class ModelOut(BaseModel):
    """A stored model version."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    target: str
    n_train: int
    seed: int
    metrics: dict[str, Any]
    sha256: str
    created_at: datetime


class TriageOut(BaseModel):
    """A stored triage outcome."""

    model_config = ConfigDict(from_attributes=True)

    settings_hash: str
    passed: bool
    reasons: list[Any]
    descriptors: dict[str, Any]


class CalculationOut(BaseModel):
    """A stored quantum calculation (energies in Hartree)."""

    model_config = ConfigDict(from_attributes=True)

    subject_key: str
    settings_hash: str
    status: str
    method: dict[str, Any]
    energy_hartree: float | None
    reference_energy_hartree: float | None
    hf_energy_hartree: float | None
    properties: dict[str, Any]
    error: str | None


class MoleculeOut(BaseModel):
    """A molecule with every stored triage and quantum result."""

    inchikey: str
    smiles: str
    name: str | None
    has_conformer: bool
    triage: list[TriageOut]
    calculations: list[CalculationOut]


class CampaignOut(BaseModel):
    """A campaign: status, settings, rounds and every oracle result."""

    id: str
    status: str
    settings: dict[str, Any]
    rounds: list[dict[str, Any]]
    evaluated: list[dict[str, Any]]

"""SQLAlchemy 2.0 tables of the qdp store.

Every expensive result has a content key (molecule identity plus a hash of the settings that
produced it) as its primary key, so writing it twice keeps one row. The schema itself is
created and changed only by the Alembic migrations in ``pipeline/store/migrations``; a test
checks that these models and the migrations agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every qdp table."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Molecule(Base):
    """One molecule, identified by its standard InChIKey.

    ``name`` holds every name it was given (``"; "``-joined, first seen first); ``source``
    is where it was first seen (library file name, ``energy``, ...) and ``sources`` every
    such place, in the order seen.
    """

    __tablename__ = "molecules"

    inchikey: Mapped[str] = mapped_column(String(27), primary_key=True)
    smiles: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    sources: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    conformer_molblock: Mapped[str | None] = mapped_column(Text, nullable=True)
    conformer_energy_kcal: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TriageResult(Base):
    """Pass/fail of one molecule under one set of triage settings, with every reason."""

    __tablename__ = "triage_results"

    inchikey: Mapped[str] = mapped_column(
        ForeignKey("molecules.inchikey", ondelete="CASCADE"), primary_key=True
    )
    settings_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    passed: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    descriptors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TriageReject(Base):
    """A library entry that gave no molecule: where it is, what it said and why.

    ``source`` is the library file name, ``line`` the 1-based line (record number for
    SDF), ``input_text`` the SMILES as given (first 200 characters, ``""`` for SDF records
    and malformed CSV rows), ``reason`` e.g. ``invalid_smiles`` or ``malformed_row``.
    """

    __tablename__ = "triage_rejects"

    source: Mapped[str] = mapped_column(Text, primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    input_text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QuantumCalculation(Base):
    """One quantum calculation keyed by subject (InChIKey or geometry hash) and method hash.

    ``status`` is ``"ok"`` or ``"failed"``; a failure keeps its ``error`` text so it is a
    recorded result rather than something to retry forever. Energies are in Hartree.
    """

    __tablename__ = "quantum_calculations"

    subject_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    settings_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    inchikey: Mapped[str | None] = mapped_column(String(27), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16))
    method: Mapped[dict[str, Any]] = mapped_column(default=dict)
    energy_hartree: Mapped[float | None] = mapped_column(Float, nullable=True)
    reference_energy_hartree: Mapped[float | None] = mapped_column(Float, nullable=True)
    hf_energy_hartree: Mapped[float | None] = mapped_column(Float, nullable=True)
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    versions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SurrogateModel(Base):
    """A trained model version (surrogates and the GNN triage filters alike)."""

    __tablename__ = "surrogate_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    model_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(80), index=True)
    n_train: Mapped[int] = mapped_column(Integer)
    training_set_hash: Mapped[str] = mapped_column(String(64))
    hyperparameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    seed: Mapped[int] = mapped_column(Integer)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ModelWeights(Base):
    """The weights of one model version, so every machine on the store can load them.

    ``archive`` is a deterministic gzipped tar of the model's weight directory (sorted names,
    zero mtimes and owners: the same directory gives the same bytes); ``sha256`` is that
    directory's :func:`pipeline.services.model_files.directory_sha256`, equal to the model's
    ``sha256``; ``size_bytes`` is the archive's length in bytes.
    """

    __tablename__ = "model_weights"

    model_id: Mapped[int] = mapped_column(
        ForeignKey("surrogate_models.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    archive: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Prediction(Base):
    """A surrogate prediction (mean and standard deviation) for one molecule and model."""

    __tablename__ = "predictions"

    model_id: Mapped[int] = mapped_column(
        ForeignKey("surrogate_models.id", ondelete="CASCADE"), primary_key=True
    )
    inchikey: Mapped[str] = mapped_column(String(27), primary_key=True)
    mean: Mapped[float] = mapped_column(Float)
    std: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Campaign(Base):
    """An active-learning campaign: its settings and where it stands."""

    __tablename__ = "campaigns"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CampaignLease(Base):
    """Who runs a campaign now: held by one process, renewed while it runs, free once
    ``expires_at`` has passed (a killed holder frees it by not renewing)."""

    __tablename__ = "campaign_leases"

    campaign_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CampaignRound(Base):
    """One round of a campaign: what was selected and the model's metrics."""

    __tablename__ = "campaign_rounds"

    campaign_id: Mapped[str] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    round_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    selected: Mapped[list[Any]] = mapped_column(default=list)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CampaignEvaluation(Base):
    """One oracle result inside a campaign, written the moment it arrives."""

    __tablename__ = "campaign_evaluations"

    campaign_id: Mapped[str] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    smiles: Mapped[str] = mapped_column(Text, primary_key=True)
    round_index: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

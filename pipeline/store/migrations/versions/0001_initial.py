"""Initial schema: molecules, triage, quantum calculations, models, predictions, campaigns.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "molecules",
        sa.Column("inchikey", sa.String(27), primary_key=True),
        sa.Column("smiles", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("conformer_molblock", sa.Text(), nullable=True),
        sa.Column("conformer_energy_kcal", sa.Float(), nullable=True),
        _created_at(),
    )
    op.create_table(
        "triage_results",
        sa.Column(
            "inchikey",
            sa.String(27),
            sa.ForeignKey("molecules.inchikey", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("settings_hash", sa.String(64), primary_key=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("descriptors", sa.JSON(), nullable=False),
        _created_at(),
    )
    op.create_table(
        "quantum_calculations",
        sa.Column("subject_key", sa.String(80), primary_key=True),
        sa.Column("settings_hash", sa.String(64), primary_key=True),
        sa.Column("inchikey", sa.String(27), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("method", sa.JSON(), nullable=False),
        sa.Column("energy_hartree", sa.Float(), nullable=True),
        sa.Column("reference_energy_hartree", sa.Float(), nullable=True),
        sa.Column("hf_energy_hartree", sa.Float(), nullable=True),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("timings", sa.JSON(), nullable=False),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        _created_at(),
    )
    op.create_index("ix_quantum_calculations_inchikey", "quantum_calculations", ["inchikey"])
    op.create_table(
        "surrogate_models",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("model_key", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("target", sa.String(80), nullable=False),
        sa.Column("n_train", sa.Integer(), nullable=False),
        sa.Column("training_set_hash", sa.String(64), nullable=False),
        sa.Column("hyperparameters", sa.JSON(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        _created_at(),
    )
    op.create_index("ix_surrogate_models_kind", "surrogate_models", ["kind"])
    op.create_index("ix_surrogate_models_target", "surrogate_models", ["target"])
    op.create_table(
        "predictions",
        sa.Column(
            "model_id",
            sa.Integer(),
            sa.ForeignKey("surrogate_models.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("inchikey", sa.String(27), primary_key=True),
        sa.Column("mean", sa.Float(), nullable=False),
        sa.Column("std", sa.Float(), nullable=False),
        _created_at(),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        _created_at(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "campaign_rounds",
        sa.Column(
            "campaign_id",
            sa.String(36),
            sa.ForeignKey("campaigns.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("round_index", sa.Integer(), primary_key=True),
        sa.Column("selected", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        _created_at(),
    )
    op.create_table(
        "campaign_evaluations",
        sa.Column(
            "campaign_id",
            sa.String(36),
            sa.ForeignKey("campaigns.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("smiles", sa.Text(), primary_key=True),
        sa.Column("round_index", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _created_at(),
    )


def downgrade() -> None:
    for table in (
        "campaign_evaluations",
        "campaign_rounds",
        "campaigns",
        "predictions",
        "surrogate_models",
        "quantum_calculations",
        "triage_results",
        "molecules",
    ):
        op.drop_table(table)

"""Triage records: every source of a molecule, and the library entries that gave none.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("molecules", sa.Column("sources", sa.JSON(), nullable=True))
    array = "json_build_array" if op.get_bind().dialect.name == "postgresql" else "json_array"
    op.execute(f"UPDATE molecules SET sources = {array}(source) WHERE source IS NOT NULL")
    op.create_table(
        "triage_rejects",
        sa.Column("source", sa.Text(), primary_key=True),
        sa.Column("line", sa.Integer(), primary_key=True),
        sa.Column("input_text", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("triage_rejects")
    with op.batch_alter_table("molecules") as batch:
        batch.drop_column("sources")

"""Alembic environment: qdp always passes an open connection in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from pipeline.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("qdp migrations run through pipeline.store.database.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()

"""The qdp store: SQLAlchemy models, Alembic migrations and idempotent repository functions."""

from pipeline.store.repository import Store, StoreStatus, content_hash, open_store

__all__ = ["Store", "StoreStatus", "content_hash", "open_store"]

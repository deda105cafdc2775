"""Global concurrency limits that the flows rely on, created on first use.

Prefect silently ignores a limit name that does not exist, so a flow that wants its quantum
tasks bounded must make sure the limit is there before it fans out.
"""

from __future__ import annotations

from prefect.client.orchestration import get_client

QUANTUM_LIMIT = "qdp-quantum"


def ensure_concurrency_limit(name: str, limit: int) -> None:
    """Create the global concurrency limit ``name`` with ``limit`` slots if it is missing.

    An existing limit is left as it is: an operator who set it to 6 keeps 6.
    """
    if read_concurrency_limit(name) is None:
        with get_client(sync_client=True) as client:
            client.upsert_global_concurrency_limit_by_name(name, limit)


def read_concurrency_limit(name: str) -> int | None:
    """The slot count of an existing global concurrency limit, or ``None``."""
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            return client.read_global_concurrency_limit_by_name(name).limit
        except ObjectNotFound:
            return None

"""Entry points through which the CLI reaches ``flows/`` without importing it.

``flows`` sits above ``pipeline`` (imports run one way), so the commands that run a Prefect
flow look it up by name in the ``qdp.flows`` entry-point group that ``pyproject.toml``
declares; nothing in ``pipeline`` names a module of ``flows``.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from pipeline.errors import QdpError


def load_entry_point(group: str, name: str) -> Any:
    """The object registered as ``name`` in the entry-point ``group``.

    Raises:
        QdpError: nothing is registered (qdp is installed without its flows, or the install
            predates the entry point: reinstall with ``pip install -e .``).
    """
    found = entry_points(group=group, name=name)
    if not found:
        raise QdpError(
            f"no {group} entry point {name!r}: reinstall qdp (pip install -e .) to register it"
        )
    return next(iter(found)).load()

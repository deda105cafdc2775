"""Where the shipped files are: ``data/`` (demo library, training sets) and ``prefect.yaml``.

In a source checkout (``pip install -e .``) they are the repository's own files; a regular
``pip install .`` copies them to ``<prefix>/share/qdp/`` (``[tool.setuptools.data-files]``
in ``pyproject.toml``). Every command finds them through :func:`data_file` and
:func:`shipped_file`, so both installs behave the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.errors import InputFileError

_SOURCE_ROOT = Path(__file__).resolve().parents[1]


def shipped_root() -> Path:
    """The folder holding ``data/`` and ``prefect.yaml``: the checkout, else the install."""
    if (_SOURCE_ROOT / "data" / "demo_library.smi").is_file():
        return _SOURCE_ROOT
    return Path(sys.prefix) / "share" / "qdp"


def shipped_file(name: str) -> Path:
    """A shipped file by its path relative to the project root (e.g. ``prefect.yaml``).

    Raises:
        InputFileError: the file is not there (a broken install).
    """
    path = shipped_root() / name
    if not path.exists():
        raise InputFileError(f"shipped file {name} not found at {path} (reinstall qdp)")
    return path


def data_file(name: str) -> Path:
    """A file of the shipped ``data/`` folder (``demo_library.smi``, ``esol_delaney.csv``…)."""
    return shipped_file(f"data/{name}")

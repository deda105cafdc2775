"""Fixtures of the quantum tests; the molecules and cached mean fields live in ``cases.py``."""

from __future__ import annotations

import pytest
from quantum.cases import H2O, active_hamiltonian

from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian


@pytest.fixture
def h2o_8q() -> tuple[ActiveSpaceHamiltonian, tuple[int, int]]:
    return active_hamiltonian(H2O, 4, 4)

"""Imported once by the triage forkserver when GNN filters run: DeepChem, torch and the
DMPNN model class load once (about 6 s of CPU) instead of once per worker."""

from __future__ import annotations

from molecules.gnn.model import _quiet_import

_quiet_import()
from deepchem.models.torch_models import DMPNNModel  # noqa: E402, F401

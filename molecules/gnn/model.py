"""Build, featurize for, save and load DeepChem 2.8 ``DMPNNModel`` networks.

A model directory holds two files:

- ``weights.pt``: the torch ``state_dict`` of the DMPNN network;
- ``model.json``: ``kind`` (``"solubility"`` or ``"toxicity"``), ``mode``, ``tasks``, the
  hyper-parameters needed to rebuild the network, training metrics and library versions.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rdkit import Chem

from molecules.errors import ModelFileError

WEIGHTS_FILE = "weights.pt"
METADATA_FILE = "model.json"
_REQUIRED_KEYS = ("kind", "mode", "tasks", "hidden_size", "depth", "ffn_layers")


def _quiet_import() -> Any:
    logging.getLogger("deepchem").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import deepchem

    return deepchem


def featurize_mols(mols: Sequence[Chem.Mol]) -> tuple[np.ndarray, np.ndarray]:
    """DMPNN graph features of ``mols`` (see :mod:`molecules.gnn.featurize`).

    Returns:
        ``(graphs, ok)``: ``graphs`` an object array of DeepChem ``GraphData`` for the
        molecules that featurized (``ok.sum()`` items, input order kept); ``ok`` a bool
        array of shape ``(len(mols),)``.
    """
    _quiet_import()
    from molecules.gnn.featurize import dmpnn_arrays, graph_data

    arrays, ok = dmpnn_arrays(mols)
    out = np.empty(len(arrays), dtype=object)
    out[:] = [graph_data(*mol) for mol in arrays]
    return out, ok


def build_dmpnn(
    *,
    mode: str,
    n_tasks: int,
    hidden_size: int,
    depth: int,
    ffn_layers: int,
    dropout: float = 0.0,
    batch_size: int = 64,
    learning_rate: float = 1e-3,
    ffn_hidden: int | None = None,
    model_dir: str | None = None,
) -> Any:
    """A fresh ``deepchem.models.torch_models.DMPNNModel`` (CPU): the one place qdp builds
    one, for the triage filters and the surrogate ensembles alike.

    Args:
        mode: ``"regression"`` or ``"classification"`` (binary: ``n_classes=2``).
        n_tasks: outputs per molecule.
        hidden_size: encoder width (and feed-forward width unless ``ffn_hidden``).
        depth: message-passing steps.
        ffn_layers: feed-forward layers of the read-out.
        model_dir: DeepChem's checkpoint folder (default: a temporary one of DeepChem's).
    """
    _quiet_import()
    from deepchem.models.torch_models import DMPNNModel

    return DMPNNModel(
        mode=mode,
        n_classes=2,
        n_tasks=n_tasks,
        batch_size=batch_size,
        enc_hidden=hidden_size,
        depth=depth,
        enc_dropout_p=dropout,
        ffn_hidden=ffn_hidden or hidden_size,
        ffn_layers=ffn_layers,
        ffn_dropout_p=dropout,
        learning_rate=learning_rate,
        device="cpu",
        model_dir=model_dir,
        log_frequency=10**9,
    )


def save_model_dir(model: Any, out_dir: Path, metadata: dict[str, Any]) -> tuple[Path, Path]:
    """Write ``weights.pt`` and ``model.json`` into ``out_dir`` (created if needed).

    Returns:
        Paths of the weights file and the metadata file.
    """
    import torch

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    weights = out_dir / WEIGHTS_FILE
    meta = out_dir / METADATA_FILE
    torch.save(model.model.state_dict(), weights)
    meta.write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    return weights, meta


def read_model_metadata(model_dir: Path) -> dict[str, Any]:
    """The ``model.json`` of ``model_dir``.

    Raises:
        ModelFileError: directory, weights or metadata missing, or metadata incomplete.
    """
    model_dir = Path(model_dir)
    meta_path, weights_path = model_dir / METADATA_FILE, model_dir / WEIGHTS_FILE
    if not model_dir.is_dir():
        raise ModelFileError(f"{model_dir}: model directory not found")
    for path in (meta_path, weights_path):
        if not path.is_file():
            raise ModelFileError(f"{path}: missing; train the model first")
    try:
        metadata = json.loads(meta_path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{meta_path}: unreadable ({exc})") from exc
    missing = [k for k in _REQUIRED_KEYS if k not in metadata]
    if missing:
        raise ModelFileError(f"{meta_path}: missing keys {missing}")
    return dict(metadata)


def load_model_dir(model_dir: Path, *, batch_size: int = 256) -> tuple[Any, dict[str, Any]]:
    """Rebuild the DMPNN model saved in ``model_dir`` and load its weights.

    Returns:
        ``(model, metadata)``.

    Raises:
        ModelFileError: files missing or weights that do not fit the described network.
    """
    import torch

    metadata = read_model_metadata(model_dir)
    model = build_dmpnn(
        mode=metadata["mode"],
        n_tasks=len(metadata["tasks"]),
        hidden_size=int(metadata["hidden_size"]),
        depth=int(metadata["depth"]),
        ffn_layers=int(metadata["ffn_layers"]),
        batch_size=batch_size,
    )
    try:
        state = torch.load(Path(model_dir) / WEIGHTS_FILE, map_location="cpu", weights_only=True)
        model.model.load_state_dict(state)
    except (RuntimeError, OSError, EOFError, ValueError) as exc:
        raise ModelFileError(f"{model_dir}: weights do not load ({exc})") from exc
    model.model.eval()
    return model, metadata

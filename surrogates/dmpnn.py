"""``dmpnn``: an ensemble of DeepChem ``DMPNNModel`` directed message-passing networks.

Each member is a DeepChem 2.8 ``DMPNNModel`` (regression, one task) trained from its own
seed on its own bootstrap resample of the training set (targets standardized). Graphs are
featurized once (:meth:`BaseSurrogate.featurize`); training feeds DeepChem its
own index tables, prediction batches each chunk of molecules once into an edge list that
every member reuses (:mod:`molecules.gnn.fast_forward`, checked against DeepChem's
forward). The prediction is the
members' mean; the uncertainty is their standard deviation (ddof 0), in target units.

Weights are saved as one torch ``state_dict`` per member and loaded with
``torch.load(..., weights_only=True)``: tensors only, no pickled code.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch

from molecules.gnn.fast_forward import GraphBatch, ensemble_outputs
from molecules.gnn.model import build_dmpnn
from surrogates.base import BaseSurrogate, EpochCallback, FeatureSet, register_surrogate
from surrogates.errors import WeightsIntegrityError
from surrogates.featurize import (
    MolArrays,
    collate_graphs,
    pad_graph_widths,
    training_graphs,
)
from surrogates.settings import SurrogateSettings

META_NAME = "dmpnn.json"
PREDICT_CHUNK = 512


def _network_kwargs(settings: SurrogateSettings) -> dict[str, Any]:
    return {
        "mode": "regression",
        "n_tasks": 1,
        "enc_hidden": settings.dmpnn_hidden,
        "depth": settings.dmpnn_depth,
        "ffn_hidden": settings.dmpnn_ffn_hidden,
        "ffn_layers": settings.dmpnn_ffn_layers,
    }


def train_member(
    graphs: Sequence[Any],
    y_std: np.ndarray,
    settings: SurrogateSettings,
    seed: int,
    on_epoch: EpochCallback | None = None,
) -> torch.nn.Module:
    """Train one DeepChem ``DMPNNModel`` and return its network in eval mode.

    Args:
        graphs: ``n`` :func:`~surrogates.featurize.training_graphs` (already resampled if
            bootstrapping).
        y_std: standardized targets, shape ``(n,)``.
        settings: model sizes, epochs, batch size, learning rate.
        seed: seeds weight initialization and the epoch shuffles.
        on_epoch: called after every epoch's last batch was trained.
    """
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    labels = y_std.astype(np.float32).reshape(-1, 1)
    batch_size = settings.dmpnn_batch_size

    def generator() -> Iterator[tuple[list[Any], list[np.ndarray], list[np.ndarray]]]:
        for _ in range(settings.epochs):
            order = rng.permutation(len(graphs))
            for start in range(0, len(order), batch_size):
                idx = order[start : start + batch_size]
                yield (
                    pad_graph_widths([graphs[i] for i in idx]),
                    [labels[idx]],
                    [np.ones_like(labels[idx])],
                )
            if on_epoch is not None:  # asked for the next batch: the epoch's last one is done
                on_epoch()

    with tempfile.TemporaryDirectory(prefix="qdp-dmpnn-") as model_dir:
        model = build_dmpnn(
            mode="regression",
            n_tasks=1,
            hidden_size=settings.dmpnn_hidden,
            ffn_hidden=settings.dmpnn_ffn_hidden,
            depth=settings.dmpnn_depth,
            ffn_layers=settings.dmpnn_ffn_layers,
            batch_size=batch_size,
            learning_rate=settings.dmpnn_learning_rate,
            model_dir=model_dir,
        )
        model.fit_generator(generator(), checkpoint_interval=0)
    network: torch.nn.Module = model.model
    return network.eval()


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``torch.set_num_threads(n)`` (unchanged when ``None``), then restore.

    On a busy shared CPU one thread is often faster than several contending ones.
    """
    if n is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _new_network(settings: SurrogateSettings) -> torch.nn.Module:
    from deepchem.models.torch_models.dmpnn import DMPNN

    return DMPNN(**_network_kwargs(settings)).eval()


@register_surrogate
class DMPNNEnsembleSurrogate(BaseSurrogate):
    """Ensemble of ``settings.n_members`` DeepChem DMPNN models (seeds ``seed + i``)."""

    name = "dmpnn"
    uses_graphs = True

    def __init__(self, settings: SurrogateSettings | None = None) -> None:
        super().__init__(settings)
        self._members: list[torch.nn.Module] = []
        self._y_mean = 0.0
        self._y_scale = 1.0

    @property
    def epochs_per_fit(self) -> int:
        return self.settings.n_members * self.settings.epochs

    def _fit(self, features: FeatureSet, y: np.ndarray, on_epoch: EpochCallback) -> None:
        assert features.graphs is not None
        s = self.settings
        self._y_mean = float(y.mean())
        self._y_scale = float(y.std()) or 1.0
        y_std = (y - self._y_mean) / self._y_scale
        graphs = training_graphs(features.graphs)
        with torch_threads(s.dmpnn_torch_threads):
            self._members = [
                self._fit_member(graphs, y_std, i, on_epoch) for i in range(s.n_members)
            ]

    def _fit_member(
        self, graphs: Sequence[Any], y_std: np.ndarray, i: int, on_epoch: EpochCallback
    ) -> torch.nn.Module:
        """Member ``i``: seed ``seed + i``, bootstrap resample drawn from that seed."""
        s = self.settings
        seed = s.seed + i
        n = len(y_std)
        if s.dmpnn_bootstrap and s.n_members > 1:
            idx = np.random.default_rng(10_007 * seed + 1).integers(0, n, size=n)
        else:
            idx = np.arange(n)
        return train_member([graphs[j] for j in idx], y_std[idx], s, seed, on_epoch)

    def predict_members(self, features: FeatureSet, *, reference: bool = False) -> np.ndarray:
        """Per-member predictions in target units, array of shape ``(n_members, n)``.

        Args:
            features: from :meth:`featurize` (graphs required).
            reference: run DeepChem's own ``DMPNN.forward`` per member instead of the
                edge-list path of :mod:`molecules.gnn.fast_forward` (same numbers to
                float32 rounding; used by the tests).
        """
        self._check_fitted()
        if features.graphs is None:
            raise ValueError("'dmpnn' needs graph features; use this model's featurize()")
        out = np.empty((len(self._members), len(features)), dtype=np.float64)
        with torch.inference_mode(), torch_threads(self.settings.dmpnn_torch_threads):
            for start in range(0, len(features), PREDICT_CHUNK):
                chunk: Sequence[MolArrays] = features.graphs[start : start + PREDICT_CHUNK]
                stop = start + len(chunk)
                if reference:
                    batch = collate_graphs(training_graphs(chunk))
                    for m, network in enumerate(self._members):
                        out[m, start:stop] = network(batch).reshape(-1).double().numpy()
                else:
                    members = ensemble_outputs(self._members, GraphBatch.from_molecules(chunk))
                    out[:, start:stop] = members.double().numpy()
        return out * self._y_scale + self._y_mean

    def _predict(self, features: FeatureSet) -> tuple[np.ndarray, np.ndarray]:
        per_member = self.predict_members(features)
        return per_member.mean(0), per_member.std(0)

    def _save_weights(self, directory: Path) -> list[Path]:
        meta = directory / META_NAME
        meta.write_text(
            json.dumps(
                {"n_members": len(self._members), "y_mean": self._y_mean, "y_scale": self._y_scale}
            )
        )
        files = [meta]
        for i, network in enumerate(self._members):
            path = directory / f"member_{i}.pt"
            torch.save(network.state_dict(), path)
            files.append(path)
        return files

    def _load_weights(self, directory: Path) -> None:
        meta = json.loads((directory / META_NAME).read_text())
        members = []
        for i in range(int(meta["n_members"])):
            network = _new_network(self.settings)
            state = torch.load(directory / f"member_{i}.pt", weights_only=True, map_location="cpu")
            try:
                network.load_state_dict(state)
            except RuntimeError as exc:
                raise WeightsIntegrityError(
                    f"member_{i}.pt does not fit the network: {exc}"
                ) from exc
            members.append(network.eval())
        self._members = members
        self._y_mean = float(meta["y_mean"])
        self._y_scale = float(meta["y_scale"])

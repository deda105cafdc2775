"""The surrogate interface, its shared base class and the registry of models by name.

A surrogate maps SMILES to a predictive mean and standard deviation::

    model = make_surrogate(SurrogateSettings(kind="rf")).fit(smiles, y)
    mean, std = model.predict(other_smiles)        # arrays of shape (n,)
    files = model.save(directory)                  # weight files + manifest.json
    same = load_surrogate(directory)               # sha256-checked, no pickled code

To featurize a pool once and reuse it across rounds, call :meth:`BaseSurrogate.featurize`
then :meth:`~BaseSurrogate.fit_features` / :meth:`~BaseSurrogate.predict_features`.
"""

from __future__ import annotations

import importlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import numpy as np

from molecules.gnn.featurize import dmpnn_arrays
from surrogates.errors import (
    FeaturizationError,
    NotFittedError,
    UnknownNameError,
    WeightsIntegrityError,
)
from surrogates.featurize import (
    GRAPH_FAILED,
    PARSE_FAILED,
    fingerprints_of,
    pack_bits,
    parse_each,
    unpack_bits,
)
from surrogates.metrics import Novelty, novelty
from surrogates.settings import SurrogateSettings
from surrogates.weights import verify_manifest, write_manifest

CONFIG_NAME = "config.json"
TRAIN_FP_NAME = "train_fingerprints.npz"

EpochCallback = Callable[[], None]


def _no_epoch() -> None:
    """The ``on_epoch`` of a fit nobody watches."""


@dataclass(frozen=True)
class FeatureSet:
    """Features of ``n`` molecules, computed once and shared by every ensemble member.

    Attributes:
        smiles: the ``n`` SMILES.
        fingerprints: uint8 0/1 Morgan bits of shape ``(n, fp_bits)``.
        graphs: ``n`` molecules' DMPNN feature arrays (:data:`surrogates.featurize.MolArrays`),
            or ``None`` for models that do not use graphs.
    """

    smiles: tuple[str, ...]
    fingerprints: np.ndarray
    graphs: tuple[Any, ...] | None = None

    def __len__(self) -> int:
        return len(self.smiles)

    def subset(self, index: Sequence[int] | np.ndarray) -> FeatureSet:
        """Rows ``index`` (positions into this set) as a new :class:`FeatureSet`."""
        idx = np.asarray(index, dtype=np.int64)
        return FeatureSet(
            smiles=tuple(self.smiles[i] for i in idx),
            fingerprints=self.fingerprints[idx],
            graphs=None if self.graphs is None else tuple(self.graphs[i] for i in idx),
        )


S = TypeVar("S", bound="BaseSurrogate")


class BaseSurrogate(ABC):
    """Shared plumbing: featurization, input checks, novelty, save/load with a manifest.

    Subclasses set ``name`` and ``uses_graphs`` and implement ``_fit``, ``_predict``,
    ``_save_weights`` and ``_load_weights``.
    """

    name: ClassVar[str]
    uses_graphs: ClassVar[bool] = False

    def __init__(self, settings: SurrogateSettings | None = None) -> None:
        self.settings = settings if settings is not None else SurrogateSettings(kind=self.name)
        if self.settings.kind != self.name:
            raise ValueError(f"settings.kind={self.settings.kind!r} given to {self.name!r} model")
        self._train_fps: np.ndarray | None = None

    # --- featurization -------------------------------------------------------------------
    def featurize(self, smiles: Sequence[str]) -> FeatureSet:
        """Fingerprints (and graphs when the model uses them) of ``n`` SMILES.

        Raises:
            FeaturizationError: naming every SMILES that could not be featurized.
        """
        smiles = tuple(smiles)
        features, _, failures = self.featurize_each(smiles)
        if failures:
            raise FeaturizationError([(i, smiles[i], r) for i, r in sorted(failures.items())])
        return features

    def featurize_each(
        self, smiles: Sequence[str]
    ) -> tuple[FeatureSet, np.ndarray, dict[int, str]]:
        """:meth:`featurize`, keeping going past failures (each SMILES parsed once).

        Returns:
            ``(features, positions, failures)``: the features of the molecules that
            featurized, their positions in ``smiles`` (int64), and ``{position: reason}``
            (:data:`~surrogates.featurize.PARSE_FAILED` or ``GRAPH_FAILED``) for the others.
        """
        mols, positions, rejected = parse_each(smiles, fingerprint_only=not self.uses_graphs)
        failures = dict.fromkeys(rejected, PARSE_FAILED)
        graphs = None
        if self.uses_graphs:
            arrays, ok = dmpnn_arrays(mols)
            failures.update(
                dict.fromkeys((positions[k] for k in np.flatnonzero(~ok)), GRAPH_FAILED)
            )
            mols = [m for m, good in zip(mols, ok, strict=True) if good]
            positions = [p for p, good in zip(positions, ok, strict=True) if good]
            graphs = tuple(arrays)
        features = FeatureSet(
            smiles=tuple(smiles[p] for p in positions),
            fingerprints=fingerprints_of(mols, self.settings.fp_radius, self.settings.fp_bits),
            graphs=graphs,
        )
        return features, np.asarray(positions, dtype=np.int64), failures

    # --- public API ----------------------------------------------------------------------
    def fit(
        self: S,
        smiles: Sequence[str],
        y: Sequence[float] | np.ndarray,
        *,
        on_epoch: EpochCallback | None = None,
    ) -> S:
        """Train from scratch on ``n`` SMILES and targets ``y`` of shape ``(n,)``;
        ``on_epoch`` is called :attr:`epochs_per_fit` times as training goes."""
        return self.fit_features(self.featurize(smiles), y, on_epoch=on_epoch)

    def predict(self, smiles: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Predictive mean and standard deviation, two arrays of shape ``(n,)``."""
        return self.predict_features(self.featurize(smiles))

    def fit_features(
        self: S,
        features: FeatureSet,
        y: Sequence[float] | np.ndarray,
        *,
        on_epoch: EpochCallback | None = None,
    ) -> S:
        """Train from scratch on precomputed features; ``y`` has shape ``(n,)`` (``on_epoch``
        as for :meth:`fit`)."""
        y_arr = np.asarray(y, dtype=np.float64)
        if y_arr.ndim != 1 or y_arr.shape[0] != len(features):
            raise ValueError(f"y has shape {y_arr.shape}, expected ({len(features)},)")
        if len(features) < 2:
            raise ValueError("need at least two training molecules")
        if not np.all(np.isfinite(y_arr)):
            raise ValueError("y contains NaN or infinite values")
        if self.uses_graphs and features.graphs is None:
            raise ValueError(f"{self.name!r} needs graph features; use this model's featurize()")
        self._fit(features, y_arr, on_epoch or _no_epoch)
        self._train_fps = features.fingerprints.copy()
        return self

    def predict_features(self, features: FeatureSet) -> tuple[np.ndarray, np.ndarray]:
        """Mean and std, arrays of shape ``(n,)``, for precomputed features."""
        self._check_fitted()
        if len(features) == 0:
            return np.zeros(0), np.zeros(0)
        if self.uses_graphs and features.graphs is None:
            raise ValueError(f"{self.name!r} needs graph features; use this model's featurize()")
        mean, std = self._predict(features)
        if mean.shape != (len(features),) or std.shape != (len(features),):
            raise AssertionError(f"{self.name} returned shapes {mean.shape}, {std.shape}")
        return mean, std

    def novelty(self, features: FeatureSet) -> Novelty:
        """Novelty flag against the training set (``settings.novelty_tanimoto_threshold``)."""
        self._check_fitted()
        assert self._train_fps is not None
        return novelty(
            features.fingerprints, self._train_fps, self.settings.novelty_tanimoto_threshold
        )

    @property
    def epochs_per_fit(self) -> int:
        """How many times one fit calls ``on_epoch``: its epochs (all members'), or 1 for a
        model trained in one step."""
        return 1

    @property
    def is_fitted(self) -> bool:
        return self._train_fps is not None

    def save(self, directory: str | Path) -> list[Path]:
        """Write config, training fingerprints, weights and ``manifest.json`` into ``directory``.

        Returns:
            every file written, the manifest last.
        """
        self._check_fitted()
        assert self._train_fps is not None
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        config = out / CONFIG_NAME
        config.write_text(
            json.dumps({"kind": self.name, "settings": self.settings.model_dump()}, indent=2)
        )
        fps = out / TRAIN_FP_NAME
        np.savez(fps, packed=pack_bits(self._train_fps))
        files = [config, fps, *self._save_weights(out)]
        return [*files, write_manifest(out, files)]

    @classmethod
    def load(cls: type[S], directory: str | Path) -> S:
        """Load a model saved by :meth:`save`, after checking every file's sha256.

        Raises:
            WeightsIntegrityError: manifest mismatch, or the directory holds another kind.
        """
        src = Path(directory)
        verify_manifest(src)
        config = json.loads((src / CONFIG_NAME).read_text())
        if config.get("kind") != cls.name:
            raise WeightsIntegrityError(
                f"{src} holds a {config.get('kind')!r} model, not {cls.name!r}"
            )
        model = cls(SurrogateSettings.model_validate(config["settings"]))
        with np.load(src / TRAIN_FP_NAME, allow_pickle=False) as data:
            model._train_fps = unpack_bits(data["packed"], model.settings.fp_bits)
        model._load_weights(src)
        return model

    # --- for subclasses ------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if self._train_fps is None:
            raise NotFittedError(f"{self.name!r} surrogate is not fitted; call fit() or load()")

    @abstractmethod
    def _fit(self, features: FeatureSet, y: np.ndarray, on_epoch: EpochCallback) -> None: ...

    @abstractmethod
    def _predict(self, features: FeatureSet) -> tuple[np.ndarray, np.ndarray]: ...

    @abstractmethod
    def _save_weights(self, directory: Path) -> list[Path]: ...

    @abstractmethod
    def _load_weights(self, directory: Path) -> None: ...


SURROGATES: dict[str, type[BaseSurrogate]] = {}


def register_surrogate(cls: type[BaseSurrogate]) -> type[BaseSurrogate]:
    """Class decorator adding a surrogate to :data:`SURROGATES` under ``cls.name``."""
    if cls.name in SURROGATES:
        raise ValueError(f"surrogate {cls.name!r} registered twice")
    SURROGATES[cls.name] = cls
    return cls


def surrogate_class(name: str) -> type[BaseSurrogate]:
    """The registered surrogate class called ``name``."""
    _import_builtin_model(name)
    try:
        return SURROGATES[name]
    except KeyError:
        raise UnknownNameError(f"unknown surrogate {name!r}; known: {sorted(SURROGATES)}") from None


def make_surrogate(settings: SurrogateSettings) -> BaseSurrogate:
    """A fresh, unfitted surrogate of kind ``settings.kind``."""
    return surrogate_class(settings.kind)(settings)


def load_surrogate(directory: str | Path) -> BaseSurrogate:
    """Load any registered surrogate saved by :meth:`BaseSurrogate.save`."""
    src = Path(directory)
    verify_manifest(src)
    kind = json.loads((src / CONFIG_NAME).read_text()).get("kind")
    return surrogate_class(str(kind)).load(src)


def _import_builtin_model(name: str) -> None:
    module = _BUILTIN_MODULES.get(name)
    if module is not None and name not in SURROGATES:
        importlib.import_module(module)


_BUILTIN_MODULES = {"rf": "surrogates.forest", "gp": "surrogates.gp", "dmpnn": "surrogates.dmpnn"}

"""Surrogate predictions for lists of SMILES, with per-item errors and a novelty flag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from rdkit import Chem, RDLogger

from pipeline.services.surrogate_models import RegisteredSurrogate
from surrogates.base import FeatureSet
from surrogates.errors import FeaturizationError


@dataclass(frozen=True)
class PredictionItem:
    """One molecule's prediction, or why there is none.

    ``mean`` and ``std`` are in the target's units; ``novel`` is true when the nearest
    training molecule's Tanimoto similarity is below the model's novelty threshold.
    """

    smiles: str
    mean: float | None = None
    std: float | None = None
    nearest_tanimoto: float | None = None
    novel: bool | None = None
    model_version: int | None = None
    error: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready fields (``None`` ones dropped)."""
        return {k: v for k, v in asdict(self).items() if v is not None}


def _parse_error(smiles: str, max_length: int) -> str | None:
    if not smiles.strip():
        return "empty SMILES"
    if len(smiles) > max_length:
        return f"SMILES longer than {max_length} characters"
    if Chem.MolFromSmiles(smiles) is None:
        return "invalid SMILES"
    return None


def _featurize_valid(
    surrogate: RegisteredSurrogate, smiles: Sequence[str], errors: list[str | None]
) -> tuple[FeatureSet | None, list[int]]:
    """Featurize the items without an error; featurizer failures become item errors."""
    while True:
        positions = [i for i, e in enumerate(errors) if e is None]
        if not positions:
            return None, []
        try:
            return surrogate.model.featurize([smiles[i] for i in positions]), positions
        except FeaturizationError as exc:
            for k, _, reason in exc.failures:
                errors[positions[k]] = f"cannot featurize: {reason}"


def predict_smiles(
    surrogate: RegisteredSurrogate, smiles: Sequence[str], *, max_length: int = 500
) -> list[PredictionItem]:
    """Predict every SMILES; invalid ones get a per-item ``error``, never an exception."""
    RDLogger.DisableLog("rdApp.*")
    errors = [_parse_error(s, max_length) for s in smiles]
    version = surrogate.record.id
    items: dict[int, PredictionItem] = {}
    features, valid_positions = _featurize_valid(surrogate, smiles, errors)
    if valid_positions:
        mean, std = surrogate.model.predict_features(features)
        novelty = surrogate.model.novelty(features)
        for k, i in enumerate(valid_positions):
            items[i] = PredictionItem(
                smiles=smiles[i],
                mean=float(mean[k]),
                std=float(std[k]),
                nearest_tanimoto=float(novelty.max_similarity[k]),
                novel=bool(novelty.is_novel[k]),
                model_version=version,
            )
    return [
        items.get(i) or PredictionItem(smiles=s, error=errors[i], model_version=version)
        for i, s in enumerate(smiles)
    ]

"""Surrogate predictions for lists of SMILES, with per-item errors and a novelty flag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from molecules.standardize import non_ascii_message
from pipeline.services.surrogate_models import RegisteredSurrogate
from surrogates.bulk_predict import predict_bulk


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


def _input_error(smiles: str, max_length: int) -> str | None:
    if not smiles.strip():
        return "empty SMILES"
    if len(smiles) > max_length:
        return f"SMILES longer than {max_length} characters"
    return non_ascii_message(smiles)


def predict_smiles(
    surrogate: RegisteredSurrogate,
    smiles: Sequence[str],
    *,
    max_length: int = 500,
    workers: int = 1,
) -> list[PredictionItem]:
    """Predict every SMILES; invalid ones get a per-item ``error``, never an exception.

    Args:
        surrogate: a registered model.
        smiles: the queries, in order.
        max_length: longer SMILES are refused unread.
        workers: processes for long lists with a fingerprint model
            (:func:`surrogates.bulk_predict.predict_bulk`).
    """
    errors = [_input_error(s, max_length) for s in smiles]
    readable = [i for i, e in enumerate(errors) if e is None]
    bulk = predict_bulk(surrogate.model, [smiles[i] for i in readable], workers=workers)
    version = surrogate.record.id
    row_of = {i: k for k, i in enumerate(readable)}
    items = []
    for i, s in enumerate(smiles):
        k = row_of.get(i)
        error = errors[i] if k is None else bulk.errors[k]
        if k is None or error is not None:
            items.append(PredictionItem(smiles=s, error=error, model_version=version))
            continue
        items.append(
            PredictionItem(
                smiles=s,
                mean=float(bulk.mean[k]),
                std=float(bulk.std[k]),
                nearest_tanimoto=float(bulk.max_similarity[k]),
                novel=bool(bulk.is_novel[k]),
                model_version=version,
            )
        )
    return items

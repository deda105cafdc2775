"""Shared data for the surrogate tests: ESOL measured log solubility (data/esol_delaney.csv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

ESOL = Path(__file__).resolve().parents[2] / "data" / "esol_delaney.csv"
ESOL_VALUE = "measured log solubility in mols per litre"


@dataclass(frozen=True)
class Esol:
    """Distinct ESOL SMILES (file order) and their mean measured log solubility."""

    smiles: list[str]
    y: np.ndarray


@pytest.fixture(scope="session")
def esol() -> Esol:
    values: dict[str, list[float]] = {}
    with open(ESOL, newline="") as handle:
        for row in csv.DictReader(handle):
            values.setdefault(row["smiles"].strip(), []).append(float(row[ESOL_VALUE]))
    smiles = list(values)
    return Esol(smiles=smiles, y=np.array([np.mean(values[s]) for s in smiles]))


@pytest.fixture(scope="session")
def esol_split(esol: Esol) -> tuple[np.ndarray, np.ndarray]:
    """A fixed random split: 300 training and 150 held-out positions."""
    order = np.random.default_rng(7).permutation(len(esol.smiles))
    return order[:300], order[300:450]

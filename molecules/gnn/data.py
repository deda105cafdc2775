"""Training data of the GNN filters and their seeded random split.

ESOL (Delaney 2004): 1,128 molecules, measured log10 aqueous solubility in mol/L.
Tox21: 8,014 rows (183 repeated SMILES), 12 binary assay outcomes; blank = not measured.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from molecules.errors import TrainingDataError
from molecules.io import open_text

ESOL_TARGET_COLUMN = "measured log solubility in mols per litre"
TOX21_TASKS: tuple[str, ...] = (
    "NR-AR", "NR-AR-LBD", "NR-AhR", "NR-Aromatase", "NR-ER", "NR-ER-LBD",
    "NR-PPAR-gamma", "SR-ARE", "SR-ATAD5", "SR-HSE", "SR-MMP", "SR-p53",
)  # fmt: skip


@dataclass(frozen=True)
class LabelledSet:
    """SMILES with labels and per-label weights (0 marks a missing label).

    Attributes:
        smiles: list of ``n`` SMILES.
        y: labels, shape ``(n, n_tasks)``, float64.
        w: weights, shape ``(n, n_tasks)``, float64; 0 where the label is unknown.
        tasks: task names, length ``n_tasks``.
    """

    smiles: list[str]
    y: np.ndarray
    w: np.ndarray
    tasks: tuple[str, ...]

    def subset(self, index: np.ndarray) -> LabelledSet:
        """Rows ``index`` (1-D int array) of this set."""
        return LabelledSet(
            [self.smiles[i] for i in index], self.y[index], self.w[index], self.tasks
        )


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open_text(Path(path)) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise TrainingDataError(f"{path}: empty file") from None
        return header, list(reader)


def load_esol(path: Path | str) -> LabelledSet:
    """Load the ESOL CSV (columns ``smiles`` and :data:`ESOL_TARGET_COLUMN`).

    Raises:
        InputFileError: file missing or unreadable.
        TrainingDataError: a column is missing.
    """
    header, rows = _read_rows(Path(path))
    try:
        i_smi, i_y = header.index("smiles"), header.index(ESOL_TARGET_COLUMN)
    except ValueError:
        raise TrainingDataError(
            f"{path}: need columns 'smiles' and {ESOL_TARGET_COLUMN!r}"
        ) from None
    smiles = [r[i_smi] for r in rows]
    y = np.array([[float(r[i_y])] for r in rows])
    return LabelledSet(smiles, y, np.ones_like(y), ("log_solubility",))


def load_tox21(path: Path | str) -> LabelledSet:
    """Load the Tox21 CSV (``smiles`` plus the 12 :data:`TOX21_TASKS`; blank = unknown).

    Raises:
        InputFileError: file missing or unreadable.
        TrainingDataError: a column is missing.
    """
    header, rows = _read_rows(Path(path))
    try:
        i_smi = header.index("smiles")
        cols = [header.index(t) for t in TOX21_TASKS]
    except ValueError:
        raise TrainingDataError(f"{path}: need 'smiles' and the Tox21 task columns") from None
    smiles = [r[i_smi] for r in rows]
    raw = np.array([[r[c] for c in cols] for r in rows])
    known = raw != ""
    y = np.where(known, raw, "0").astype(float)
    return LabelledSet(smiles, y, known.astype(float), TOX21_TASKS)


def split_indices(
    n: int, seed: int, fractions: tuple[float, float, float] = (0.8, 0.1, 0.1)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeded random split of ``range(n)`` into train/valid/test index arrays.

    Raises:
        ValueError: fractions not positive or not summing to 1.
    """
    if any(f <= 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-9:
        raise ValueError(f"split fractions must be positive and sum to 1, got {fractions}")
    order = np.random.default_rng(seed).permutation(n)
    n_train = int(round(fractions[0] * n))
    n_valid = int(round(fractions[1] * n))
    return order[:n_train], order[n_train : n_train + n_valid], order[n_train + n_valid :]

"""ESOL (data/esol_delaney.csv) as a lookup oracle's table and small campaign libraries."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
ESOL = DATA / "esol_delaney.csv"
COLUMN = "measured log solubility in mols per litre"


def write_esol_library(path: Path, n: int) -> Path:
    """The first ``n`` ESOL SMILES, one per line, written to ``path``."""
    lines = ESOL.read_text().splitlines()
    column = lines[0].split(",").index("smiles")
    path.write_text("\n".join(line.split(",")[column] for line in lines[1 : n + 1]) + "\n")
    return path

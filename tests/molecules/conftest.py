"""Fixtures of the molecules tests: small library files written to ``tmp_path``."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"
IBUPROFEN = "CC(C)Cc1ccc(cc1)C(C)C(=O)O"
PARACETAMOL = "CC(=O)Nc1ccc(O)cc1"


def write_bytes(path: Path, data: bytes, *, gz: bool = False) -> Path:
    """Write ``data`` to ``path`` (gzip-compressed when ``gz``) and return the path."""
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.fixture
def bad_input_smi(tmp_path: Path) -> Path:
    """A SMILES file holding every kind of bad input issue 3 lists, plus good molecules."""
    lines = [
        b"# a comment line",
        ASPIRIN.encode() + b" aspirin",
        b"",
        b"C1CC( not-a-smiles",
        b"CC\xff\xfeO broken_bytes",
        b"C" * 2001 + b" too_long",
        b"C[Si](C)(C)Oc1ccccc1 silyl",
        b"[CH3] methyl_radical",
        b"[Na+].[O-]C(=O)c1ccccc1 sodium_benzoate",
        b"c1ccccc1C(C)(C)(C)(C)C bad_valence",
        b"OC(=O)c1ccccc1OC(C)=O aspirin_again",
        b"   ",
        IBUPROFEN.encode() + b" ibuprofen",
    ]
    return write_bytes(tmp_path / "bad.smi", b"\n".join(lines) + b"\n")

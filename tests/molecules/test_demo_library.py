"""The shipped demo library agrees with the warhead catalog: classes as named, decoys bare."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rdkit import Chem

from molecules.warheads import WARHEAD_CLASSES, find_warheads

LIBRARY = Path(__file__).resolve().parents[2] / "data" / "demo_library.smi"


def test_demo_library_warheads_and_decoys() -> None:
    lines = [ln.split() for ln in LIBRARY.read_text().splitlines() if ln and ln[0] != "#"]
    classes: Counter[str] = Counter()
    for smiles, name in lines:
        mol = Chem.MolFromSmiles(smiles)
        assert mol is not None and mol.GetNumHeavyAtoms() <= 12, name
        listed = name.split(":")[0]
        found = [w.warhead_class for w in find_warheads(mol)]
        if listed == "decoy":
            assert found == [], name
        else:
            assert found[0] == listed, name
            classes[listed] += 1
    assert classes["decoy"] == 0 and sum(classes.values()) >= 60
    assert len(classes) >= 15 and set(classes) <= {wc.name for wc in WARHEAD_CLASSES}
    assert sum(1 for _, name in lines if name.startswith("decoy:")) >= 20

"""Build ``data/demo_library.smi``: small covalent-warhead molecules plus small ESOL compounds.

Run once with ``python data/build_demo_library.py``; the output is committed. Each warhead
(acrylamide, vinyl sulfone, chloroacetamide, nitrile, ...) is joined to small substituents by
simple SMILES templates; The first ``MAX_ESOL_DECOYS`` ESOL molecules of at most 10 heavy atoms add
non-covalent decoys.
Everything is kept small enough that an STO-3G SCF takes seconds.
"""

from __future__ import annotations

import csv
from pathlib import Path

from rdkit import Chem

HERE = Path(__file__).parent
MAX_HEAVY_ATOMS = 10
MAX_ESOL_DECOYS = 120

WARHEADS = {
    "acrylamide": "C=CC(=O)N{r}",
    "methacrylamide": "C=C(C)C(=O)N{r}",
    "crotonamide": "C/C=C/C(=O)N{r}",
    "propiolamide": "C#CC(=O)N{r}",
    "vinyl_sulfone": "C=CS(=O)(=O){r}",
    "vinyl_ketone": "C=CC(=O){r}",
    "acrylate": "C=CC(=O)O{r}",
    "chloroacetamide": "ClCC(=O)N{r}",
    "bromoacetamide": "BrCC(=O)N{r}",
    "chloromethyl_ketone": "ClCC(=O){r}",
    "nitrile": "N#C{r}",
    "cyanamide": "N#CN{r}",
    "aldehyde": "O=C{r}",
    "epoxide": "C1OC1{r}",
    "isothiocyanate": "S=C=N{r}",
    "maleimide": "O=C1C=CC(=O)N1{r}",
}
SUBSTITUENTS = {
    "H": "",
    "methyl": "C",
    "ethyl": "CC",
    "propyl": "CCC",
    "isopropyl": "C(C)C",
    "tert-butyl": "C(C)(C)C",
    "cyclopropyl": "C1CC1",
    "cyclobutyl": "C1CCC1",
    "hydroxyethyl": "CCO",
    "methoxyethyl": "CCOC",
    "aminoethyl": "CCN",
    "fluoroethyl": "CCF",
    "trifluoroethyl": "CC(F)(F)F",
    "cyanomethyl": "CC#N",
    "phenyl": "c1ccccc1",
    "pyridin-3-yl": "c1cccnc1",
    "furan-2-yl": "c1ccco1",
    "thiophen-2-yl": "c1cccs1",
    "dimethylaminoethyl": "CCN(C)C",
    "acetyl": "C(C)=O",
}


def _heavy_atoms(mol: Chem.Mol) -> int:
    return mol.GetNumHeavyAtoms()


def build() -> list[tuple[str, str]]:
    """Return (canonical SMILES, name) pairs, unique and at most ``MAX_HEAVY_ATOMS`` heavy."""
    seen: set[str] = set()
    entries: list[tuple[str, str]] = []
    for warhead, template in WARHEADS.items():
        for sub_name, sub in SUBSTITUENTS.items():
            mol = Chem.MolFromSmiles(template.format(r=sub))
            if mol is None or _heavy_atoms(mol) > MAX_HEAVY_ATOMS:
                continue
            smiles = Chem.MolToSmiles(mol)
            if smiles not in seen:
                seen.add(smiles)
                entries.append((smiles, f"{warhead}:{sub_name}"))
    n_decoys = 0
    with (HERE / "esol_delaney.csv").open() as handle:
        for row in csv.DictReader(handle):
            mol = Chem.MolFromSmiles(row["smiles"])
            if mol is None or _heavy_atoms(mol) > MAX_HEAVY_ATOMS:
                continue
            smiles = Chem.MolToSmiles(mol)
            if smiles not in seen and n_decoys < MAX_ESOL_DECOYS:
                seen.add(smiles)
                n_decoys += 1
                entries.append((smiles, f"esol:{row['Compound ID']}"))
    return entries


if __name__ == "__main__":
    entries = build()
    with (HERE / "demo_library.smi").open("w") as out:
        out.write(
            "# qdp demo library: covalent warheads x small substituents + small ESOL compounds\n"
        )
        out.write("# built by data/build_demo_library.py; columns: SMILES name\n")
        for smiles, name in entries:
            out.write(f"{smiles} {name}\n")
    print(f"wrote {len(entries)} molecules")

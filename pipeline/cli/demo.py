"""``qdp demo``: the main job on shipped data with the embedded defaults."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from pipeline.cli.common import ConfigOption, settings_from
from pipeline.store import open_store

DEMO_LIBRARY = Path(__file__).resolve().parents[2] / "data" / "demo_library.smi"


def demo(config: ConfigOption = None) -> None:
    """Run the main job on the shipped demo library and say what it did."""
    from rdkit import Chem, RDLogger
    from pyscf import gto, mcscf, scf
    from rdkit.Chem import AllChem

    RDLogger.DisableLog("rdApp.*")
    settings = settings_from(config)
    store = open_store(settings)
    started = time.perf_counter()
    rows = []
    for line in DEMO_LIBRARY.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        smiles, _, name = line.partition(" ")
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            continue
        rows.append({"inchikey": Chem.MolToInchiKey(mol), "smiles": Chem.MolToSmiles(mol),
                     "name": name or None, "source": str(DEMO_LIBRARY.name)})
    store.upsert_molecules(rows)
    typer.echo(f"ingested {len(rows)} molecules from {DEMO_LIBRARY.name} into {store.status().url}")

    smiles = "C=CC(N)=O"
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    AllChem.EmbedMolecule(mol, randomSeed=settings.triage.conformer_seed)
    AllChem.MMFFOptimizeMolecule(mol)
    positions = mol.GetConformer().GetPositions()  # Å, shape (n_atoms, 3)
    atoms = "; ".join(
        f"{atom.GetSymbol()} {x:.6f} {y:.6f} {z:.6f}"
        for atom, (x, y, z) in zip(mol.GetAtoms(), positions, strict=True)
    )
    pyscf_mol = gto.M(atom=atoms, basis=settings.quantum.basis, verbose=0)
    mean_field = scf.RHF(pyscf_mol).run()
    casci = mcscf.CASCI(mean_field, settings.quantum.active_orbitals,
                        settings.quantum.active_electrons).run()
    typer.echo(
        f"acrylamide {smiles}: RHF/{settings.quantum.basis} {mean_field.e_tot:.6f} Ha, "
        f"CASCI({settings.quantum.active_electrons},{settings.quantum.active_orbitals}) "
        f"{casci.e_tot:.6f} Ha, correlation {1000 * (casci.e_tot - mean_field.e_tot):.2f} mHa"
    )
    typer.echo(f"done in {time.perf_counter() - started:.1f} s")
    store.close()

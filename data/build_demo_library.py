"""Build ``data/demo_library.smi``: small covalent-warhead fragments plus non-warhead decoys.

Run once with ``.venv/bin/python data/build_demo_library.py``; the output is committed. The
warheads are substituent series of each class of :mod:`molecules.warheads` that a cysteine
thiolate can attack (acrylamides, acrylates, vinyl sulfones, maleimides, enones, SNAr
heteroaryl halides, ...), at most ``MAX_HEAVY_ATOMS`` heavy atoms each (the quantum step costs
an xTB geometry, HF, DFT and CASCI/VQE of the warhead and of its thiolate adduct). The decoys
(alkanes, alcohols, ethers, amides, esters, aromatics, ...) carry no warhead, so triage with
``require_warhead = true`` rejects them with the reason ``no_warhead``.

The script checks every entry: each warhead's first perceived class is the one it is listed
under, each decoy has none, and nothing is larger than ``MAX_HEAVY_ATOMS``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rdkit import Chem

from molecules.warheads import find_warheads

HERE = Path(__file__).parent
MAX_HEAVY_ATOMS = 12

# class -> [(variant, SMILES)]; the class is the first warhead molecules.warheads perceives.
WARHEADS: dict[str, list[tuple[str, str]]] = {
    "maleimide": [
        ("H", "O=C1C=CC(=O)N1"),
        ("N-methyl", "CN1C(=O)C=CC1=O"),
        ("N-ethyl", "CCN1C(=O)C=CC1=O"),
        ("N-cyclopropyl", "O=C1C=CC(=O)N1C1CC1"),
        ("3-methyl (citraconimide)", "CC1=CC(=O)NC1=O"),
    ],
    "maleic_anhydride": [
        ("H", "O=C1C=CC(=O)O1"),
        ("3-methyl (citraconic)", "CC1=CC(=O)OC1=O"),
    ],
    "nitroalkene": [
        ("nitroethylene", "C=C[N+](=O)[O-]"),
        ("(E)-1-nitropropene", "C/C=C/[N+](=O)[O-]"),
        ("2-nitropropene", "C=C(C)[N+](=O)[O-]"),
        ("(E)-beta-nitrostyrene", "O=[N+]([O-])/C=C/c1ccccc1"),
    ],
    "vinyl_sulfonamide": [
        ("H", "C=CS(N)(=O)=O"),
        ("N-methyl", "C=CS(=O)(=O)NC"),
        ("N,N-dimethyl", "C=CS(=O)(=O)N(C)C"),
    ],
    "vinyl_sulfone": [
        ("methyl", "C=CS(C)(=O)=O"),
        ("ethyl", "C=CS(=O)(=O)CC"),
        ("divinyl", "C=CS(=O)(=O)C=C"),
        ("phenyl", "C=CS(=O)(=O)c1ccccc1"),
        ("ethenesulfonyl fluoride", "C=CS(=O)(=O)F"),
    ],
    "cyanoacrylamide": [
        ("2-cyanoacrylamide", "C=C(C#N)C(N)=O"),
        ("ethyl 2-cyanoacrylate", "C=C(C#N)C(=O)OCC"),
    ],
    "alkylidene_malononitrile": [
        ("ethylidene", "CC=C(C#N)C#N"),
        ("isopropylidene", "CC(C)=C(C#N)C#N"),
    ],
    "alkylidene_malonate": [
        ("dimethyl methylenemalonate", "C=C(C(=O)OC)C(=O)OC"),
    ],
    "propiolamide": [
        ("H", "C#CC(N)=O"),
        ("N-methyl", "C#CC(=O)NC"),
        ("N,N-dimethyl", "C#CC(=O)N(C)C"),
        ("2-butynamide N-methyl", "CC#CC(=O)NC"),
    ],
    "propiolate": [
        ("methyl", "C#CC(=O)OC"),
    ],
    "ynone": [
        ("but-3-yn-2-one", "C#CC(C)=O"),
        ("1-phenylprop-2-yn-1-one", "C#CC(=O)c1ccccc1"),
    ],
    "beta_aminomethyl_acrylamide": [
        ("4-(dimethylamino)crotonamide", "CN(C)C/C=C/C(N)=O"),
        ("4-(dimethylamino)-N-methylcrotonamide", "CNC(=O)/C=C/CN(C)C"),
    ],
    "acrylamide": [
        ("H", "C=CC(N)=O"),
        ("N-methyl", "C=CC(=O)NC"),
        ("N,N-dimethyl", "C=CC(=O)N(C)C"),
        ("N-isopropyl", "C=CC(=O)NC(C)C"),
        ("N-tert-butyl", "C=CC(=O)NC(C)(C)C"),
        ("N-cyclopropyl", "C=CC(=O)NC1CC1"),
        ("N-(2-hydroxyethyl)", "C=CC(=O)NCCO"),
        ("N-(2,2,2-trifluoroethyl)", "C=CC(=O)NCC(F)(F)F"),
        ("N-phenyl", "C=CC(=O)Nc1ccccc1"),
        ("pyrrolidine amide", "C=CC(=O)N1CCCC1"),
        ("morpholine amide", "C=CC(=O)N1CCOCC1"),
    ],
    "alpha_substituted_acrylamide": [
        ("methacrylamide", "C=C(C)C(N)=O"),
        ("N-methylmethacrylamide", "C=C(C)C(=O)NC"),
        ("N,N-dimethylmethacrylamide", "C=C(C)C(=O)N(C)C"),
        ("N-phenylmethacrylamide", "C=C(C)C(=O)Nc1ccccc1"),
    ],
    "beta_substituted_acrylamide": [
        ("crotonamide", "C/C=C/C(N)=O"),
        ("N-methylcrotonamide", "C/C=C/C(=O)NC"),
        ("N,N-dimethylcrotonamide", "C/C=C/C(=O)N(C)C"),
        ("3-methylbut-2-enamide", "CC(C)=CC(N)=O"),
        ("cinnamamide", "NC(=O)/C=C/c1ccccc1"),
    ],
    "acrylate": [
        ("methyl", "C=CC(=O)OC"),
        ("ethyl", "C=CC(=O)OCC"),
        ("tert-butyl", "C=CC(=O)OC(C)(C)C"),
        ("2-hydroxyethyl", "C=CC(=O)OCCO"),
    ],
    "alpha_substituted_acrylate": [
        ("methyl methacrylate", "C=C(C)C(=O)OC"),
        ("ethyl methacrylate", "C=C(C)C(=O)OCC"),
    ],
    "beta_substituted_acrylate": [
        ("methyl crotonate", "C/C=C/C(=O)OC"),
        ("ethyl crotonate", "C/C=C/C(=O)OCC"),
        ("dimethyl fumarate", "COC(=O)/C=C/C(=O)OC"),
        ("dimethyl maleate", "COC(=O)/C=C\\C(=O)OC"),
    ],
    "enal": [
        ("acrolein", "C=CC=O"),
        ("methacrolein", "C=C(C)C=O"),
        ("(E)-crotonaldehyde", "C/C=C/C=O"),
    ],
    "enone": [
        ("methyl vinyl ketone", "C=CC(C)=O"),
        ("phenyl vinyl ketone", "C=CC(=O)c1ccccc1"),
        ("cyclohex-2-enone", "O=C1C=CCCC1"),
        ("(E)-pent-3-en-2-one", "C/C=C/C(C)=O"),
        ("mesityl oxide", "CC(=O)C=C(C)C"),
        ("(E)-benzalacetone", "CC(=O)/C=C/c1ccccc1"),
    ],
    "acrylonitrile": [
        ("acrylonitrile", "C=CC#N"),
        ("methacrylonitrile", "C=C(C)C#N"),
        ("fumaronitrile", "N#C/C=C/C#N"),
        ("(E)-cinnamonitrile", "N#C/C=C/c1ccccc1"),
    ],
    "vinyl_pyridine": [
        ("2-vinylpyridine", "C=Cc1ccccn1"),
        ("4-vinylpyridine", "C=Cc1ccncc1"),
        ("2-vinylpyrazine", "C=Cc1cnccn1"),
    ],
    "haloacetamide": [
        ("chloroacetamide", "NC(=O)CCl"),
        ("N-methylchloroacetamide", "CNC(=O)CCl"),
        ("N,N-dimethylchloroacetamide", "CN(C)C(=O)CCl"),
        ("N-phenylchloroacetamide", "O=C(CCl)Nc1ccccc1"),
        ("bromoacetamide", "NC(=O)CBr"),
        ("iodoacetamide", "NC(=O)CI"),
    ],
    "alpha_haloketone": [
        ("chloroacetone", "CC(=O)CCl"),
        ("phenacyl chloride", "O=C(CCl)c1ccccc1"),
    ],
    "snar_nitroaryl_halide": [
        ("4-chloronitrobenzene", "O=[N+]([O-])c1ccc(Cl)cc1"),
        ("4-fluoronitrobenzene", "O=[N+]([O-])c1ccc(F)cc1"),
        ("2-chloronitrobenzene", "O=[N+]([O-])c1ccccc1Cl"),
        ("2-chloro-5-nitropyridine", "O=[N+]([O-])c1ccc(Cl)nc1"),
    ],
    "snar_heteroaryl_halide": [
        ("2-chloropyrimidine", "Clc1ncccn1"),
        ("4-chloropyrimidine", "Clc1ccncn1"),
        ("2,4-dichloropyrimidine", "Clc1ccnc(Cl)n1"),
        ("2-chloropyrazine", "Clc1cnccn1"),
        ("2-chlorothiazole", "Clc1nccs1"),
        ("2-chlorobenzoxazole", "Clc1nc2ccccc2o1"),
    ],
    "sulfonyl_fluoride": [
        ("methanesulfonyl fluoride", "CS(=O)(=O)F"),
        ("benzenesulfonyl fluoride", "O=S(=O)(F)c1ccccc1"),
        ("phenylmethanesulfonyl fluoride", "O=S(=O)(F)Cc1ccccc1"),
        ("phenyl fluorosulfate", "O=S(=O)(F)Oc1ccccc1"),
    ],
    "epoxide": [
        ("propylene oxide", "CC1CO1"),
        ("glycidol", "OCC1CO1"),
        ("cyclohexene oxide", "C1CCC2OC2C1"),
        ("styrene oxide", "c1ccc(C2CO2)cc1"),
    ],
    "activated_nitrile": [
        ("N,N-dimethylcyanamide", "CN(C)C#N"),
        ("1-cyanopyrrolidine", "N#CN1CCCC1"),
        ("2-cyanopyrimidine", "N#Cc1ncccn1"),
    ],
    "aldehyde": [
        ("propanal", "CCC=O"),
        ("benzaldehyde", "O=Cc1ccccc1"),
        ("pyridine-4-carbaldehyde", "O=Cc1ccncc1"),
        ("furfural", "O=Cc1ccco1"),
    ],
    "isothiocyanate": [
        ("methyl", "CN=C=S"),
        ("phenyl", "S=C=Nc1ccccc1"),
    ],
    "trifluoromethyl_ketone": [
        ("1,1,1-trifluoroacetone", "CC(=O)C(F)(F)F"),
    ],
    "alpha_ketoamide": [
        ("N-methyl-2-oxopropanamide", "CNC(=O)C(C)=O"),
    ],
    "ketone": [
        ("cyclohexanone", "O=C1CCCCC1"),
        ("acetophenone", "CC(=O)c1ccccc1"),
    ],
}

# (what, SMILES): no warhead, so require_warhead rejects each with "no_warhead".
DECOYS: list[tuple[str, str]] = [
    ("hexane", "CCCCCC"),
    ("cyclohexane", "C1CCCCC1"),
    ("isooctane", "CC(C)CC(C)(C)C"),
    ("butan-1-ol", "CCCCO"),
    ("cyclohexanol", "OC1CCCCC1"),
    ("benzyl alcohol", "OCc1ccccc1"),
    ("ethylene glycol", "OCCO"),
    ("diethyl ether", "CCOCC"),
    ("tetrahydrofuran", "C1CCOC1"),
    ("1,4-dioxane", "C1COCCO1"),
    ("anisole", "COc1ccccc1"),
    ("N-methylacetamide", "CNC(C)=O"),
    ("N,N-dimethylpropanamide", "CCC(=O)N(C)C"),
    ("2-pyrrolidinone", "O=C1CCCN1"),
    ("acetanilide", "CC(=O)Nc1ccccc1"),
    ("ethyl acetate", "CCOC(C)=O"),
    ("methyl propanoate", "CCC(=O)OC"),
    ("gamma-butyrolactone", "O=C1CCCO1"),
    ("methyl benzoate", "COC(=O)c1ccccc1"),
    ("propanoic acid", "CCC(=O)O"),
    ("benzoic acid", "O=C(O)c1ccccc1"),
    ("benzene", "c1ccccc1"),
    ("toluene", "Cc1ccccc1"),
    ("pyridine", "c1ccncc1"),
    ("chlorobenzene", "Clc1ccccc1"),
    ("fluorobenzene", "Fc1ccccc1"),
    ("phenol", "Oc1ccccc1"),
    ("aniline", "Nc1ccccc1"),
    ("nitrobenzene", "O=[N+]([O-])c1ccccc1"),
    ("3-chloronitrobenzene", "O=[N+]([O-])c1cccc(Cl)c1"),
    ("benzonitrile", "N#Cc1ccccc1"),
    ("propionitrile", "CCC#N"),
    ("styrene", "C=Cc1ccccc1"),
    ("vinyl acetate", "C=COC(C)=O"),
    ("piperidine", "C1CCNCC1"),
    ("morpholine", "C1COCCN1"),
    ("dimethyl sulfone", "CS(C)(=O)=O"),
    ("methanesulfonamide", "CS(N)(=O)=O"),
]


def build() -> list[tuple[str, str]]:
    """(canonical SMILES, name) pairs: the warheads, then the decoys; checked as described.

    Raises:
        ValueError: an entry is invalid, too large, a repeat, perceived as another class
            (warheads) or as a warhead at all (decoys).
    """
    seen: set[str] = set()
    entries: list[tuple[str, str]] = []

    def add(smiles: str, name: str, expected: str | None) -> None:
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            raise ValueError(f"{name}: invalid SMILES {smiles}")
        if mol.GetNumHeavyAtoms() > MAX_HEAVY_ATOMS:
            raise ValueError(f"{name}: {mol.GetNumHeavyAtoms()} > {MAX_HEAVY_ATOMS} heavy atoms")
        found = find_warheads(mol)
        first = found[0].warhead_class if found else None
        if first != expected:
            raise ValueError(f"{name}: perceived as {first}, listed as {expected}")
        canonical = Chem.MolToSmiles(mol)
        if canonical in seen:
            raise ValueError(f"{name}: repeated molecule {canonical}")
        seen.add(canonical)
        entries.append((canonical, name))

    for warhead_class, variants in WARHEADS.items():
        for variant, smiles in variants:
            add(smiles, f"{warhead_class}:{variant.replace(' ', '_')}", warhead_class)
    for what, smiles in DECOYS:
        add(smiles, f"decoy:{what.replace(' ', '_')}", None)
    return entries


if __name__ == "__main__":
    entries = build()
    counts = Counter(name.split(":")[0] for _, name in entries)
    with (HERE / "demo_library.smi").open("w") as out:
        out.write(
            "# qdp demo library: covalent warhead fragments (class:variant) and non-warhead "
            "decoys (decoy:what)\n"
        )
        out.write("# built by data/build_demo_library.py; columns: SMILES name\n")
        for smiles, name in entries:
            out.write(f"{smiles} {name}\n")
    n_decoys = counts.pop("decoy")
    print(f"wrote {len(entries)} molecules: {sum(counts.values())} warheads, {n_decoys} decoys")
    for warhead_class, count in counts.items():
        print(f"  {warhead_class:30s} {count}")

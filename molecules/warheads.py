"""Covalent warhead perception: a SMARTS catalog of electrophile classes and their sites.

Each :class:`WarheadClass` is a SMARTS pattern whose atom mapped ``:1`` is the atom a cysteine
thiolate attacks (the beta carbon of a Michael acceptor, the carbonyl carbon, the ipso carbon of
an SNAr substrate, ...). :func:`find_warheads` reports every site of a molecule once, with the
first (most specific) class of :data:`WARHEAD_CLASSES` that claims it.

>>> from rdkit import Chem
>>> [(w.warhead_class, w.site) for w in find_warheads(Chem.MolFromSmiles("C=CC(=O)NC"))]
[('acrylamide', 0)]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from rdkit import Chem

__all__ = [
    "WARHEAD_CLASSES",
    "Mechanism",
    "WarheadClass",
    "WarheadMatch",
    "find_warheads",
    "get_warhead_class",
]

Mechanism = Literal[
    "michael",  # thiolate adds to the beta C of an activated C=C / C#C; anion on the alpha atom
    "carbonyl_addition",  # thiolate adds to a C=O / C=N carbon or N=N nitrogen; anion on O / N
    "nitrile_addition",  # thiolate adds to a nitrile carbon; thioimidate anion on N
    "snar",  # thiolate adds to the ipso carbon of an activated (hetero)arene; Meisenheimer anion
    "substitution",  # SN2 at carbon (alpha-haloacetamide): no anionic adduct
    "ring_opening",  # epoxide / aziridine: thiolate opens the ring, alkoxide product
    "sulfur_exchange",  # sulfonyl fluoride (SuFEx): substitution at S
]


@dataclass(frozen=True)
class WarheadClass:
    """One warhead class.

    Attributes:
        name: snake_case id, e.g. ``"acrylamide"``.
        smarts: SMARTS; the atom the thiolate attacks carries atom map number ``:1``.
        mechanism: how the thiolate reacts.
        description: one line for humans.
    """

    name: str
    smarts: str
    mechanism: Mechanism
    description: str


@dataclass(frozen=True)
class WarheadMatch:
    """One perceived warhead site.

    Attributes:
        warhead_class: :attr:`WarheadClass.name`.
        mechanism: the class's mechanism.
        site: atom index (in the molecule passed in) of the atom the thiolate attacks.
        atoms: atom indices of the matched warhead in SMARTS atom order, site included.
    """

    warhead_class: str
    mechanism: Mechanism
    site: int
    atoms: tuple[int, ...]


# Reusable SMARTS fragments.
_NITRO = "[$([NX3+](=O)[O-]),$([NX3](=O)=O)]"
# Michael site: an sp2 carbon (not aromatic: "=" bonds are non-aromatic) without a pi donor
# (N, O, S(II)) on it, which would make it a vinylogous amide/ester instead of an acceptor.
_MS = "[CX3;!$(C-[#7X3,#8X2,#16X2]):1]"
_MS_ALKYNE = "[CX2;!$(C-[#7X3,#8X2,#16X2]):1]"
_HAL = "[Cl,Br,I]"
_AMIDE_N = "[NX3]"
_ESTER_O = "[OX2][#6]"


def _w(name: str, smarts: str, mechanism: Mechanism, description: str) -> WarheadClass:
    return WarheadClass(name=name, smarts=smarts, mechanism=mechanism, description=description)


WARHEAD_CLASSES: tuple[WarheadClass, ...] = (
    # --- Michael acceptors, most specific first -------------------------------------------
    _w(
        "maleimide",
        "[CX3:1]1=[CX3]C(=O)[NX3]C1=O",
        "michael",
        "maleimide C=C (either alkene carbon)",
    ),
    _w("maleic_anhydride", "[CX3:1]1=[CX3]C(=O)OC1=O", "michael", "maleic anhydride C=C"),
    _w(
        "quinone_methide",
        "[CX3:1]=[CX3]1-[CX3]=[CX3]-[CX3](=O)-[CX3]=[CX3]-1",
        "michael",
        "para-quinone methide: attack at the exocyclic carbon",
    ),
    _w(
        "quinone",
        "[CX3:1]1=[CX3]-[CX3](=O)-[#6]~[#6]-[CX3]1=O",
        "michael",
        "para-quinone ring C=C",
    ),
    _w(
        "nitroalkene",
        f"{_MS}=[CX3]-{_NITRO}",
        "michael",
        "nitroalkene: attack beta to NO2 (the aryl-bearing carbon of a nitrostyrene)",
    ),
    _w(
        "vinyl_sulfonamide",
        f"{_MS}=[CX3]-[SX4](=O)(=O)-[NX3]",
        "michael",
        "vinyl sulfonamide: beta carbon",
    ),
    _w(
        "vinyl_sulfone",
        f"{_MS}=[CX3]-[SX4](=O)(=O)-[#6,#8,F]",
        "michael",
        "vinyl sulfone / sulfonate / ethenesulfonyl fluoride, 1,1-bis(sulfonyl)ethene: beta C",
    ),
    _w(
        "alkylidene_malononitrile",
        f"{_MS}=[CX3](-C#N)-C#N",
        "michael",
        "alkylidene (benzylidene) malononitrile: the alkylidene carbon",
    ),
    _w(
        "cyanoacrylamide",
        f"{_MS}=[CX3](-C#N)-C(=O)[#7,#8]",
        "michael",
        "2-cyanoacrylamide / 2-cyanoacrylate (reversible): beta carbon",
    ),
    _w(
        "alkylidene_malonate",
        f"{_MS}=[CX3](-C(=O)[OX2,NX3])-C(=O)[OX2,NX3]",
        "michael",
        "alkylidene malonate / Meldrum's acid: the alkylidene carbon",
    ),
    _w(
        "propiolamide",
        f"{_MS_ALKYNE}#[CX2]-C(=O){_AMIDE_N}",
        "michael",
        "propiolamide (alkynamide): beta carbon",
    ),
    _w(
        "propiolate",
        f"{_MS_ALKYNE}#[CX2]-C(=O){_ESTER_O}",
        "michael",
        "propiolate ester: beta carbon",
    ),
    _w("ynone", f"{_MS_ALKYNE}#[CX2]-[CX3](=O)[#6,#1]", "michael", "ynone / ynal: beta carbon"),
    _w(
        "beta_aminomethyl_acrylamide",
        f"[CX3H1:1](-[CH2][NX3])=[CX3]-C(=O){_AMIDE_N}",
        "michael",
        "4-amino-crotonamide (afatinib-type): beta carbon",
    ),
    _w(
        "acrylamide",
        f"[CH2:1]=[CH1]-C(=O){_AMIDE_N}",
        "michael",
        "acrylamide CH2=CH-C(=O)N: beta carbon",
    ),
    _w(
        "alpha_substituted_acrylamide",
        f"[CH2:1]=[CX3H0]-C(=O){_AMIDE_N}",
        "michael",
        "methacrylamide-type CH2=C(R)-C(=O)N: beta carbon",
    ),
    _w(
        "beta_substituted_acrylamide",
        f"[CX3;!H2;!$(C-[#7X3,#8X2,#16X2]):1]=[CX3]-C(=O){_AMIDE_N}",
        "michael",
        "crotonamide / cinnamamide-type RCH=C-C(=O)N: beta carbon",
    ),
    _w(
        "acrylate",
        f"[CH2:1]=[CH1]-C(=O){_ESTER_O}",
        "michael",
        "acrylate ester CH2=CH-C(=O)OR: beta carbon",
    ),
    _w(
        "alpha_substituted_acrylate",
        f"[CH2:1]=[CX3H0]-C(=O){_ESTER_O}",
        "michael",
        "methacrylate-type CH2=C(R)-C(=O)OR: beta carbon",
    ),
    _w(
        "beta_substituted_acrylate",
        f"[CX3;!H2;!$(C-[#7X3,#8X2,#16X2]):1]=[CX3]-C(=O){_ESTER_O}",
        "michael",
        "crotonate / cinnamate / fumarate / maleate ester: beta carbon (either for fumarates)",
    ),
    _w("enal", f"{_MS}=[CX3]-[CX3H1]=O", "michael", "alpha,beta-unsaturated aldehyde: beta carbon"),
    _w(
        "enone",
        f"{_MS}=[CX3]-[CX3](=O)[#6]",
        "michael",
        "alpha,beta-unsaturated ketone (vinyl ketone, cyclohexenone, chalcone): beta carbon",
    ),
    _w(
        "acrylonitrile",
        f"{_MS}=[CX3]-[CX2]#[NX1]",
        "michael",
        "acrylonitrile / fumaronitrile / cinnamonitrile: beta carbon",
    ),
    _w(
        "vinyl_pyridine",
        f"{_MS}=[CX3]-[c;$(c:n),$(c1:c:c:n:c:c1)]",
        "michael",
        "2- or 4-vinyl azine: beta carbon of the vinyl group",
    ),
    # --- SN2 alkylators ----------------------------------------------------------------------
    _w(
        "haloacetamide",
        f"[CX4;H1,H2:1]({_HAL})-C(=O){_AMIDE_N}",
        "substitution",
        "alpha-chloro/bromo/iodo acetamide: SN2 at the alpha carbon",
    ),
    _w(
        "alpha_haloketone",
        f"[CX4;H1,H2:1]({_HAL})-C(=O)[#6]",
        "substitution",
        "alpha-halo ketone: SN2 at the alpha carbon",
    ),
    # --- SNAr ----------------------------------------------------------------------------------
    _w(
        "snar_nitroaryl_halide",
        "[c;$(c:c-" + _NITRO + "),$(c1:[c,n]:[c,n]:c(-" + _NITRO + "):[c,n]:[c,n]:1):1]"
        "-[F,Cl,Br,I]",
        "snar",
        "aryl halide with an ortho or para nitro group: ipso carbon",
    ),
    _w(
        "snar_heteroaryl_halide",
        "[c;$(c(:n):n),$(c1:n:c:n:c:c1),$(c1:n:c:c:n:c1),$(c:n:n),"
        "$([c;r5](:n):[s,o]):1]-[F,Cl,Br,I]",
        "snar",
        "halo-diazine/triazine, 2-halo-thiazole/oxazole: ipso carbon",
    ),
    _w(
        "snar_polynitroarene",
        f"[cH:1]1:c(-{_NITRO}):c:c(-{_NITRO}):c:c1-{_NITRO}",
        "snar",
        "1,3,5-trinitroarene: sigma-adduct at a ring CH ortho/para to three NO2",
    ),
    # --- sulfur(VI) fluoride exchange, ring opening, nitriles ---------------------------------
    _w(
        "sulfonyl_fluoride",
        "[SX4:1](=O)(=O)(F)[#6,#7,#8]",
        "sulfur_exchange",
        "sulfonyl fluoride / fluorosulfate (SuFEx): substitution at S",
    ),
    _w("epoxide", "[CX4:1]1-[OX2]-[CX4]-1", "ring_opening", "epoxide: either ring carbon"),
    _w("aziridine", "[CX4:1]1-[NX3]-[CX4]-1", "ring_opening", "aziridine: either ring carbon"),
    _w(
        "activated_nitrile",
        "[CX2:1](#[NX1])-[$([NX3]),$(c:n),$([CX3]=O),$([SX4](=O)=O)]",
        "nitrile_addition",
        "cyanamide, 2-cyano azine, acyl/sulfonyl cyanide: nitrile carbon",
    ),
    # --- additions to C=O, C=N, N=N ------------------------------------------------------------
    _w(
        "isothiocyanate",
        "[NX2]=[CX2:1]=[SX1]",
        "carbonyl_addition",
        "isothiocyanate N=C=S: central carbon (dithiocarbamate, reversible)",
    ),
    _w(
        "azodicarboxylate",
        "[NX2:1](-C=O)=[NX2]-C=O",
        "carbonyl_addition",
        "azodicarbonyl N=N: either nitrogen",
    ),
    _w(
        "activated_imine",
        "[CX3:1]=[NX2]-[$([SX4](=O)=O),$([CX3]=O),$([PX4]=O)]",
        "carbonyl_addition",
        "N-sulfonyl / N-acyl / N-phosphinoyl imine: imine carbon",
    ),
    _w(
        "aldehyde",
        "[CX3;H1,H2;!$(C-[!#6;!#1]):1]=[OX1]",
        "carbonyl_addition",
        "aldehyde: carbonyl carbon",
    ),
    _w(
        "alpha_ketoamide",
        f"[#6][CX3:1](=[OX1])-C(=O){_AMIDE_N}",
        "carbonyl_addition",
        "alpha-ketoamide (reversible): ketone carbon",
    ),
    _w(
        "trifluoromethyl_ketone",
        "[#6][CX3:1](=[OX1])-C(F)(F)F",
        "carbonyl_addition",
        "trifluoromethyl ketone (reversible): carbonyl carbon",
    ),
    _w(
        "ketone",
        "[#6][CX3:1](=[OX1])[#6]",
        "carbonyl_addition",
        "ketone (cyclic or acyclic): carbonyl carbon",
    ),
)


def get_warhead_class(name: str) -> WarheadClass:
    """The catalog entry called ``name``.

    Raises:
        KeyError: no such class.
    """
    for wc in WARHEAD_CLASSES:
        if wc.name == name:
            return wc
    raise KeyError(f"unknown warhead class {name!r}")


# Cheap necessary substructures ("gates"): a class is searched only when its gate matches, so
# a molecule without a non-aromatic C=C skips every alkene Michael acceptor. Classes not
# listed are always searched.
_GATE_SMARTS: dict[str, str] = {
    "alkene": "[CX3]=[CX3]",
    "alkyne": "[CX2]#[CX2]",
    "alkyl_halide": "[CX4]-[Cl,Br,I]",
    "aryl_halide": "c-[F,Cl,Br,I]",
    "nitroarene": "c-[NX3](~[OX1])~[OX1]",
    "three_ring": "[r3]",
    "nitrile": "[CX2]#[NX1]",
    "imine_or_azo": "[#6,#7]=[NX2]",
    "carbonyl": "[CX3]=[OX1]",
}
_CLASS_GATES: dict[str, str] = {  # Michael acceptors: "alkene", or "alkyne" (see _gate_of)
    **dict.fromkeys(("haloacetamide", "alpha_haloketone"), "alkyl_halide"),
    **dict.fromkeys(("snar_nitroaryl_halide", "snar_heteroaryl_halide"), "aryl_halide"),
    "snar_polynitroarene": "nitroarene",
    **dict.fromkeys(("epoxide", "aziridine"), "three_ring"),
    "activated_nitrile": "nitrile",
    **dict.fromkeys(("azodicarboxylate", "activated_imine"), "imine_or_azo"),
    **dict.fromkeys(
        ("aldehyde", "alpha_ketoamide", "trifluoromethyl_ketone", "ketone"), "carbonyl"
    ),
}


def _gate_of(wc: WarheadClass) -> str | None:
    if wc.mechanism == "michael":
        return "alkyne" if "#[CX2]" in wc.smarts else "alkene"
    return _CLASS_GATES.get(wc.name)


@cache
def _gates() -> dict[str, Chem.Mol]:
    return {name: Chem.MolFromSmarts(smarts) for name, smarts in _GATE_SMARTS.items()}


@cache
def _compiled() -> tuple[tuple[WarheadClass, Chem.Mol, int, str | None], ...]:
    """Each class with its query, the query-atom index of the mapped site and its gate."""
    out = []
    for wc in WARHEAD_CLASSES:
        query = Chem.MolFromSmarts(wc.smarts)
        if query is None:
            raise ValueError(f"invalid SMARTS for warhead class {wc.name!r}: {wc.smarts}")
        mapped = [a.GetIdx() for a in query.GetAtoms() if a.GetAtomMapNum() == 1]
        if len(mapped) != 1:
            raise ValueError(f"warhead class {wc.name!r} needs exactly one atom mapped :1")
        out.append((wc, query, mapped[0], _gate_of(wc)))
    return tuple(out)


def find_warheads(mol: Chem.Mol) -> list[WarheadMatch]:
    """Every warhead of ``mol``, one per site atom, the most specific class winning.

    Hydrogens may be implicit or explicit; indices refer to ``mol``. A site that lies inside
    the matched atoms of an earlier (more specific) class is not reported again, so the
    carbonyl of an enone is not also a ``ketone``.

    Args:
        mol: a sanitized RDKit molecule.

    Returns:
        matches ordered by catalog order, then site index; empty when there is none.

    Raises:
        TypeError: ``mol`` is not an RDKit molecule.
    """
    if not isinstance(mol, Chem.Mol):
        raise TypeError(f"find_warheads needs an rdkit Chem.Mol, got {type(mol).__name__}")
    return _find(mol, gated=True)


def _find(mol: Chem.Mol, *, gated: bool) -> list[WarheadMatch]:
    """:func:`find_warheads`; ``gated=False`` searches every class (for tests of the gates)."""
    gates = _gates()
    gate_hits: dict[str, bool] = {}
    matches: list[WarheadMatch] = []
    claimed_sites: set[int] = set()
    for wc, query, site_q, class_gate in _compiled():
        gate = class_gate if gated else None
        if gate is not None:
            if gate not in gate_hits:
                gate_hits[gate] = mol.HasSubstructMatch(gates[gate])
            if not gate_hits[gate]:
                continue
        covered = {a for m in matches for a in m.atoms}
        per_site: dict[int, tuple[int, ...]] = {}
        for match in mol.GetSubstructMatches(query, uniquify=False, maxMatches=10000):
            site = match[site_q]
            if site in claimed_sites or site in covered or site in per_site:
                continue
            per_site[site] = tuple(match)
        for site in sorted(per_site):
            matches.append(WarheadMatch(wc.name, wc.mechanism, site, per_site[site]))
            claimed_sites.add(site)
    return matches

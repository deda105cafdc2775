"""Thiolate adducts: warhead + CH3S⁻ → the anionic intermediate of each mechanism (RDKit).

* ``michael``: S on the β carbon; the C=C (C≡C) partner becomes the carbanion (enolate,
  nitronate, ... by resonance).
* ``carbonyl_addition``: S on the C (or N of N=N); the double-bond partner becomes O⁻ / N⁻.
* ``nitrile_addition``: S on the nitrile C; C≡N → C=N⁻ (thioimidate).
* ``snar``: S on the ipso carbon of the Kekulé ring; its ring double-bond partner becomes the
  carbanion (Meisenheimer σ-complex).
* ``ring_opening``: S on the ring carbon, the C–O/N ring bond broken, O⁻ / N⁻.

``substitution`` (SN2) and ``sulfur_exchange`` (SuFEx) have no anionic adduct:
:class:`UnsupportedWarheadError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdkit import Chem

from molecules.warheads import WarheadMatch
from pipeline.quantum.reactivity.errors import ReactivityError, UnsupportedWarheadError

UNSUPPORTED = {
    "substitution": "SN2 displacement has no anionic thiolate adduct (the product is neutral "
    "and the leaving group leaves); ΔE_add is undefined",
    "sulfur_exchange": "SuFEx substitution at sulfur(VI) has no anionic thiolate adduct; "
    "ΔE_add is undefined",
}


@dataclass(frozen=True)
class Adduct:
    """An anionic thiolate adduct with explicit hydrogens.

    Attributes:
        mol: the adduct; atoms ``0..n-1`` are the warhead's (with explicit H) in their order.
        site: index of the attacked atom; sulfur: index of the new S; anion: atom given the
            formal negative charge.
        reacting_atoms: ``(site, anion, sulfur)``: the AVAS region of the adduct (the new
            C–S bond and the anion), the same atoms as the reactants' (warhead site and anion
            atom, the S of CH3S⁻).
    """

    mol: Chem.Mol
    site: int
    sulfur: int
    anion: int
    reacting_atoms: tuple[int, ...]


def thiolate() -> Chem.Mol:
    """CH3S⁻ with explicit hydrogens (S is atom 1)."""
    return Chem.AddHs(Chem.MolFromSmiles("C[S-]"))


def _partner(mol: Chem.Mol, site: int, orders: tuple[Chem.BondType, ...]) -> int:
    atom = mol.GetAtomWithIdx(site)
    for bond in atom.GetBonds():
        if bond.GetBondType() in orders and bond.GetOtherAtom(atom).GetAtomicNum() > 1:
            return bond.GetOtherAtomIdx(site)
    raise ReactivityError(f"site atom {site} has no {'/'.join(map(str, orders))} bond partner")


def build_adduct(warhead: Chem.Mol, match: WarheadMatch) -> Adduct:
    """The CH3S⁻ adduct of ``warhead`` (neutral, hydrogens implicit or explicit) at ``match``.

    Raises:
        UnsupportedWarheadError: substitution or sulfur-exchange mechanism.
        ReactivityError: the site has no bond the mechanism needs.
    """
    if match.mechanism in UNSUPPORTED:
        raise UnsupportedWarheadError(f"{match.warhead_class}: {UNSUPPORTED[match.mechanism]}")
    mol = Chem.RWMol(Chem.AddHs(warhead))
    Chem.Kekulize(mol, clearAromaticFlags=True)
    for atom in mol.GetAtoms():
        atom.SetNoImplicit(True)
        atom.SetNumExplicitHs(0)
    site = match.site
    single, double = Chem.BondType.SINGLE, Chem.BondType.DOUBLE
    if match.mechanism in ("michael", "carbonyl_addition", "snar"):
        anion = _partner(mol, site, (double, Chem.BondType.TRIPLE))
        bond = mol.GetBondBetweenAtoms(site, anion)
        bond.SetBondType(single if bond.GetBondType() == double else double)
    elif match.mechanism == "nitrile_addition":
        anion = _partner(mol, site, (Chem.BondType.TRIPLE,))
        mol.GetBondBetweenAtoms(site, anion).SetBondType(double)
    elif match.mechanism == "ring_opening":
        ring = [a for a in match.atoms if mol.GetAtomWithIdx(a).GetAtomicNum() in (7, 8)]
        if not ring or mol.GetBondBetweenAtoms(site, ring[0]) is None:
            raise ReactivityError(f"site atom {site} has no ring O/N neighbour to open")
        anion = ring[0]
        mol.RemoveBond(site, anion)
    else:
        raise UnsupportedWarheadError(f"{match.warhead_class}: mechanism {match.mechanism!r}")
    mol.GetAtomWithIdx(anion).SetFormalCharge(mol.GetAtomWithIdx(anion).GetFormalCharge() - 1)
    sulfur = mol.AddAtom(Chem.Atom(16))
    methyl = mol.AddAtom(Chem.Atom(6))
    mol.AddBond(site, sulfur, single)
    mol.AddBond(sulfur, methyl, single)
    for _ in range(3):
        h = mol.AddAtom(Chem.Atom(1))
        mol.AddBond(methyl, h, single)
    for idx in (sulfur, methyl):
        mol.GetAtomWithIdx(idx).SetNoImplicit(True)
    out = mol.GetMol()
    try:
        Chem.SanitizeMol(out)
    except (Chem.AtomValenceException, Chem.KekulizeException, ValueError) as exc:
        raise ReactivityError(
            f"adduct of {match.warhead_class} at atom {site} is invalid: {exc}"
        ) from None
    return Adduct(out, site, sulfur, anion, (site, anion, sulfur))


def unique_sites(warhead: Chem.Mol, matches: list[WarheadMatch]) -> list[WarheadMatch]:
    """``matches`` with symmetry-equivalent sites (same canonical rank) removed, order kept."""
    ranks = list(Chem.CanonicalRankAtoms(warhead, breakTies=False))
    seen: set[int] = set()
    out = []
    for m in matches:
        if ranks[m.site] not in seen:
            seen.add(ranks[m.site])
            out.append(m)
    return out

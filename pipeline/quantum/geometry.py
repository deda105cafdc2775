"""Molecule inputs (geometry string, SMILES, SDF/molblock) -> :class:`pyscf.gto.Mole`.

Coordinates are in Å everywhere in this module. A SMILES goes through qdp's one SMILES → 3D
path (:func:`molecules.conformers.generate_conformer`: ETKDGv3, MMFF94, lowest of several,
fixed seed), so the same SMILES always gives the same geometry, wherever it is computed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pyscf import gto

from pipeline.quantum.errors import GeometryError

_ATOM_LINE = re.compile(r"^\s*[A-Z][a-z]?\s+[-+0-9.eE]+\s+[-+0-9.eE]+\s+[-+0-9.eE]+\s*$")


@dataclass(frozen=True)
class MoleculeInput:
    """One molecule to compute. Exactly one of ``geometry``, ``smiles``, ``molblock`` is set.

    Attributes:
        geometry: atoms and Cartesian coordinates in Å, ``"H 0 0 0; H 0 0 0.7414"``
            (``;`` or newlines between atoms).
        smiles: a SMILES string; a conformer is embedded (ETKDG + MMFF).
        molblock: the text of an SDF/MOL record (first record used).
        charge: total charge; ``None`` takes the formal charge of a SMILES/molblock, else 0.
        multiplicity: 2S+1; ``None`` gives 1 for an even electron count, else 2.
    """

    geometry: str | None = None
    smiles: str | None = None
    molblock: str | None = None
    charge: int | None = None
    multiplicity: int | None = None

    def __post_init__(self) -> None:
        given = [x for x in (self.geometry, self.smiles, self.molblock) if x]
        if len(given) != 1:
            raise GeometryError(
                "give exactly one of geometry, smiles, molblock "
                f"(got {len(given)} non-empty inputs)"
            )
        if self.multiplicity is not None and self.multiplicity < 1:
            raise GeometryError(f"multiplicity must be >= 1, got {self.multiplicity}")

    @classmethod
    def from_text(
        cls, text: str, *, charge: int | None = None, multiplicity: int | None = None
    ) -> MoleculeInput:
        """Guess the kind of ``text``: a path to .sdf/.mol, a molblock, a geometry or a SMILES."""
        stripped = text.strip()
        if stripped.lower().endswith((".sdf", ".mol")) and "\n" not in stripped:
            path = Path(stripped)
            if not path.is_file():
                raise GeometryError(f"SDF/MOL file not found: {path}")
            try:
                text = path.read_text()
            except UnicodeDecodeError as exc:
                raise GeometryError(f"{path} is not UTF-8 text: {exc.reason}") from None
            return cls(molblock=text, charge=charge, multiplicity=multiplicity)
        if "M  END" in text or "V2000" in text or "V3000" in text:
            return cls(molblock=text, charge=charge, multiplicity=multiplicity)
        parts = [p for p in re.split(r"[;\n]", stripped) if p.strip()]
        if parts and all(_ATOM_LINE.match(p) for p in parts):
            return cls(geometry=stripped, charge=charge, multiplicity=multiplicity)
        return cls(smiles=stripped, charge=charge, multiplicity=multiplicity)


def _atoms_from_rdkit(mol: object) -> tuple[str, int]:
    from rdkit import Chem

    conf = mol.GetConformer()  # type: ignore[attr-defined]
    lines = []
    for atom in mol.GetAtoms():  # type: ignore[attr-defined]
        pos = conf.GetAtomPosition(atom.GetIdx())
        lines.append(f"{atom.GetSymbol()} {pos.x:.8f} {pos.y:.8f} {pos.z:.8f}")
    return "; ".join(lines), Chem.GetFormalCharge(mol)


def embed_smiles(smiles: str) -> tuple[str, int]:
    """3D geometry of ``smiles`` by qdp's one SMILES → 3D path,
    :func:`molecules.conformers.generate_conformer` with its defaults (those of triage and the
    store), so the Python API and ``qdp energy --smiles`` compute on the same geometry.

    Returns:
        ``(geometry_angstrom, formal_charge)`` with the geometry as ``"El x y z; ..."``.

    Raises:
        GeometryError: RDKit cannot parse or embed the SMILES.
    """
    from rdkit import Chem

    from molecules.conformers import generate_conformer
    from molecules.errors import ConformerError
    from molecules.standardize import non_ascii_message

    non_ascii = non_ascii_message(smiles)
    if non_ascii:
        raise GeometryError(f"cannot use SMILES {smiles!r}: {non_ascii}")
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise GeometryError(f"RDKit cannot parse SMILES {smiles!r}")
    try:
        conformer = generate_conformer(mol)
    except ConformerError as exc:
        raise GeometryError(f"no 3D conformer for {smiles!r}: {exc.reason}") from None
    return _atoms_from_rdkit(Chem.MolFromMolBlock(conformer.molblock, removeHs=False))


def _read_molblock(molblock: str) -> object:
    from rdkit import Chem

    mol = Chem.MolFromMolBlock(molblock.split("$$$$")[0], removeHs=False)
    if mol is None:
        raise GeometryError("RDKit cannot parse the SDF/MOL block")
    if mol.GetNumConformers() == 0:
        raise GeometryError("the SDF/MOL block has no coordinates")
    return mol


def complete_hydrogens(molblock: str) -> tuple[str, int]:
    """Add the hydrogens an SDF/MOL record leaves implicit, placed by RDKit (``addCoords``).

    Heavy-atom coordinates are kept as given; without this a record with no explicit
    hydrogens would be computed as a bare heavy-atom fragment (ethanol as C, C, O).

    Returns:
        ``(molblock, n_added)``: the record unchanged and 0 when nothing was missing.

    Raises:
        GeometryError: RDKit cannot parse the record or it has no coordinates.
    """
    from rdkit import Chem

    mol = _read_molblock(molblock)
    missing = sum(atom.GetNumImplicitHs() for atom in mol.GetAtoms())  # type: ignore[attr-defined]
    if missing == 0:
        return molblock.split("$$$$")[0], 0
    return Chem.MolToMolBlock(Chem.AddHs(mol, addCoords=True)), int(missing)


def _geometry_from_molblock(molblock: str) -> tuple[str, int]:
    return _atoms_from_rdkit(_read_molblock(complete_hydrogens(molblock)[0]))


MIN_DISTANCE_ANGSTROM = 0.3  # shorter than any bond (H2: 0.74 Å): overlapping atoms


def check_coordinates(atoms: list) -> None:
    """Refuse non-finite coordinates and atoms closer than :data:`MIN_DISTANCE_ANGSTROM`.

    Args:
        atoms: PySCF ``format_atom`` output, ``[(symbol, (x, y, z)), ...]`` in Å.

    Raises:
        GeometryError: naming the atom(s).
    """
    import numpy as np

    coords = np.array([xyz for _, xyz in atoms], dtype=float).reshape(-1, 3)
    bad = np.flatnonzero(~np.isfinite(coords).all(axis=1))
    if bad.size:
        raise GeometryError(f"atom {bad[0] + 1} ({atoms[bad[0]][0]}) has a non-finite coordinate")
    if len(coords) < 2:
        return
    distances = np.linalg.norm(coords[:, None, :] - coords[None, :, :], axis=-1)
    distances[np.diag_indices(len(coords))] = np.inf
    i, j = np.unravel_index(np.argmin(distances), distances.shape)
    if distances[i, j] < MIN_DISTANCE_ANGSTROM:
        raise GeometryError(
            f"atoms {min(i, j) + 1} and {max(i, j) + 1} are {distances[i, j]:.3f} Å apart "
            f"(overlapping; the shortest accepted distance is {MIN_DISTANCE_ANGSTROM} Å)"
        )


def resolve_geometry(molecule: MoleculeInput) -> tuple[str, int]:
    """The geometry string (Å) and charge of ``molecule`` (SMILES embedded, molblock read)."""
    if molecule.geometry:
        geometry, charge = molecule.geometry.replace("\n", ";"), 0
    elif molecule.smiles:
        geometry, charge = embed_smiles(molecule.smiles)
    else:
        geometry, charge = _geometry_from_molblock(molecule.molblock or "")
    if molecule.charge is not None:
        charge = molecule.charge
    return geometry, charge


def build_mole(molecule: MoleculeInput, basis: str) -> gto.Mole:
    """Build a PySCF molecule (coordinates in Å) for ``molecule`` in ``basis``.

    Raises:
        GeometryError: unknown element or basis, non-finite or overlapping coordinates, or
            charge/multiplicity inconsistent with the electron count.
    """
    geometry, charge = resolve_geometry(molecule)
    try:
        atoms = gto.format_atom(geometry, unit="Angstrom")
        n_electrons = sum(gto.charge(symbol) for symbol, _ in atoms) - charge
    except (RuntimeError, KeyError, ValueError, IndexError) as exc:
        raise GeometryError(f"cannot read the geometry {geometry[:80]!r}: {exc}") from None
    check_coordinates(atoms)
    multiplicity = molecule.multiplicity or (1 if n_electrons % 2 == 0 else 2)
    spin = multiplicity - 1
    if n_electrons < 0 or spin > n_electrons or (n_electrons - spin) % 2:
        raise GeometryError(
            f"multiplicity {multiplicity} is impossible with {n_electrons} electrons "
            f"(charge {charge})"
        )
    mol = gto.Mole()
    mol.atom = geometry
    mol.unit = "Angstrom"
    mol.basis = basis
    mol.charge = charge
    mol.spin = spin
    mol.verbose = 0
    try:
        mol.build(parse_arg=False, dump_input=False)
    except (RuntimeError, KeyError, ValueError) as exc:
        raise GeometryError(f"PySCF cannot build the molecule in basis {basis!r}: {exc}") from None
    return mol


def geometry_key(mol: gto.Mole) -> str:
    """Stable key of the geometry: elements, coordinates (1e-6 Å), charge and spin."""
    coords = mol.atom_coords(unit="Angstrom")
    text = ";".join(
        f"{mol.atom_symbol(i)} {_fmt(x)} {_fmt(y)} {_fmt(z)}" for i, (x, y, z) in enumerate(coords)
    )
    text += f"|charge={mol.charge}|spin={mol.spin}"
    return hashlib.sha256(text.encode()).hexdigest()


def _fmt(value: float) -> str:
    return f"{round(float(value), 6) + 0.0:.6f}"  # + 0.0 turns -0.0 into 0.0

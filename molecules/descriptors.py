"""Molecular descriptors used by the rule filters, computed lazily and cached per molecule.

Names, meanings and units (all floats in the returned dict):

========== ==========================================================
``mw``      average molecular weight, g/mol
``logp``    Crippen logP (Wildman-Crippen), dimensionless
``hbd``     Lipinski H-bond donors (NH + OH count)
``hba``     Lipinski H-bond acceptors (N + O count)
``tpsa``    topological polar surface area, Angstrom^2
``rotb``    rotatable bonds (RDKit strict definition)
``heavy``   heavy-atom count
``qed``     quantitative estimate of drug-likeness (Bickerton 2012), 0..1
``sa_score`` synthetic accessibility (Ertl & Schuffenhauer 2009), 1 (easy)..10 (hard)
``n_warheads`` covalent warhead sites (:func:`molecules.warheads.find_warheads`)
========== ==========================================================

Once ``n_warheads`` is computed and non-zero, :meth:`MolContext.computed` also reports the
first warhead: ``warhead_class`` (str), ``warhead_mechanism`` (str) and ``warhead_site``
(int, the attacked atom's index in the canonical SMILES ``Chem.MolToSmiles(mol)``, i.e. in
``Chem.MolFromSmiles`` of the stored SMILES).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import numpy as np
from rdkit import Chem, RDConfig
from rdkit.Chem import QED, Crippen, Descriptors, rdMolDescriptors

from molecules.warheads import WarheadMatch, find_warheads

DESCRIPTOR_NAMES: tuple[str, ...] = (
    "mw", "logp", "hbd", "hba", "tpsa", "rotb", "heavy", "qed", "sa_score", "n_warheads",
)  # fmt: skip
DescriptorValue = float | int | str


@lru_cache(maxsize=1)
def load_sa_model() -> ModuleType:
    """Import the SA-score module shipped in the RDKit wheel (``Contrib/SA_Score``).

    Raises:
        ImportError: the RDKit installation has no ``SA_Score`` contribution.
    """
    path = Path(RDConfig.RDContribDir) / "SA_Score" / "sascorer.py"
    if not path.exists():
        raise ImportError(f"RDKit SA_Score model not found at {path}")
    spec = importlib.util.spec_from_file_location("qdp_rdkit_sascorer", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.readFragmentScores()  # load fpscores.pkl.gz once per process
    return module


def compute_sa_score(mol: Chem.Mol) -> float:
    """Synthetic accessibility score of ``mol``, 1 (easy) to 10 (hard)."""
    return float(load_sa_model().calculateScore(mol))


@lru_cache(maxsize=1)
def _qed_alert_fps() -> np.ndarray:
    from molecules.filters.catalog import pack_pattern_fingerprint

    return np.stack([pack_pattern_fingerprint(q) for q in QED.StructuralAlerts])


def compute_qed(ctx: MolContext) -> float:
    """QED (Bickerton et al. 2012, RDKit ``QED.qed`` with mean weights), 0..1.

    Same number as ``QED.qed(ctx.mol)``: the properties are RDKit's, with MW, logP and TPSA
    taken from the descriptor cache and the structural-alert count pre-screened by pattern
    fingerprint (only alerts whose bits the molecule holds are searched).
    """
    mol = ctx.mol
    fps = _qed_alert_fps()
    candidates = np.flatnonzero(~(fps & ~ctx.pattern_fingerprint()).any(axis=1))
    props = QED.QEDproperties(
        MW=ctx.get("mw"),
        ALOGP=ctx.get("logp"),
        HBA=sum(len(mol.GetSubstructMatches(p)) for p in QED.Acceptors),
        HBD=rdMolDescriptors.CalcNumHBD(mol),
        PSA=ctx.get("tpsa"),
        ROTB=rdMolDescriptors.CalcNumRotatableBonds(
            mol, rdMolDescriptors.NumRotatableBondsOptions.Strict
        ),
        AROM=len(Chem.GetSSSR(Chem.DeleteSubstructs(Chem.Mol(mol), QED.AliphaticRings))),
        ALERTS=sum(1 for i in candidates if mol.HasSubstructMatch(QED.StructuralAlerts[i])),
    )
    return float(QED.qed(mol, qedProperties=props))


_CALCULATORS: dict[str, Callable[[Chem.Mol], float]] = {
    "mw": Descriptors.MolWt,
    "logp": Crippen.MolLogP,
    "hbd": rdMolDescriptors.CalcNumLipinskiHBD,
    "hba": rdMolDescriptors.CalcNumLipinskiHBA,
    "tpsa": rdMolDescriptors.CalcTPSA,
    "rotb": rdMolDescriptors.CalcNumRotatableBonds,
    "heavy": lambda m: m.GetNumHeavyAtoms(),
    "sa_score": compute_sa_score,
}


class MolContext:
    """A standardized molecule with a lazy descriptor cache, handed to every rule filter.

    Filters call :meth:`get` so each descriptor is computed at most once per molecule, and
    only when a filter (or the final report) needs it.
    """

    __slots__ = ("mol", "_values", "_pattern_fp", "_warheads")

    def __init__(self, mol: Chem.Mol) -> None:
        self.mol = mol
        self._values: dict[str, float] = {}
        self._pattern_fp: np.ndarray | None = None
        self._warheads: tuple[WarheadMatch, ...] | None = None

    def warheads(self) -> tuple[WarheadMatch, ...]:
        """Covalent warheads of the molecule (indices of ``mol``), computed once."""
        if self._warheads is None:
            self._warheads = tuple(find_warheads(self.mol))
        return self._warheads

    def pattern_fingerprint(self) -> np.ndarray:
        """Packed RDKit pattern fingerprint (uint64, 2048 bits), computed once."""
        if self._pattern_fp is None:
            from molecules.filters.catalog import pack_pattern_fingerprint

            self._pattern_fp = pack_pattern_fingerprint(self.mol)
        return self._pattern_fp

    def get(self, name: str) -> float:
        """Return descriptor ``name`` (see module docstring), computing it on first use.

        Raises:
            KeyError: unknown descriptor name.
        """
        value = self._values.get(name)
        if value is None:
            if name in ("qed", "n_warheads"):  # need the cache itself
                value = compute_qed(self) if name == "qed" else float(len(self.warheads()))
                self._values[name] = value
                return value
            try:
                calculator = _CALCULATORS[name]
            except KeyError:
                raise KeyError(f"unknown descriptor {name!r}; known: {DESCRIPTOR_NAMES}") from None
            value = float(calculator(self.mol))
            self._values[name] = value
        return value

    def computed(self) -> dict[str, DescriptorValue]:
        """Descriptors computed so far (a copy), with the first warhead once perceived."""
        values: dict[str, DescriptorValue] = dict(self._values)
        if self._warheads:
            first = self._warheads[0]
            values["warhead_class"] = first.warhead_class
            values["warhead_mechanism"] = first.mechanism
            values["warhead_site"] = canonical_atom_index(self.mol, first.site)
        return values

    def compute_all(self) -> dict[str, float]:
        """Compute every descriptor of :data:`DESCRIPTOR_NAMES` and return them all."""
        for name in DESCRIPTOR_NAMES:
            self.get(name)
        return dict(self._values)


def canonical_atom_index(mol: Chem.Mol, index: int) -> int:
    """Index of atom ``index`` of ``mol`` in ``Chem.MolFromSmiles(Chem.MolToSmiles(mol))``."""
    copy = Chem.Mol(mol)
    Chem.MolToSmiles(copy)
    order = list(copy.GetPropsAsDict(True, True)["_smilesAtomOutputOrder"])
    return order.index(index)


def compute_descriptors(mol: Chem.Mol) -> dict[str, float]:
    """All descriptors of :data:`DESCRIPTOR_NAMES` for ``mol`` (see module docstring)."""
    return MolContext(mol).compute_all()

"""qdp molecules: library I/O, standardization, identity, rule and GNN filters, conformers.

Public API (see each module for details):

- readers: :func:`read_library`, :func:`read_smiles_file`, :func:`read_csv_file`,
  :func:`read_sdf_file`, :func:`iter_record_chunks` (:mod:`molecules.io`)
- identity: :func:`standardize_smiles`, :func:`standardize_mol`, :func:`compute_inchikey`
- filters: :func:`apply_rule_filters`, :func:`get_filter`, :func:`list_filters`
- GNN: :func:`molecules.gnn.train.train_solubility_model`,
  :func:`molecules.gnn.train.train_toxicity_model`,
  :func:`molecules.gnn.predict.load_gnn_predictor` (import those modules explicitly; they
  load DeepChem and torch)
- conformers: :func:`generate_conformer`
- driver: :func:`triage_library`, :func:`triage_smiles`, with :class:`MoleculeResult`,
  :class:`TriageChunk`, :class:`TriageSummary`
"""

from molecules.conformers import ConformerResult, generate_conformer
from molecules.descriptors import DESCRIPTOR_NAMES, MolContext, compute_descriptors
from molecules.errors import (
    ConformerError,
    FilterConfigError,
    InputFileError,
    ModelFileError,
    MoleculeParseError,
    MoleculesError,
    TrainingDataError,
    UnknownFilterError,
)
from molecules.filters import apply_rule_filters, get_filter, list_filters
from molecules.io import (
    RawRecord,
    iter_record_chunks,
    read_csv_file,
    read_library,
    read_sdf_file,
    read_smiles_file,
)
from molecules.results import MoleculeResult, TriageChunk, TriageSummary
from molecules.settings import GNNTrainingSettings, TriageSettings
from molecules.standardize import (
    StandardizedMolecule,
    compute_inchikey,
    standardize_mol,
    standardize_smiles,
)
from molecules.triage import triage_library, triage_smiles

__all__ = [
    "DESCRIPTOR_NAMES",
    "ConformerError",
    "ConformerResult",
    "FilterConfigError",
    "GNNTrainingSettings",
    "InputFileError",
    "ModelFileError",
    "MolContext",
    "MoleculeParseError",
    "MoleculeResult",
    "MoleculesError",
    "RawRecord",
    "StandardizedMolecule",
    "TrainingDataError",
    "TriageChunk",
    "TriageSettings",
    "TriageSummary",
    "UnknownFilterError",
    "apply_rule_filters",
    "compute_descriptors",
    "compute_inchikey",
    "generate_conformer",
    "get_filter",
    "iter_record_chunks",
    "list_filters",
    "read_csv_file",
    "read_library",
    "read_sdf_file",
    "read_smiles_file",
    "standardize_mol",
    "standardize_smiles",
    "triage_library",
    "triage_smiles",
]

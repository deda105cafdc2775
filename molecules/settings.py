"""Triage settings: every threshold of ingest, rule filters, GNN filters and conformers.

Composed into :class:`pipeline.config.Settings` as the ``[triage]`` section. Lives here so
that ``molecules`` never imports ``pipeline``.
"""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field


def usable_cores() -> int:
    """CPU cores this process may run on: its affinity mask on Linux, else the CPU count.

    What a "0 = all cores" worker setting resolves to.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class TriageSettings(BaseModel):
    """Thresholds and switches for triage. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # ingest and identity
    chunk_size: int = Field(default=2000, ge=1, description="molecules per streamed chunk")
    n_workers: int = Field(default=0, ge=0, description="rule-filter processes; 0 = all cores")
    max_smiles_length: int = Field(default=2000, ge=1, description="characters")
    tautomer_canonicalization: bool = False
    strip_salts: bool = Field(
        default=True,
        description="keep the largest organic fragment; False rejects as 'multi_component'",
    )
    # rule filters
    allowed_elements: tuple[str, ...] = ("H", "C", "N", "O", "F", "P", "S", "Cl", "Br", "I")
    min_heavy_atoms: int = Field(default=3, ge=1)
    max_heavy_atoms: int = Field(default=70, ge=1)
    lipinski_max_violations: int = Field(default=1, ge=0, le=4)
    lipinski_max_mw: float = Field(default=500.0, gt=0, description="average MW, g/mol")
    lipinski_max_logp: float = Field(default=5.0, description="Crippen logP")
    lipinski_max_hbd: int = Field(default=5, ge=0, description="NH + OH count")
    lipinski_max_hba: int = Field(default=10, ge=0, description="N + O count")
    veber: bool = True
    veber_max_rotatable_bonds: int = Field(default=10, ge=0)
    veber_max_tpsa: float = Field(default=140.0, gt=0, description="topological PSA, Angstrom^2")
    pains: bool = True
    pains_families: tuple[str, ...] = ("A", "B", "C")
    brenk: bool = True
    qed_min: float = Field(default=0.0, ge=0.0, le=1.0)
    sa_score_max: float = Field(default=6.0, ge=1.0, le=10.0)
    report_descriptors: tuple[str, ...] = Field(
        default=(
            "mw",
            "logp",
            "hbd",
            "hba",
            "tpsa",
            "rotb",
            "heavy",
            "qed",
            "sa_score",
            "n_warheads",
        ),
        description="descriptors computed for every passed molecule (QED ~1 ms, SA ~0.5 ms)",
    )
    require_warhead: bool = Field(
        default=False, description="reject molecules without a covalent warhead ('no_warhead')"
    )
    require_smarts: tuple[str, ...] = ()
    forbid_smarts: tuple[str, ...] = ()
    # GNN filters
    solubility_filter: bool = True
    min_log_solubility: float = Field(default=-6.0, description="predicted logS, log10(mol/L)")
    toxicity_filter: bool = True
    max_toxicity_probability: float = Field(default=0.8, ge=0.0, le=1.0)
    shipped_filters: bool = Field(
        default=False,
        description="when the store has no trained filter, use the weights shipped in data/",
    )
    gnn_batch_size: int = Field(default=256, ge=1, description="molecules per GNN forward pass")
    # conformers
    n_conformers: int = Field(default=5, ge=1, le=200)
    conformer_seed: int = 42
    mmff_max_iterations: int = Field(default=500, ge=1)


class GNNTrainingSettings(BaseModel):
    """Hyper-parameters of :func:`molecules.gnn.train.train_solubility_model` and friends.

    Defaults reach the quality bars of issue 3 in a few minutes on 2 CPU cores.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 0
    epochs: int | None = Field(
        default=None, ge=1, description="None: 60 for solubility (ESOL), 20 for toxicity (Tox21)"
    )
    batch_size: int = Field(default=64, ge=1)
    learning_rate: float = Field(default=1e-3, gt=0)
    hidden_size: int = Field(default=200, ge=8, description="encoder and FFN width")
    depth: int = Field(default=3, ge=1, description="message-passing steps")
    ffn_layers: int = Field(default=2, ge=1)
    dropout: float = Field(default=0.0, ge=0.0, lt=1.0)
    max_molecules: int | None = Field(default=None, ge=10, description="subsample for tests")
    torch_threads: int = Field(
        default=1, ge=1, description="torch intra-op threads; 1 is fastest on shared 2-core hosts"
    )
    split_fractions: tuple[float, float, float] = (0.8, 0.1, 0.1)

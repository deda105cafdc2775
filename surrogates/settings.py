"""Surrogate and active-learning settings (the ``[surrogate]`` and ``[campaign]`` sections)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class SurrogateSettings(BaseModel):
    """Which surrogate model to train and how.

    ``kind`` picks a model from :data:`surrogates.registry.SURROGATES`. Fields prefixed
    ``dmpnn_``, ``rf_`` and ``gp_`` apply to that model only; ``fp_*`` to the fingerprint
    used by ``rf``, ``gp`` and the novelty flag of every model.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["dmpnn", "rf", "gp"] = "dmpnn"
    n_members: int = Field(default=5, ge=1, le=50)
    epochs: int = Field(default=40, ge=1)
    seed: int = 0
    novelty_tanimoto_threshold: float = Field(default=0.3, ge=0.0, le=1.0)
    # Morgan fingerprint (rf, gp, novelty)
    fp_radius: int = Field(default=2, ge=1, le=4)
    fp_bits: int = Field(default=2048, ge=64, le=16384)
    # DMPNN ensemble
    dmpnn_hidden: int = Field(default=128, ge=8, le=1024)
    dmpnn_depth: int = Field(default=3, ge=2, le=8)
    dmpnn_ffn_hidden: int = Field(default=128, ge=8, le=1024)
    dmpnn_ffn_layers: int = Field(default=2, ge=1, le=5)
    dmpnn_learning_rate: float = Field(default=1e-3, gt=0.0)
    dmpnn_batch_size: int = Field(default=32, ge=1)
    dmpnn_bootstrap: bool = True
    dmpnn_torch_threads: int | None = Field(default=None, ge=1)
    # random forest
    rf_n_trees: int = Field(default=100, ge=2, le=2000)
    rf_max_features: float = Field(default=0.33, gt=0.0, le=1.0)
    rf_min_samples_leaf: int = Field(default=1, ge=1)
    # Gaussian process (Tanimoto kernel); noise variance in units of var(y)
    gp_noise_init: float = Field(default=0.1, gt=0.0)
    gp_optimize: bool = True


class CampaignSettings(BaseModel):
    """Active-learning campaign defaults.

    ``rounds`` counts acquisition rounds after the initial batch (round 0). The campaign also
    stops when ``budget`` oracle calls (successes and failures) are spent, when the pool is
    exhausted, or when the mean of the best ``top_k`` values has improved by less than
    ``min_improvement`` over the last ``patience`` rounds (``patience=0`` disables this).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: str = "electrophilicity_ev"
    maximize: bool = True
    target_window: tuple[float, float] | None = Field(
        default=None,
        description="seek values inside [low, high] (e.g. a moderate reactivity) instead of "
        "maximizing or minimizing; overrides maximize",
    )
    acquisition: Literal["greedy", "ucb", "ei", "pi", "thompson", "random"] = "ucb"
    ucb_beta: float = Field(default=1.0, ge=0.0)
    ei_xi: float = Field(default=0.0, ge=0.0)
    init_size: int = Field(default=8, ge=1)
    init_strategy: Literal["random", "diverse"] = "random"
    batch_size: int = Field(default=4, ge=1)
    rounds: int = Field(default=3, ge=0)
    budget: int | None = Field(default=None, ge=1)
    random_fraction: float = Field(default=0.0, ge=0.0, le=1.0)
    diversity: Literal["none", "maxmin", "exclusion"] = "exclusion"
    diversity_max_similarity: float = Field(default=0.8, ge=0.0, le=1.0)
    diversity_candidate_factor: int = Field(default=5, ge=1)
    top_k: int = Field(default=5, ge=1)
    patience: int = Field(default=0, ge=0)
    min_improvement: float = Field(default=0.0, ge=0.0)
    oracle_chunk_size: int = Field(default=1, ge=1)
    seed: int = 0

    @model_validator(mode="after")
    def _window_is_ordered(self) -> CampaignSettings:
        if self.target_window is not None and not self.target_window[0] <= self.target_window[1]:
            raise ValueError(f"target_window {self.target_window} must be [low, high], low <= high")
        return self

"""Surrogate models, uncertainty, acquisition and the active-learning loop (no Prefect).

Public entry points:

* models: :func:`make_surrogate`, :func:`load_surrogate`, :data:`SURROGATES`
  (``dmpnn``, ``rf``, ``gp``), :class:`BaseSurrogate`, :class:`FeatureSet`;
* metrics: :func:`regression_metrics`, :func:`novelty`;
* acquisition: :func:`acquisition_scores`, :data:`ACQUISITIONS`, :func:`select_batch`,
  :func:`maxmin_pick`;
* loop: :func:`run_campaign`, :func:`plan_round`, :func:`stop_reason`,
  :class:`CampaignState`, :class:`CampaignStore`, :class:`InMemoryCampaignStore`,
  :class:`Oracle`, :class:`OracleResult`, :class:`LookupOracle`.

Heavy dependencies (torch, DeepChem) load only when a ``dmpnn`` model is made.
"""

from surrogates.acquisition import (
    ACQUISITIONS,
    AcquisitionContext,
    acquisition_scores,
    maxmin_pick,
    register_acquisition,
    select_batch,
)
from surrogates.base import (
    SURROGATES,
    BaseSurrogate,
    FeatureSet,
    load_surrogate,
    make_surrogate,
    register_surrogate,
)
from surrogates.campaign import plan_round, run_campaign, start_campaign, stop_reason
from surrogates.campaign_state import (
    CampaignState,
    CampaignStore,
    Evaluation,
    InMemoryCampaignStore,
    RoundRecord,
)
from surrogates.errors import (
    CampaignError,
    FeaturizationError,
    NotFittedError,
    OracleError,
    SurrogateError,
    UnknownNameError,
    WeightsIntegrityError,
)
from surrogates.metrics import Novelty, RegressionMetrics, novelty, regression_metrics
from surrogates.oracle import LookupOracle, Oracle, OracleResult
from surrogates.settings import CampaignSettings, SurrogateSettings

__all__ = [
    "ACQUISITIONS",
    "SURROGATES",
    "AcquisitionContext",
    "BaseSurrogate",
    "CampaignError",
    "CampaignSettings",
    "CampaignState",
    "CampaignStore",
    "Evaluation",
    "FeatureSet",
    "FeaturizationError",
    "InMemoryCampaignStore",
    "LookupOracle",
    "NotFittedError",
    "Novelty",
    "Oracle",
    "OracleError",
    "OracleResult",
    "RegressionMetrics",
    "RoundRecord",
    "SurrogateError",
    "SurrogateSettings",
    "UnknownNameError",
    "WeightsIntegrityError",
    "acquisition_scores",
    "load_surrogate",
    "make_surrogate",
    "maxmin_pick",
    "novelty",
    "plan_round",
    "regression_metrics",
    "register_acquisition",
    "register_surrogate",
    "run_campaign",
    "select_batch",
    "start_campaign",
    "stop_reason",
]

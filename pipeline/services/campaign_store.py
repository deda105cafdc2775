"""The active-learning loop's persistence (``surrogates.campaign_state.CampaignStore``) on
the SQL store: every chosen batch and every oracle result is saved with the state that
includes it, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pipeline.store import Store
from surrogates.campaign_state import CampaignState, Evaluation, RoundRecord


class SqlCampaignStore:
    """Implements ``CampaignStore`` over :class:`pipeline.store.Store`.

    ``job_settings`` (library, oracle, pool, …) are written once when the campaign is first
    seen, so ``qdp campaign --resume ID`` can rebuild everything from the id alone.
    ``on_evaluation`` sees the state after every stored oracle result (e.g. for progress).
    """

    def __init__(
        self,
        store: Store,
        job_settings: Mapping[str, Any],
        on_event: Callable[[str], None] | None = None,
        on_evaluation: Callable[[CampaignState], None] | None = None,
    ) -> None:
        self.store = store
        self.job_settings = dict(job_settings)
        self.on_event = on_event or (lambda _message: None)
        self.on_evaluation = on_evaluation or (lambda _state: None)

    def load_state(self, campaign_id: str) -> CampaignState | None:
        campaign = self.store.get_campaign(campaign_id)
        if campaign is None or not campaign.state:
            return None
        return CampaignState.from_dict(campaign.state)

    def _save(self, state: CampaignState, **event: Any) -> None:
        self.store.create_campaign(state.campaign_id, self.job_settings)
        self.store.save_campaign_progress(
            state.campaign_id, status=state.status, state=state.to_dict(), **event
        )

    def record_round(self, state: CampaignState, record: RoundRecord) -> None:
        self._save(
            state,
            round_row={
                "round_index": record.round,
                "selected": list(record.selected),
                "metrics": {
                    "strategy": record.strategy,
                    "n_train": record.n_train,
                    "predicted_mean": list(record.predicted_mean),
                    "predicted_std": list(record.predicted_std),
                },
            },
        )
        self.on_event(
            f"round {record.round}: {len(record.selected)} molecules chosen by "
            f"{record.strategy} (model trained on {record.n_train})"
        )

    def record_evaluation(self, state: CampaignState, evaluation: Evaluation) -> None:
        self._save(
            state,
            evaluation={
                "smiles": evaluation.smiles,
                "round_index": evaluation.round,
                "value": evaluation.value,
                "error": evaluation.error,
            },
        )
        outcome = (
            f"{evaluation.value:.4f}"
            if evaluation.value is not None
            else f"failed: {evaluation.error}"
        )
        self.on_event(f"  oracle {evaluation.smiles}: {outcome}")
        self.on_evaluation(state)

    def record_finish(self, state: CampaignState) -> None:
        self._save(state)
        self.on_event(f"campaign {state.campaign_id} finished: {state.stop_reason}")

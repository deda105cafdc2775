"""Run a lookup-oracle campaign slowly in a subprocess, so a test can kill it mid-round.

python tests/campaign_worker.py HOME LIBRARY LOOKUP_CSV VALUE_COLUMN
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from pipeline.config import Settings
from pipeline.services.campaigns import CampaignJob, build_pool, run_campaign_job
from pipeline.services.oracles import lookup_oracle_from_csv
from pipeline.store import open_store
from surrogates.oracle import OracleResult
from surrogates.settings import CampaignSettings, SurrogateSettings


class SlowOracle:
    """A lookup oracle that takes ``seconds`` per molecule, like a (very) fast quantum step."""

    def __init__(self, path: Path, column: str, seconds: float = 0.2) -> None:
        self.inner = lookup_oracle_from_csv(path, column)
        self.seconds = seconds

    def evaluate(self, smiles: Sequence[str]) -> list[OracleResult]:
        time.sleep(self.seconds * len(smiles))
        return self.inner.evaluate(smiles)


def job_for(library: Path, lookup: Path, column: str, settings: Settings) -> CampaignJob:
    """The small campaign both the worker and the test's resume use."""
    store = open_store(settings)
    pool = build_pool(library, settings, store, triage=False)
    store.close()
    return CampaignJob(
        library=str(library),
        oracle=f"lookup:{lookup}",
        triage=False,
        pool=tuple(pool),
        campaign=CampaignSettings(
            target=column,
            maximize=True,
            init_size=6,
            batch_size=6,
            rounds=2,
            acquisition="ucb",
            seed=3,
        ),
        surrogate=SurrogateSettings(kind="rf", rf_n_trees=30),
    )


if __name__ == "__main__":
    home, library, lookup, column = sys.argv[1:5]
    seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 0.2
    settings = Settings(home=Path(home))
    job = job_for(Path(library), Path(lookup), column, settings)
    store = open_store(settings)
    run_campaign_job(
        settings, store, job=job, oracle_factory=lambda j: SlowOracle(Path(lookup), column, seconds)
    )

"""Train the two GNN triage filters with the default settings and ship their weights.

    python data/build_shipped_filters.py          # writes data/filters/{solubility,toxicity}/

The same training as ``qdp train-filters`` (seeded 80/10/10 split of the shipped ESOL and
Tox21 files); the weight folders and ``data/filters/shipped.json`` (their store rows: metrics,
quality gate, training-set hash, directory sha256) are what ``[triage] shipped_filters`` uses.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from pipeline.config import Settings
from pipeline.services.filters import train_filter
from pipeline.store import open_store

OUT = Path(__file__).resolve().parent / "filters"
COLUMNS = ("kind", "target", "n_train", "training_set_hash", "hyperparameters", "seed")


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home))
        store = open_store(settings)
        index = {}
        for target in ("solubility", "toxicity"):
            trained = train_filter(store, target, settings.models_dir, settings.gnn_training)
            record = trained.record
            if not record.metrics.get("accepted"):
                raise SystemExit(f"{target} filter below its bar: {record.metrics.get('gate')}")
            destination = OUT / target
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(record.path, destination)
            index[target] = {c: getattr(record, c) for c in COLUMNS} | {
                "metrics": record.metrics,
                "sha256": record.sha256,
                "model_key": f"shipped-{target}-{record.sha256[:16]}",
            }
            print(f"{target}: {record.metrics.get('gate')}")
        store.close()
    (OUT / "shipped.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

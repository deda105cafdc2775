"""GNN filter weights shipped with qdp (``data/filters/``), for a triage that has trained none.

``data/build_shipped_filters.py`` trains both filters with the default settings (the same
call as ``qdp train-filters``) and writes their weight folders and ``shipped.json`` (store
row, metrics, directory sha256). With ``[triage] shipped_filters = true`` (the demo's
setting), a store that holds no accepted model of a filter gets the shipped one: copied under
``models_dir``, its sha256 checked against ``shipped.json``, and registered as a model version
like a trained one (weights into the store too), so triage loads and verifies it the usual way.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from pipeline.paths import data_file
from pipeline.services.filters import FILTER_KIND
from pipeline.services.model_files import ModelIntegrityError, directory_sha256, register_model
from pipeline.store import Store

log = logging.getLogger(__name__)

SHIPPED_INDEX = "filters/shipped.json"


def shipped_index() -> dict[str, dict[str, Any]]:
    """``shipped.json``: per target (``solubility``, ``toxicity``) its store row."""
    return json.loads(data_file(SHIPPED_INDEX).read_text())


def register_shipped_filters(store: Store, models_dir: Path) -> dict[str, int]:
    """Register each shipped filter the store has no accepted model of; returns their ids.

    Raises:
        ModelIntegrityError: a shipped weight folder, or its copy under ``models_dir``,
            differs from its recorded sha256.
    """
    registered = {}
    for target, row in shipped_index().items():
        if store.latest_model(FILTER_KIND, target, accepted_only=True) is not None:
            continue
        source = data_file(f"filters/{target}")
        if directory_sha256(source) != row["sha256"]:
            raise ModelIntegrityError(
                f"shipped {target} filter weights in {source} differ from shipped.json: "
                "reinstall qdp or rebuild them (python data/build_shipped_filters.py)"
            )
        target_dir = models_dir / f"gnn-{target}-shipped-{row['sha256'][:12]}"
        if not target_dir.exists():
            models_dir.mkdir(parents=True, exist_ok=True)
            shutil.copytree(source, target_dir)
        record = register_model(store, row, target_dir)
        registered[target] = record.id
        log.info("registered the shipped %s filter as model version %d", target, record.id)
    return registered

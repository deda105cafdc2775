"""Prefect flows: thin wrappers that hand qdp's job drivers the Prefect executor.

Importing this package routes qdp's own log records (``pipeline``, ``molecules``,
``surrogates``) to the Prefect run logger, so warnings such as "GNN filters skipped" reach
the run's logs in the UI, and silences DeepChem's chatter about optional backends it lacks.
A user's own ``PREFECT_LOGGING_EXTRA_LOGGERS`` wins.
"""

from __future__ import annotations

import logging
import os

os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "pipeline,molecules,surrogates")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
logging.getLogger("deepchem").setLevel(logging.ERROR)

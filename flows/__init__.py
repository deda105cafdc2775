"""Prefect flows: thin wrappers that hand qdp's job drivers the Prefect executor.

Importing this package routes qdp's own log records (``pipeline``, ``molecules``,
``surrogates``) to the Prefect run logger, so warnings such as "GNN filters skipped" reach
the run's logs in the UI, makes the temporary server of a local run hold up under load
(:mod:`flows.local_server`) and silences third-party noise as the CLI does
(:func:`pipeline.quiet.silence_third_party`). A user's own environment variables win.
"""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "pipeline,molecules,surrogates")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import flows.local_server  # noqa: E402, F401  (sets its defaults, then imports Prefect)
from pipeline.quiet import silence_third_party  # noqa: E402

silence_third_party()

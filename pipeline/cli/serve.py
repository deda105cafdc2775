"""``qdp serve``: run the REST API with uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from pipeline.cli.common import ConfigOption, settings_from


def serve(
    config: ConfigOption = None,
    host: Annotated[str | None, typer.Option("--host", help="Bind address [api.host].")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port [api.port].")] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Server processes [api.workers].")
    ] = None,
) -> None:
    """Serve the REST API (predictions, stored results); OpenAPI docs at /docs."""
    import uvicorn

    from pipeline.api.app import compute_single_threaded, create_app

    settings = settings_from(config)
    workers = workers or settings.api.workers
    address = {"host": host or settings.api.host, "port": port or settings.api.port}
    if workers == 1:
        compute_single_threaded()
        uvicorn.run(create_app(settings), **address, log_level="warning")
        return
    if config is not None:  # worker processes load the same file through the environment
        os.environ["QDP_CONFIG"] = str(config.resolve())
    uvicorn.run(
        "pipeline.api.app:app_from_environment",
        factory=True,
        workers=workers,
        **address,
        log_level="warning",
    )

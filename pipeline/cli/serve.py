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
    from pipeline.api.guards import is_loopback, uvicorn_options

    settings = settings_from(config)
    workers = workers or settings.api.workers
    bind = host or settings.api.host
    address = {"host": bind, "port": port or settings.api.port}
    if not is_loopback(bind):
        if settings.api_token is None:
            typer.echo(
                f"qdp: warning: serving on {bind} without a bearer token: anyone "
                "who can reach this port can use the API (set QDP_API_TOKEN)",
                err=True,
            )
        if all(is_loopback(h) for h in settings.api.allowed_hosts):
            typer.echo(
                "qdp: warning: api.allowed_hosts lists loopback names only: requests naming "
                "this machine get 400 (set QDP_API__ALLOWED_HOSTS='[\"name\"]')",
                err=True,
            )
    options = {**address, **uvicorn_options(settings.api.timeout_seconds), "log_level": "warning"}
    if workers == 1:
        compute_single_threaded()
        uvicorn.run(create_app(settings), **options)
        return
    if config is not None:  # worker processes load the same file through the environment
        os.environ["QDP_CONFIG"] = str(config.resolve())
    uvicorn.run("pipeline.api.app:app_from_environment", factory=True, workers=workers, **options)

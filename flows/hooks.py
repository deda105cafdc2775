"""Flow-run state hooks: a failed or crashed run of a qdp flow is said loudly, once.

The hook logs the failure and, when ``[flows] failure_notification_block`` names a Prefect
notification block (Slack, e-mail, a custom webhook, ... created in the UI or with
``prefect block create``), sends it there too.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("flows.hooks")


def failure_message(flow_name: str, flow_run: Any, state: Any) -> str:
    """One line: which run of which flow ended how, and why."""
    return (
        f"qdp flow {flow_name!r} run {flow_run.name} ({flow_run.id}) ended "
        f"{state.type.value}: {state.message or 'no message'}"
    )


def notify_failure(flow: Any, flow_run: Any, state: Any) -> None:
    """``on_failure``/``on_crashed`` hook of every qdp flow."""
    message = failure_message(flow.name, flow_run, state)
    log.error(message)
    block_name = _block_name(flow_run)
    if block_name is None:
        return
    from prefect.blocks.core import Block

    try:
        block = Block.load(block_name)
        block.notify(body=message, subject=f"qdp flow {flow.name} failed")  # type: ignore[attr-defined]
    except Exception as exc:  # a broken notification must not hide the failure itself
        log.error("could not send the failure notification %r: %s", block_name, exc)


def _block_name(flow_run: Any) -> str | None:
    from pipeline.config import load_settings

    ref = (flow_run.parameters or {}).get("settings_ref") or {}
    params = (flow_run.parameters or {}).get("params") or {}
    config = (ref or params.get("settings_ref") or {}).get("config")
    try:
        return load_settings(config).flows.failure_notification_block
    except Exception:
        return None

"""The failure hook's notification path: a failed flow run whose settings name a Prefect
notification block sends its one-line message through that block — here a real
``CustomWebhookNotificationBlock`` saved on the test server, posting to a loopback HTTP server
started by the test — and a block that cannot be loaded is logged, never raised."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from flows.settings_param import SettingsRef

BAD_SMARTS = '[triage]\nrequire_smarts = ["[C"]\n'  # refused before any work: the run fails


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A loopback HTTP server; yields its URL and the JSON bodies POSTed to it."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/qdp-failures", received
    finally:
        server.shutdown()
        server.server_close()


def _failing_triage(tmp_path: Path, flows: str) -> None:
    """Run ``triage_flow`` with settings it refuses (and ``flows``, a ``[flows]`` table)."""
    from flows.triage import triage_flow
    from molecules.errors import FilterConfigError

    library = tmp_path / "lib.smi"
    library.write_text("CCO ethanol\n")
    config = tmp_path / "qdp.toml"
    config.write_text(f'home = "{tmp_path / ".qdp"}"\n{BAD_SMARTS}[flows]\n{flows}')
    with pytest.raises(FilterConfigError, match="SMARTS"):
        triage_flow(str(library), SettingsRef(config=str(config)))


@pytest.mark.usefixtures("prefect_harness")
def test_a_failed_flow_run_notifies_the_configured_block(
    tmp_path: Path, webhook: tuple[str, list[dict[str, Any]]]
) -> None:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    url, received = webhook
    block = CustomWebhookNotificationBlock(
        name="qdp", url=url, json_data={"subject": "{{subject}}", "text": "{{body}}"}
    )
    block.save("qdp-failures", overwrite=True)
    _failing_triage(tmp_path, 'failure_notification_block = "custom-webhook/qdp-failures"\n')
    assert len(received) == 1, received  # once, for the one failed run
    [message] = received
    assert message["subject"] == "qdp flow triage failed"
    assert message["text"].startswith("qdp flow 'triage' run ")
    assert "FAILED" in message["text"] and "SMARTS" in message["text"]


@pytest.mark.usefixtures("prefect_harness")
def test_a_missing_notification_block_is_logged_not_raised(
    tmp_path: Path, hook_messages: list[str]
) -> None:
    _failing_triage(tmp_path, 'failure_notification_block = "custom-webhook/no-such"\n')
    said = hook_messages
    assert "FAILED" in said[0] and "SMARTS" in said[0]  # the failure itself, first
    assert len(said) == 2 and "could not send the failure notification" in said[1], said

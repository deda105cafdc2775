"""``energy_flow`` under the Prefect harness: the concurrency limit is created when missing and
never reset, results match CASCI, a rerun reuses the store, a bad molecule is a reported
failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings_param import SettingsRef


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_energy_flow_limits_reuse_and_failures(tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    from flows.energy import energy_flow
    from flows.limits import QUANTUM_LIMIT, ensure_concurrency_limit, read_concurrency_limit

    ensure_concurrency_limit("qdp-test-fresh-limit", 1)
    assert read_concurrency_limit("qdp-test-fresh-limit") == 1  # created when missing
    with get_client(sync_client=True) as client:  # an operator's setting
        client.upsert_global_concurrency_limit_by_name(QUANTUM_LIMIT, 3)

    config = tmp_path / "qdp.toml"
    config.write_text(
        f'home = "{tmp_path / ".qdp"}"\n[quantum]\nactive_electrons = 2\n'
        "active_orbitals = 2\n[flows]\nquantum_concurrency = 1\n"
    )
    ref = SettingsRef(config=str(config))
    first = energy_flow(["C", "N", "not-a-molecule"], ref, properties=False)
    assert read_concurrency_limit(QUANTUM_LIMIT) == 3  # the flow's 1 did not reset it
    methane, ammonia, bad = first
    for result in (methane, ammonia):
        assert abs(result["error_mha"]) < 1.6 and result["reused"] is False
    assert "error" in bad and "not-a-molecule" in bad["error"]
    again = energy_flow(["C"], ref, properties=False)
    assert again[0]["reused"] is True
    assert again[0]["energy_hartree"] == methane["energy_hartree"]

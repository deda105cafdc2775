"""The REST API over real HTTP on loopback."""

from __future__ import annotations

import httpx
from live_api import TOKEN, LiveApi


def test_predict_valid_and_invalid_items(live_api: LiveApi) -> None:
    body = {"smiles": ["CCO", "not-a-smiles", "c1ccccc1O", ""]}
    response = httpx.post(f"{live_api.url}/v1/predict", json=body)
    assert response.status_code == 200
    payload = response.json()
    assert payload["model_version"] == live_api.model_id
    assert payload["target"] == "log_solubility"
    ethanol, broken, phenol, empty = payload["items"]
    assert ethanol["smiles"] == "CCO" and ethanol["std"] >= 0 and "error" not in ethanol
    assert -3.0 < ethanol["mean"] < 2.0  # ethanol is miscible: logS well above the ESOL median
    assert broken["error"] == "invalid SMILES" and "mean" not in broken
    assert phenol["mean"] is not None
    assert empty["error"] == "empty SMILES"


def test_novelty_flag_far_from_training(live_api: LiveApi) -> None:
    response = httpx.post(
        f"{live_api.url}/v1/predict", json={"smiles": ["[Si](C)(C)(C)C", "CC(C)Cl"]}
    )
    silane, chloride = response.json()["items"]
    assert silane["novel"] is True and silane["nearest_tanimoto"] < 0.3


def test_request_limits_are_422_not_500(live_api: LiveApi) -> None:
    too_many = httpx.post(f"{live_api.url}/v1/predict", json={"smiles": ["C"] * 1001})
    assert too_many.status_code == 422
    too_long = httpx.post(f"{live_api.url}/v1/predict", json={"smiles": ["C" * 501]})
    assert too_long.status_code == 422
    empty = httpx.post(f"{live_api.url}/v1/predict", json={"smiles": []})
    assert empty.status_code == 422
    unknown_model = httpx.post(
        f"{live_api.url}/v1/predict", json={"smiles": ["C"], "model_version": 999}
    )
    assert unknown_model.status_code == 404


def test_models_molecules_campaigns(live_api: LiveApi) -> None:
    models = httpx.get(f"{live_api.url}/v1/models").json()
    assert [m["id"] for m in models] == [live_api.model_id]
    assert models[0]["kind"] == "rf" and len(models[0]["sha256"]) == 64

    inchikey = "LFQSCWFLJHTTHZ-UHFFFAOYSA-N"
    assert httpx.get(f"{live_api.url}/v1/molecules/{inchikey}").status_code == 404
    live_api.store.upsert_molecules([{"inchikey": inchikey, "smiles": "CCO", "name": "ethanol"}])
    live_api.store.put_calculation(
        {
            "subject_key": inchikey,
            "inchikey": inchikey,
            "settings_hash": "h",
            "status": "ok",
            "energy_hartree": -152.1,
        }
    )
    molecule = httpx.get(f"{live_api.url}/v1/molecules/{inchikey}").json()
    assert molecule["name"] == "ethanol"
    assert molecule["calculations"][0]["energy_hartree"] == -152.1

    assert httpx.get(f"{live_api.url}/v1/campaigns/nope").status_code == 404
    live_api.store.create_campaign("camp-1", {"acquisition": "ucb"})
    live_api.store.record_evaluation("camp-1", "CCO", 0, 0.5)
    campaign = httpx.get(f"{live_api.url}/v1/campaigns/camp-1").json()
    assert campaign["evaluated"] == [{"smiles": "CCO", "round": 0, "value": 0.5, "error": None}]


def test_bearer_token(live_api_with_token: LiveApi) -> None:
    url = f"{live_api_with_token.url}/v1/predict"
    assert httpx.post(url, json={"smiles": ["C"]}).status_code == 401
    wrong = httpx.post(url, json={"smiles": ["C"]}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = httpx.post(url, json={"smiles": ["C"]}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status_code == 200
    assert httpx.get(f"{live_api_with_token.url}/v1/health").status_code == 200

"""The quantum step as a campaign oracle: computed through the store beside CASCI, reused, a
bad molecule a recorded failure; the driver's picklable handle works in another process; and
SMILES reach the quantum step by the one SMILES → 3D path."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from pipeline.config import Settings
from pipeline.quantum.geometry import MoleculeInput, resolve_geometry
from pipeline.quantum.settings import QuantumSettings
from pipeline.services.energies import request_for_smiles
from pipeline.services.oracles import OracleRef
from pipeline.services.vqe_oracle import VQEOracle
from pipeline.store import open_store

SMALL = QuantumSettings(active_electrons=2, active_orbitals=2)


def test_vqe_oracle_computes_reuses_and_records_failures(settings: Settings) -> None:
    store = open_store(settings)
    oracle = VQEOracle(store, SMALL, "energy_hartree", settings.triage)
    methane, bad = oracle.evaluate(["C", "not-a-molecule("])
    assert methane.ok and methane.value is not None and bad.error and "not-a-molecule" in bad.error
    (calculation,) = store.calculations_for(
        request_for_smiles(store, "C", settings.triage).inchikey
    )
    assert calculation.status == "ok" and calculation.energy_hartree == methane.value
    assert abs(calculation.energy_hartree - calculation.reference_energy_hartree) < 1.6e-3
    assert calculation.energy_hartree <= calculation.hf_energy_hartree + 1e-9
    again = oracle.evaluate(["C"])[0]  # from the store: the same number, nothing new stored
    assert again.value == methane.value
    assert len(store.calculations_for(calculation.inchikey)) == 1
    store.close()


@pytest.mark.slow
def test_oracle_ref_runs_in_a_worker_process_against_the_same_store(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(home=tmp_path / ".qdp", quantum=SMALL)
    ref = OracleRef("vqe", "energy_hartree", settings)
    assert pickle.loads(pickle.dumps(ref)) == ref
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        (remote,) = pool.submit(ref.evaluate, ["O"]).result()
    (local,) = OracleRef("vqe", "energy_hartree", settings).evaluate(["O"])  # reused, not rerun
    assert remote.value == local.value
    store = open_store(settings)
    inchikey = request_for_smiles(store, "O", settings.triage).inchikey
    assert len(store.calculations_for(inchikey)) == 1
    store.close()


def test_smiles_geometry_is_the_stored_conformer(settings: Settings) -> None:
    """The Python API (MoleculeInput(smiles=...)) and `qdp energy --smiles` (the store's
    conformer) compute on the same coordinates."""
    store = open_store(settings)
    request = request_for_smiles(store, "CC(=O)N", settings.triage)
    store.close()
    from_store, _ = resolve_geometry(request.molecule)
    from_api, _ = resolve_geometry(MoleculeInput(smiles="CC(=O)N"))
    assert from_api == from_store


def test_a_library_failure_is_the_molecules_a_store_failure_stops(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np
    from sqlalchemy.exc import OperationalError

    import pipeline.services.vqe_oracle as vqe_oracle

    store = open_store(settings)
    oracle = VQEOracle(store, SMALL, "energy_hartree", settings.triage)

    def singular(*_args: object, **_kwargs: object) -> None:
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(vqe_oracle, "get_or_compute_energy", singular)
    (result,) = oracle.evaluate(["C"])
    assert result.error == "unexpected LinAlgError: Singular matrix"

    def store_down(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(vqe_oracle, "get_or_compute_energy", store_down)
    with pytest.raises(OperationalError):
        oracle.evaluate(["C"])
    store.close()

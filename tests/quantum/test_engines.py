"""The fast CI-vector engine and the Cirq/qsim circuit give the same energy (1e-8 Ha)."""

from __future__ import annotations

import cirq
import numpy as np
import pytest
from quantum.cases import H2O, active_hamiltonian

from pipeline.quantum.ansatz import build_ansatz
from pipeline.quantum.circuits import ansatz_circuit
from pipeline.quantum.engines.ci_vector import CIVectorEngine, CompiledAnsatz
from pipeline.quantum.engines.cirq_engine import CirqEngine

ANSATZE = ["uccsd", "kupccgsd", "hea"]


def _random_theta(n: int, seed: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-np.pi, np.pi, n)


def _compare(n_el: int, n_orb: int, name: str, mapping: str = "jordan_wigner") -> None:
    ham, nelec = active_hamiltonian(H2O, n_el, n_orb)
    ansatz = build_ansatz(name, ham, nelec, kupccgsd_layers=1, hea_layers=2)
    theta = _random_theta(ansatz.n_parameters)
    fast = CompiledAnsatz(CIVectorEngine(ham, nelec), ansatz).energy(theta)
    slow = CirqEngine(ham, ansatz, mapping=mapping).energy(theta)  # type: ignore[arg-type]
    assert fast == pytest.approx(slow, abs=1e-8)


@pytest.mark.parametrize("name", ANSATZE)
def test_engines_agree_8_qubits(name: str) -> None:
    _compare(4, 4, name)


@pytest.mark.parametrize("name", ANSATZE)
def test_engines_agree_8_qubits_bravyi_kitaev(name: str) -> None:
    _compare(4, 4, name, "bravyi_kitaev")


@pytest.mark.slow
@pytest.mark.parametrize("name", ANSATZE)
def test_engines_agree_12_qubits(name: str) -> None:
    _compare(8, 6, name)


def test_qsim_agrees_to_single_precision() -> None:
    ham, nelec = active_hamiltonian(H2O, 4, 4)
    ansatz = build_ansatz("uccsd", ham, nelec)
    theta = _random_theta(ansatz.n_parameters)
    fast = CompiledAnsatz(CIVectorEngine(ham, nelec), ansatz).energy(theta)
    assert CirqEngine(ham, ansatz, backend="qsim").energy(theta) == pytest.approx(fast, abs=1e-5)


def test_adjoint_gradient_matches_finite_differences() -> None:
    ham, nelec = active_hamiltonian(H2O, 4, 4)
    ansatz = build_ansatz("uccsd", ham, nelec)
    compiled = CompiledAnsatz(CIVectorEngine(ham, nelec), ansatz)
    theta = _random_theta(ansatz.n_parameters, seed=5) * 0.2
    _, grad = compiled.energy_and_gradient(theta)
    step = 1e-5
    for k in range(ansatz.n_parameters):
        e = np.zeros_like(theta)
        e[k] = step
        fd = (compiled.energy(theta + e) - compiled.energy(theta - e)) / (2 * step)
        assert grad[k] == pytest.approx(fd, abs=1e-7)


def test_circuit_is_parameterized_and_json_round_trips() -> None:
    ham, nelec = active_hamiltonian(H2O, 4, 4)
    ansatz = build_ansatz("uccsd", ham, nelec)
    circuit = ansatz_circuit(ansatz)
    assert cirq.is_parameterized(circuit)
    assert len(cirq.parameter_names(circuit)) == ansatz.n_parameters
    restored = cirq.read_json(json_text=cirq.to_json(circuit))
    theta = _random_theta(ansatz.n_parameters)
    resolver = {f"theta_{k}": float(x) for k, x in enumerate(theta)}
    sim = cirq.Simulator(dtype=np.complex128)
    qubits = cirq.LineQubit.range(ansatz.n_qubits)
    a = sim.simulate(circuit, resolver, qubit_order=qubits).final_state_vector
    b = sim.simulate(restored, resolver, qubit_order=qubits).final_state_vector
    np.testing.assert_allclose(a, b, atol=1e-12)


def test_engine_rejects_ansatz_of_another_sector() -> None:
    ham, nelec = active_hamiltonian(H2O, 4, 4)
    ansatz = build_ansatz("uccsd", ham, nelec)
    with pytest.raises(ValueError, match="does not match"):
        CompiledAnsatz(CIVectorEngine(ham, (3, 2)), ansatz)

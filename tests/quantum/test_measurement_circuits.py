"""Compact excitation circuits and device resource estimates (pipeline.quantum.measurement)."""

from __future__ import annotations

import cirq
import numpy as np
import openfermion as of
import pytest
import scipy.sparse.linalg as sla
from quantum.cases import H2, H2O, active_hamiltonian

from pipeline.quantum.ansatz import build_ansatz
from pipeline.quantum.circuits import ansatz_circuit, circuit_stats
from pipeline.quantum.engines.ci_vector import CIVectorEngine, CompiledAnsatz
from pipeline.quantum.excitations import Excitation, double, single
from pipeline.quantum.hamiltonian import qubit_hamiltonian
from pipeline.quantum.measurement.compile import (
    compiled_ansatz_circuit,
    excitation_operations,
    jordan_wigner_string,
    to_gateset,
)
from pipeline.quantum.measurement.grouping import group_hamiltonian
from pipeline.quantum.measurement.resources import estimate_resources, grid_shape
from pipeline.quantum.measurement.sampling import measured_distributions


def _two_qubit(circuit: cirq.Circuit) -> int:
    return sum(1 for op in circuit.all_operations() if len(op.qubits) == 2)


@pytest.mark.parametrize(
    "exc",
    [
        single(0, 2, 0),
        single(0, 2, 1),
        double(0, 0, 0, 1, 1, 0, 2, 1),
        double(0, 0, 0, 1, 2, 0, 1, 1),
        Excitation((4, 5), (1, 0)),
        Excitation((1, 4), (5, 0)),
        Excitation((5, 2), (0, 3)),
    ],
)
def test_excitation_circuit_is_the_exponential_of_its_generator(exc: Excitation) -> None:
    n, theta = 6, 0.437
    qubits = cirq.LineQubit.range(n)
    generator = of.get_sparse_operator(of.jordan_wigner(exc.generator()), n_qubits=n)
    expected = sla.expm(theta * generator.toarray())
    got = cirq.Circuit(excitation_operations(exc, qubits, theta)).unitary(qubit_order=qubits)
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_cnot_count_of_one_double_excitation() -> None:
    exc = double(0, 0, 0, 1, 2, 0, 3, 1)  # spin orbitals (1, 0) -> (4, 7): JW string {5, 6}
    assert jordan_wigner_string(exc) == [5, 6]
    ops = excitation_operations(exc, cirq.LineQubit.range(8), 0.1)
    assert _two_qubit(cirq.Circuit(ops)) == 14 + 2 * 2
    old = ansatz_circuit(build_ansatz("uccsd", *active_hamiltonian(H2, 2, 2)))
    assert circuit_stats(old).two_qubit_gates == 64


def test_compiled_uccsd_circuit_gives_the_sector_engine_energy(h2o_8q) -> None:  # type: ignore[no-untyped-def]
    ham, nelec = h2o_8q
    ansatz = build_ansatz("uccsd", ham, nelec)
    theta = np.random.default_rng(5).uniform(-1.0, 1.0, ansatz.n_parameters)
    fast = CompiledAnsatz(CIVectorEngine(ham, nelec), ansatz).energy(theta)
    qubits = cirq.LineQubit.range(ansatz.n_qubits)
    circuit = compiled_ansatz_circuit(ansatz, theta)
    for c in (circuit, to_gateset(circuit, "cz"), to_gateset(circuit, "sqrt_iswap")):
        psi = cirq.Simulator(dtype=np.complex128).simulate(c, qubit_order=qubits)
        state = np.asarray(psi.final_state_vector)
        h = of.get_sparse_operator(qubit_hamiltonian(ham), n_qubits=ansatz.n_qubits)
        assert float(np.real(np.vdot(state, h @ state))) == pytest.approx(fast, abs=1e-8)
    # Before/after (issue 14): CAS(4,4) UCCSD, Pauli gadgets 1,312 CNOTs; compact 372.
    assert circuit_stats(ansatz_circuit(ansatz)).two_qubit_gates == 1312
    assert _two_qubit(circuit) == 372
    assert _two_qubit(to_gateset(circuit, "cz")) == 372


def test_resources_of_h2_are_pinned() -> None:
    ham, nelec = active_hamiltonian(H2, 2, 2)
    ansatz = build_ansatz("uccsd", ham, nelec)
    theta = np.full(ansatz.n_parameters, 0.1)
    circuit = compiled_ansatz_circuit(ansatz, theta)
    grouped = group_hamiltonian(qubit_hamiltonian(ham), 4)
    dists = measured_distributions(circuit, grouped.groups, cirq.LineQubit.range(4))
    res = estimate_resources(circuit, grouped, dists, gateset="cz")
    again = estimate_resources(circuit, grouped, dists, gateset="cz")
    assert res == again  # routing is deterministic
    assert (res.qubits, res.grid_rows, res.grid_columns) == (4, 2, 2)
    assert (res.pauli_terms, res.measurement_groups) == (14, 5)
    assert res.logical_two_qubit_gates == _two_qubit(circuit) == 26
    assert res.routed_two_qubit_gates == res.logical_two_qubit_gates + 3 * res.swaps_inserted
    assert res.one_norm_hartree == pytest.approx(1.8850505, abs=1e-6)
    assert res.shots_bound_ungrouped == int(np.ceil(res.one_norm_hartree**2 / 1.6e-3**2))
    assert res.shots_grouped <= res.shots_ungrouped <= res.shots_bound_ungrouped
    assert grid_shape(8) == (2, 4) and grid_shape(12) == (3, 4)


def test_unknown_gateset_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown gate set"):
        to_gateset(cirq.Circuit(), "cnot")


@pytest.mark.parametrize("geometry", [H2O])
def test_ansatz_order_matters_and_is_kept(geometry: str) -> None:
    # kUpCCGSD reuses excitations in several layers: the compiled circuit must follow the
    # ansatz order exactly (a different state otherwise).
    ham, nelec = active_hamiltonian(geometry, 4, 4)
    ansatz = build_ansatz("kupccgsd", ham, nelec, kupccgsd_layers=2)
    theta = np.random.default_rng(2).uniform(-1.0, 1.0, ansatz.n_parameters)
    fast = CompiledAnsatz(CIVectorEngine(ham, nelec), ansatz).energy(theta)
    qubits = cirq.LineQubit.range(8)
    state = cirq.final_state_vector(
        compiled_ansatz_circuit(ansatz, theta), qubit_order=qubits, dtype=np.complex128
    )
    h = of.get_sparse_operator(qubit_hamiltonian(ham), n_qubits=8)
    assert float(np.real(np.vdot(state, h @ state))) == pytest.approx(fast, abs=1e-8)

"""Shots, noise and mitigation of pipeline.quantum.measurement, against exact values (Hartree)."""

from __future__ import annotations

import itertools
from functools import cache

import cirq
import numpy as np
import openfermion as of
import pytest
from pydantic import ValidationError
from quantum.cases import H2, active_hamiltonian

from pipeline.quantum.hamiltonian import casci_energy, qubit_hamiltonian
from pipeline.quantum.measurement.backend import BackendError, check_backend, evaluate_backend
from pipeline.quantum.measurement.compile import compiled_ansatz_circuit, to_gateset
from pipeline.quantum.measurement.density import noisy_density_matrix
from pipeline.quantum.measurement.grouping import group_hamiltonian
from pipeline.quantum.measurement.mitigation import (
    calibrate_readout,
    extrapolate_to_zero,
    fold_global,
    richardson_coefficients,
    sector_mask,
)
from pipeline.quantum.measurement.noise import GateNoiseModel, NoiseSpec, confusion_matrix
from pipeline.quantum.measurement.sampling import (
    allocate_shots,
    energy_estimate,
    exact_group_energy,
    group_estimate,
    measured_distributions,
    sample_counts,
)
from pipeline.quantum.settings import QuantumSettings
from pipeline.quantum.solver import solve_sector

QUBITS = cirq.LineQubit.range(4)


@cache
def _h2():  # type: ignore[no-untyped-def]
    """H2 CAS(2,2): grouped Hamiltonian, optimised circuit, exact energy (CASCI)."""
    ham, nelec = active_hamiltonian(H2, 2, 2)
    solution = solve_sector(ham, nelec, QuantumSettings(active_electrons=2, active_orbitals=2))
    circuit = compiled_ansatz_circuit(solution.ansatz, solution.vqe.parameters)
    grouped = group_hamiltonian(qubit_hamiltonian(ham), 4)
    return ham, solution, circuit, grouped, casci_energy(ham, nelec)[0]


def test_groups_cover_every_term_once_and_commute_qubitwise(h2o_8q) -> None:  # type: ignore[no-untyped-def]
    op = qubit_hamiltonian(h2o_8q[0])
    grouped = group_hamiltonian(op, 8)
    seen = [t for g in grouped.groups for _, t in g.terms]
    expected = [t for t, c in op.terms.items() if t and abs(c) > 1e-12]
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    rebuilt = of.QubitOperator((), grouped.constant_hartree)
    for g in grouped.groups:
        for coeff, term in g.terms:
            rebuilt += of.QubitOperator(term, coeff)
            assert all(g.basis[q] == p for q, p in term)  # measured in its group's basis
        for (_, a), (_, b) in itertools.combinations(g.terms, 2):
            da, db = dict(a), dict(b)
            assert all(da[q] == db[q] for q in da.keys() & db.keys())
    assert (rebuilt - op).induced_norm() < 1e-10
    assert grouped.groups[0].computational and len(grouped.groups) < len(expected)


def test_grouping_refuses_what_is_not_a_qubit_operator() -> None:
    with pytest.raises(TypeError):
        group_hamiltonian(of.FermionOperator("0^ 0"), 2)  # type: ignore[arg-type]


def test_exact_group_distributions_give_the_vqe_energy() -> None:
    _, solution, circuit, grouped, _ = _h2()
    dists = measured_distributions(circuit, grouped.groups, QUBITS)
    assert exact_group_energy(grouped, dists) == pytest.approx(solution.energy_hartree, abs=1e-10)


def test_sampled_estimator_is_unbiased_with_honest_error_bars() -> None:
    _, _, circuit, grouped, exact = _h2()
    dists = measured_distributions(circuit, grouped.groups, QUBITS)
    shots = allocate_shots(grouped.groups, 20_000)
    assert shots.sum() == 20_000 and shots.min() >= 1
    rng = np.random.default_rng(7)
    runs = [energy_estimate(grouped, sample_counts(dists, shots, rng)) for _ in range(40)]
    values = np.array([r.value_hartree for r in runs])
    sigma = np.mean([r.standard_error_hartree for r in runs])
    assert abs(values.mean() - exact) < 3 * sigma / np.sqrt(len(runs))
    assert 0.6 < values.std(ddof=1) / sigma < 1.5  # the reported σ is the real scatter


def test_readout_mitigation_recovers_the_exact_value_under_readout_noise() -> None:
    _, _, circuit, grouped, exact = _h2()
    noise = NoiseSpec(readout=0.05)
    dists = measured_distributions(circuit, grouped.groups, QUBITS, noise)
    true = [confusion_matrix(0.05, 0.05)] * 4
    # Infinite shots: exact inversion.
    mitigated = energy_estimate(grouped, [p * 1e12 for p in dists], confusion=true)
    assert mitigated.value_hartree == pytest.approx(exact, abs=1e-8)
    # Finite shots with calibrated matrices: within σ; the raw value is far off.
    rng = np.random.default_rng(3)
    counts = sample_counts(dists, allocate_shots(grouped.groups, 400_000), rng)
    confusion = calibrate_readout(QUBITS, noise, 200_000, rng)
    raw = energy_estimate(grouped, counts)
    fixed = energy_estimate(grouped, counts, confusion=confusion)
    assert abs(fixed.value_hartree - exact) < fixed.standard_error_hartree
    assert abs(raw.value_hartree - exact) > 10 * raw.standard_error_hartree


def test_post_selection_drops_exactly_the_wrong_sector_bitstrings() -> None:
    mask = sector_mask(4, (1, 1))
    kept = {format(b, "04b") for b in np.flatnonzero(mask)}
    assert kept == {"1100", "1001", "0110", "0011"}  # one alpha (even) and one beta (odd) bit
    values = np.arange(16, dtype=float)
    counts = np.full(16, 1000)
    mean, _ = group_estimate(counts, values, keep=mask)
    assert mean == pytest.approx(np.mean([int(k, 2) for k in kept]))
    with pytest.raises(ValueError, match="rejected every shot"):
        group_estimate(np.where(mask == 1, 0, 5), values, keep=mask)


def test_density_matrix_equals_cirq_density_matrix_simulator() -> None:
    _, _, circuit, _, _ = _h2()
    native = to_gateset(circuit, "cz")
    spec = NoiseSpec(depolarizing_1q=0.01, depolarizing_2q=0.05, amplitude_damping=0.02)
    ours = noisy_density_matrix(native, QUBITS, spec)
    sim = cirq.DensityMatrixSimulator(noise=GateNoiseModel(spec), dtype=np.complex128)
    theirs = sim.simulate(native, qubit_order=QUBITS).final_density_matrix
    np.testing.assert_allclose(ours, theirs, atol=1e-10)


def test_folding_keeps_the_state_and_richardson_is_exact_on_polynomials() -> None:
    _, _, circuit, _, _ = _h2()
    native = to_gateset(circuit, "cz")
    a = cirq.final_state_vector(native, qubit_order=QUBITS, dtype=np.complex128)
    b = cirq.final_state_vector(fold_global(native, 5), qubit_order=QUBITS, dtype=np.complex128)
    assert abs(np.vdot(a, b)) == pytest.approx(1.0, abs=1e-10)
    scales = [1, 3, 5]
    values = [2.0 - 0.3 * x + 0.05 * x**2 for x in scales]
    assert extrapolate_to_zero(scales, values, [0.0] * 3)[0] == pytest.approx(2.0, abs=1e-12)
    assert richardson_coefficients(scales) == pytest.approx([15 / 8, -10 / 8, 3 / 8])
    line = [1.0 + 0.5 * x for x in scales]
    assert extrapolate_to_zero(scales, line, [0.0] * 3, "linear")[0] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        fold_global(native, 2)


def test_zne_moves_a_depolarised_energy_toward_exact() -> None:
    _, _, circuit, grouped, exact = _h2()
    native = to_gateset(circuit, "cz")
    noise = NoiseSpec(depolarizing_2q=0.01)
    energies = [
        exact_group_energy(
            grouped, measured_distributions(fold_global(native, k), grouped.groups, QUBITS, noise)
        )
        for k in (1, 3, 5)
    ]
    zne, _ = extrapolate_to_zero([1, 3, 5], energies, [0.0] * 3)
    assert energies[0] - exact > 5e-3  # depolarising raises the energy by mHa
    assert abs(zne - exact) < 0.2 * abs(energies[0] - exact)


def test_noisy_backend_reports_every_mitigation_step() -> None:
    ham, solution, _, _, exact = _h2()
    settings = QuantumSettings(
        active_electrons=2, active_orbitals=2, backend="noisy", shots=200_000
    )
    ev = evaluate_backend(ham, solution.ansatz, solution.vqe.parameters, settings)
    assert ev is not None
    names = [s.name for s in ev.steps]
    assert names == ["unmitigated", "readout", "readout+postselection", "readout+postselection+zne"]
    errors = [abs(s.energy_hartree - exact) for s in ev.steps]
    assert errors[-1] < errors[0] / 3
    assert ev.steps[-1].shots == 3 * 200_000 + 2 * settings.readout_calibration_shots
    sampled = evaluate_backend(
        ham,
        solution.ansatz,
        solution.vqe.parameters,
        settings.model_copy(update={"backend": "sampled"}),
    )
    assert sampled is not None
    assert abs(sampled.energy_hartree - exact) < 4 * sampled.standard_error_hartree


@pytest.mark.parametrize(
    "bad",
    [
        {"shots": 0},
        {"shots": -5},
        {"noise_depolarizing_2q": 1.5},
        {"noise_readout": -0.01},
        {"noise_amplitude_damping": 2.0},
        {"zne_scale_factors": (1, 2)},
        {"zne_scale_factors": (3, 5)},
        {"backend": "ibm"},
    ],
)
def test_bad_backend_settings_are_refused(bad: dict) -> None:
    with pytest.raises(ValidationError):
        QuantumSettings(**bad)


def test_backend_refuses_more_qubits_than_it_can_simulate() -> None:
    check_backend(QuantumSettings(backend="noisy", active_orbitals=5))  # 10 qubits: fine
    with pytest.raises(BackendError, match="at most 10 qubits"):
        check_backend(QuantumSettings(backend="noisy", active_electrons=6, active_orbitals=6))
    with pytest.raises(BackendError, match="jordan_wigner"):
        check_backend(QuantumSettings(backend="sampled", mapping="bravyi_kitaev"))
    check_backend(QuantumSettings(backend="exact", active_orbitals=12))


def test_compute_energy_refuses_the_backend_before_any_work(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pipeline.quantum import calculation

    def boom(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("work started")

    monkeypatch.setattr(calculation, "build_mole", boom)
    settings = QuantumSettings(backend="noisy", active_electrons=6, active_orbitals=6)
    with pytest.raises(BackendError):
        calculation.compute_energy(H2, settings)


def test_distributions_are_what_cirq_run_samples() -> None:
    # Same bit order and basis changes as a real measurement: cirq.Simulator.run histograms.
    from pipeline.quantum.measurement.sampling import basis_change

    _, _, circuit, grouped, _ = _h2()
    dists = measured_distributions(circuit, grouped.groups, QUBITS)
    reps = 20_000
    for group, p in zip(grouped.groups, dists, strict=True):
        run = cirq.Circuit(
            circuit, basis_change(group.basis, QUBITS), cirq.measure(*QUBITS, key="m")
        )
        bits = cirq.Simulator(seed=11).run(run, repetitions=reps).measurements["m"]
        index = bits @ (1 << np.arange(3, -1, -1))
        freq = np.bincount(index, minlength=16) / reps
        assert np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / reps) + 1e-3)

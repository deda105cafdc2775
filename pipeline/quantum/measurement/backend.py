"""Evaluate the optimised ansatz circuit on a chosen backend (protocol: optimise exactly,
then measure the final circuit with shots and noise, as a device run would).

* ``exact``: nothing more (the fast engine's energy stands);
* ``statevector``: the compact circuit simulated by Cirq, energy from the exact
  distributions of the measurement groups (no shots);
* ``sampled``: ``shots`` measurements spread over the groups by weight; estimate ± σ;
* ``noisy``: the circuit compiled to the native gate set under :class:`GateNoiseModel`
  (density matrix) with readout error; reports the raw estimate, then readout mitigation,
  + symmetry post-selection, + zero-noise extrapolation, each with its σ and shots.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import cirq
import numpy as np

from pipeline.quantum.errors import QuantumError
from pipeline.quantum.excitations import Ansatz
from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian, qubit_hamiltonian
from pipeline.quantum.measurement.compile import compiled_ansatz_circuit, to_gateset
from pipeline.quantum.measurement.grouping import GroupedHamiltonian, group_hamiltonian
from pipeline.quantum.measurement.mitigation import (
    calibrate_readout,
    extrapolate_to_zero,
    fold_global,
    sector_mask,
)
from pipeline.quantum.measurement.noise import NoiseSpec
from pipeline.quantum.measurement.resources import ResourceEstimate, estimate_resources
from pipeline.quantum.measurement.sampling import (
    allocate_shots,
    energy_estimate,
    exact_group_energy,
    measured_distributions,
    sample_counts,
)
from pipeline.quantum.settings import QuantumSettings


class BackendError(QuantumError):
    """The requested backend cannot run this calculation (qubits, mapping, shots)."""

    exit_code = 2


@dataclass(frozen=True)
class MitigationStep:
    """One row of a backend evaluation: energy ± σ (Hartree) after this step, shots so far."""

    name: str
    energy_hartree: float
    standard_error_hartree: float
    shots: int


@dataclass
class BackendEvaluation:
    """Backend energy of the final circuit: ``steps`` in order, the last is the answer."""

    backend: str
    steps: list[MitigationStep] = field(default_factory=list)
    measurement_groups: int = 0
    simulated_two_qubit_gates: int = 0
    wall_seconds: float = 0.0

    @property
    def energy_hartree(self) -> float:
        return self.steps[-1].energy_hartree

    @property
    def standard_error_hartree(self) -> float:
        return self.steps[-1].standard_error_hartree

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["energy_hartree"] = self.energy_hartree
        out["standard_error_hartree"] = self.standard_error_hartree
        return out


def noise_spec(settings: QuantumSettings) -> NoiseSpec:
    return NoiseSpec(
        depolarizing_1q=settings.noise_depolarizing_1q,
        depolarizing_2q=settings.noise_depolarizing_2q,
        readout=settings.noise_readout,
        amplitude_damping=settings.noise_amplitude_damping,
    )


def check_backend(settings: QuantumSettings, n_qubits: int | None = None) -> None:
    """Refuse, before any work, a backend that cannot run the requested active space
    (``n_qubits``: default ``2 * active_orbitals``).

    Raises:
        BackendError: too many qubits for the backend, or a mapping it does not support.
    """
    n_qubits = 2 * settings.active_orbitals if n_qubits is None else n_qubits
    if settings.backend == "exact":
        return
    if settings.mapping != "jordan_wigner":
        raise BackendError(
            f"backend {settings.backend!r} needs mapping 'jordan_wigner' (compact excitation "
            f"circuits and post-selection), not {settings.mapping!r}"
        )
    limit = (
        settings.noisy_max_qubits if settings.backend == "noisy" else settings.sampled_max_qubits
    )
    if n_qubits > limit:
        raise BackendError(
            f"backend {settings.backend!r} simulates at most {limit} qubits "
            f"({'noisy_max_qubits' if settings.backend == 'noisy' else 'sampled_max_qubits'}); "
            f"the active space needs {n_qubits}"
        )


def _estimate_steps(
    grouped: GroupedHamiltonian,
    counts_by_scale: list[list[np.ndarray]],
    confusion: list[np.ndarray],
    mask: np.ndarray,
    settings: QuantumSettings,
    calibration_shots: int,
) -> list[MitigationStep]:
    raw = energy_estimate(grouped, counts_by_scale[0])
    readout = energy_estimate(grouped, counts_by_scale[0], confusion=confusion)
    post = energy_estimate(grouped, counts_by_scale[0], confusion=confusion, keep=mask)
    shots = raw.shots
    steps = [
        MitigationStep("unmitigated", raw.value_hartree, raw.standard_error_hartree, shots),
        MitigationStep(
            "readout",
            readout.value_hartree,
            readout.standard_error_hartree,
            shots + calibration_shots,
        ),
        MitigationStep(
            "readout+postselection",
            post.value_hartree,
            post.standard_error_hartree,
            shots + calibration_shots,
        ),
    ]
    if len(settings.zne_scale_factors) >= 2:
        at_scale = [post] + [
            energy_estimate(grouped, c, confusion=confusion, keep=mask) for c in counts_by_scale[1:]
        ]
        value, error = extrapolate_to_zero(
            settings.zne_scale_factors,
            [e.value_hartree for e in at_scale],
            [e.standard_error_hartree for e in at_scale],
            settings.zne_extrapolation,
        )
        total = sum(e.shots for e in at_scale) + calibration_shots
        steps.append(MitigationStep("readout+postselection+zne", value, error, total))
    return steps


def evaluate_backend(
    ham: ActiveSpaceHamiltonian,
    ansatz: Ansatz,
    theta: np.ndarray,
    settings: QuantumSettings,
    *,
    grouped: GroupedHamiltonian | None = None,
    offset_hartree: float = 0.0,
) -> BackendEvaluation | None:
    """Energy of the ansatz at ``theta`` on ``settings.backend`` (``None`` for ``exact``);
    ``offset_hartree`` is added to every step (e.g. solvated: reported − circuit energy).

    Raises:
        BackendError: see :func:`check_backend`; or no shot survived post-selection.
    """
    if settings.backend == "exact":
        return None
    check_backend(settings, ansatz.n_qubits)
    started = time.perf_counter()
    out = _evaluate(ham, ansatz, theta, settings, grouped)
    out.steps = [
        MitigationStep(s.name, s.energy_hartree + offset_hartree, s.standard_error_hartree, s.shots)
        for s in out.steps
    ]
    out.wall_seconds = time.perf_counter() - started
    return out


def _shots(grouped: GroupedHamiltonian, settings: QuantumSettings) -> np.ndarray:
    try:
        return allocate_shots(grouped.groups, settings.shots)
    except ValueError as exc:
        raise BackendError(f"quantum.shots: {exc}") from None


def _evaluate(
    ham: ActiveSpaceHamiltonian,
    ansatz: Ansatz,
    theta: np.ndarray,
    settings: QuantumSettings,
    grouped: GroupedHamiltonian | None,
) -> BackendEvaluation:
    n = ansatz.n_qubits
    qubits = cirq.LineQubit.range(n)
    if grouped is None:
        grouped = group_hamiltonian(qubit_hamiltonian(ham, settings.mapping), n)
    circuit = compiled_ansatz_circuit(ansatz, theta)
    out = BackendEvaluation(settings.backend, measurement_groups=len(grouped.groups))
    rng = np.random.default_rng(settings.sampling_seed)
    if settings.backend in ("statevector", "sampled"):
        dists = measured_distributions(circuit, grouped.groups, qubits)
        out.simulated_two_qubit_gates = sum(
            1 for op in circuit.all_operations() if len(op.qubits) == 2
        )
        if settings.backend == "statevector":
            out.steps.append(MitigationStep("exact", exact_group_energy(grouped, dists), 0.0, 0))
            return out
        shots = _shots(grouped, settings)
        est = energy_estimate(grouped, sample_counts(dists, shots, rng))
        out.steps.append(
            MitigationStep("sampled", est.value_hartree, est.standard_error_hartree, est.shots)
        )
        return out
    noise = noise_spec(settings)
    native = to_gateset(circuit, settings.resource_gateset)
    out.simulated_two_qubit_gates = sum(1 for op in native.all_operations() if len(op.qubits) == 2)
    shots = _shots(grouped, settings)
    counts_by_scale = []
    for scale in settings.zne_scale_factors or (1,):
        dists = measured_distributions(fold_global(native, scale), grouped.groups, qubits, noise)
        counts_by_scale.append(sample_counts(dists, shots, rng))
    confusion = calibrate_readout(qubits, noise, settings.readout_calibration_shots, rng)
    try:
        out.steps = _estimate_steps(
            grouped,
            counts_by_scale,
            confusion,
            sector_mask(n, ansatz.nelec),
            settings,
            2 * settings.readout_calibration_shots,
        )
    except ValueError as exc:
        raise BackendError(f"noisy estimate failed: {exc}") from None
    return out


def resources_of(
    ham: ActiveSpaceHamiltonian,
    ansatz: Ansatz,
    theta: np.ndarray,
    settings: QuantumSettings,
    *,
    grouped: GroupedHamiltonian | None = None,
) -> ResourceEstimate | None:
    """Device resources of the final circuit (``None`` above ``resources_max_qubits`` or for
    a mapping other than Jordan–Wigner)."""
    n = ansatz.n_qubits
    if n > settings.resources_max_qubits or settings.mapping != "jordan_wigner":
        return None
    if grouped is None:
        grouped = group_hamiltonian(qubit_hamiltonian(ham, settings.mapping), n)
    circuit = compiled_ansatz_circuit(ansatz, theta)
    dists = measured_distributions(circuit, grouped.groups, cirq.LineQubit.range(n))
    return estimate_resources(circuit, grouped, dists, gateset=settings.resource_gateset)

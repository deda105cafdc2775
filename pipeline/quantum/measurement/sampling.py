"""Shot-based energy estimation: basis changes, shot allocation, the estimator and its error.

Each measurement group is read after its basis change (``H`` measures X, ``Rx(π/2)`` measures
Y). The distribution of read bitstrings is computed exactly (Cirq state vector without gate
noise; with it, the density matrix of :mod:`.density`, equal to ``cirq.DensityMatrixSimulator``
under :class:`.noise.GateNoiseModel`; readout bit flips applied to the distribution), then
``shots`` bitstrings are drawn from it — the statistics of ``cirq.Simulator.run`` with
repetitions, at the cost of one simulation per group.

The estimator of one group, with read frequencies ``f``, eigenvalues ``h``, an optional
keep-mask ``k`` (symmetry post-selection) and optional per-qubit confusion matrices ``A``
(readout mitigation):

    h' = A^{-T} (h k),   s' = A^{-T} k,   E = (f·h') / (f·s')

a ratio of two means, with variance ``Var_f((h' - E s') / (f·s')) / shots`` (delta method; the
calibration's own uncertainty is not included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cirq
import numpy as np
from threadpoolctl import threadpool_limits

from pipeline.quantum.measurement.density import noisy_density_matrix
from pipeline.quantum.measurement.grouping import GroupedHamiltonian, MeasurementGroup, eigenvalues
from pipeline.quantum.measurement.noise import (
    NoiseSpec,
    apply_per_qubit,
    apply_readout_error,
    confusion_matrix,
)


@dataclass(frozen=True)
class Estimate:
    """An energy estimate in Hartree with its standard error and the shots it used."""

    value_hartree: float
    standard_error_hartree: float
    shots: int


def basis_change(basis: Sequence[str], qubits: Sequence[cirq.Qid]) -> list[cirq.Operation]:
    """Rotations after which a Z measurement of qubit ``q`` measures ``basis[q]``."""
    ops: list[cirq.Operation] = []
    for q, pauli in zip(qubits, basis, strict=True):
        if pauli == "X":
            ops.append(cirq.H(q))
        elif pauli == "Y":
            ops.append(cirq.rx(np.pi / 2).on(q))
    return ops


def measured_distributions(
    prep: cirq.Circuit,
    groups: Sequence[MeasurementGroup],
    qubits: Sequence[cirq.Qid],
    noise: NoiseSpec | None = None,
) -> list[np.ndarray]:
    """Exact distribution of read bitstrings per group, each of shape ``(2**n,)``.

    ``prep`` prepares the state; with gate noise, it and the basis changes are noisy.
    """
    n = len(qubits)
    noise = noise or NoiseSpec()
    if noise.gate_noise:
        rho = noisy_density_matrix(prep, qubits, noise)
        dists = []
        for group in groups:
            ops = basis_change(group.basis, qubits)
            final = noisy_density_matrix(cirq.Circuit(ops), qubits, noise, rho) if ops else rho
            dists.append(np.real(np.diag(final)).astype(float))
    else:
        psi = cirq.Simulator(dtype=np.complex128).simulate(prep, qubit_order=qubits)
        state = np.asarray(psi.final_state_vector, dtype=np.complex128)
        dists = []
        for group in groups:
            ops = basis_change(group.basis, qubits)
            rotated = state
            if ops:
                unitary = [
                    cirq.unitary(cirq.Circuit(basis_change([b], [q]))) if b != "Z" else np.eye(2)
                    for q, b in zip(qubits, group.basis, strict=True)
                ]
                rotated = _apply_unitaries(state, unitary)
            dists.append(np.abs(rotated) ** 2)
    out = []
    flips = [confusion_matrix(noise.readout, noise.readout)] * n
    for p in dists:
        p = np.clip(p, 0.0, None)
        p = p / p.sum()
        out.append(apply_readout_error(p, flips) if noise.readout > 0 else p)
    return out


def _apply_unitaries(state: np.ndarray, unitaries: Sequence[np.ndarray]) -> np.ndarray:
    n = len(unitaries)
    tensor = state.reshape((2,) * n)
    with threadpool_limits(limits=1, user_api="blas"):  # tiny contractions: threads only cost
        for q, u in enumerate(unitaries):
            tensor = np.moveaxis(np.tensordot(u, tensor, axes=([1], [q])), 0, q)
    return tensor.reshape(-1)


def allocate_shots(groups: Sequence[MeasurementGroup], total_shots: int) -> np.ndarray:
    """Shots per group in proportion to its weight ``sum |c_j|`` (largest remainder), at
    least one each; shape ``(n_groups,)``, summing to ``total_shots``.

    Raises:
        ValueError: ``total_shots`` is smaller than the number of groups.
    """
    if total_shots < len(groups):
        raise ValueError(f"{total_shots} shots cannot measure {len(groups)} groups")
    weights = np.array([g.weight_hartree for g in groups], dtype=float)
    spare = total_shots - len(groups)
    share = spare * weights / weights.sum()
    shots = np.floor(share).astype(np.int64)
    order = np.argsort(-(share - shots), kind="stable")
    shots[order[: spare - int(shots.sum())]] += 1
    return shots + 1


def shots_for_error(groups: Sequence[MeasurementGroup], error_hartree: float) -> int:
    """Total shots whose weight-proportional allocation guarantees ``error_hartree``:
    ``(sum_g sum_j |c_j|)^2 / ε^2`` (each shot of a group has ``σ_g <= sum_j |c_j|``)."""
    return int(np.ceil(sum(g.weight_hartree for g in groups) ** 2 / error_hartree**2))


def sample_counts(
    distributions: Sequence[np.ndarray], shots: Sequence[int] | np.ndarray, rng: np.random.Generator
) -> list[np.ndarray]:
    """Counts per bitstring for each group, drawn from its distribution."""
    return [rng.multinomial(int(m), p) for p, m in zip(distributions, shots, strict=True)]


def group_estimate(
    counts: np.ndarray,
    values: np.ndarray,
    *,
    confusion: Sequence[np.ndarray] | None = None,
    keep: np.ndarray | None = None,
) -> tuple[float, float]:
    """``(mean, variance of the mean)`` in Hartree of one group from its ``counts``.

    Raises:
        ValueError: no shots, or post-selection kept no (quasi-)probability.
    """
    shots = int(counts.sum())
    if shots <= 0:
        raise ValueError("a measurement group has no shots")
    mask = np.ones_like(values) if keep is None else keep.astype(float)
    h, s = values * mask, mask
    if confusion is not None:
        inverse_t = [np.linalg.inv(a).T for a in confusion]
        h, s = apply_per_qubit(h, inverse_t), apply_per_qubit(s, inverse_t)
    f = counts / shots
    kept = float(f @ s)
    if kept <= 1e-12:
        raise ValueError("symmetry post-selection rejected every shot of a group")
    mean = float(f @ h) / kept
    g = (h - mean * s) / kept
    variance = max(float(f @ g**2) - float(f @ g) ** 2, 0.0) / shots
    return mean, variance


def energy_estimate(
    grouped: GroupedHamiltonian,
    counts: Sequence[np.ndarray],
    *,
    confusion: Sequence[np.ndarray] | None = None,
    keep: np.ndarray | None = None,
) -> Estimate:
    """``constant + sum_g E_g`` with its standard error; ``keep`` (post-selection mask over
    bitstrings) applies to computational-basis groups only."""
    value, variance = grouped.constant_hartree, 0.0
    for group, c in zip(grouped.groups, counts, strict=True):
        mask = keep if (keep is not None and group.computational) else None
        mean, var = group_estimate(
            c, eigenvalues(group, grouped.n_qubits), confusion=confusion, keep=mask
        )
        value += mean
        variance += var
    return Estimate(value, float(np.sqrt(variance)), int(sum(int(c.sum()) for c in counts)))


def exact_group_energy(grouped: GroupedHamiltonian, distributions: Sequence[np.ndarray]) -> float:
    """The infinite-shot value ``constant + sum_g p_g · h_g`` (Hartree)."""
    return grouped.constant_hartree + sum(
        float(p @ eigenvalues(g, grouped.n_qubits))
        for g, p in zip(grouped.groups, distributions, strict=True)
    )

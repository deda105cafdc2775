"""Error mitigation: readout calibration, symmetry post-selection and zero-noise extrapolation.

* Readout: two calibration circuits (all qubits in ``|0>``, all in ``|1>``) give each qubit's
  confusion matrix; :func:`..sampling.group_estimate` applies their inverse to the observable.
* Post-selection: under Jordan–Wigner a computational-basis bitstring is a determinant; keep
  only those with ``n_alpha`` ones on the even (alpha) qubits and ``n_beta`` on the odd ones.
* ZNE: global unitary folding ``U (U† U)^k`` scales the noise by ``λ = 2k + 1``; the energies
  at ``λ_1 < λ_2 < ...`` are extrapolated to ``λ = 0`` by Richardson (the polynomial through
  all points: ``E_0 = sum_i γ_i E_i``, ``γ_i = prod_{j≠i} λ_j / (λ_j - λ_i)``) or by a
  least-squares line. The error propagates as ``σ_0² = sum_i γ_i² σ_i²``.

Mitiq (the field's ZNE library) pins ``cirq-core<1.7`` in every release, so it cannot be
installed beside this project's Cirq 1.7; folding and extrapolation are written here from
the definitions above (the same ones Mitiq's ``fold_global`` and ``RichardsonFactory`` use).
"""

from __future__ import annotations

from collections.abc import Sequence

import cirq
import numpy as np

from pipeline.quantum.measurement.grouping import MeasurementGroup
from pipeline.quantum.measurement.noise import NoiseSpec, confusion_matrix
from pipeline.quantum.measurement.sampling import measured_distributions, sample_counts


def calibrate_readout(
    qubits: Sequence[cirq.Qid], noise: NoiseSpec, shots: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Per-qubit confusion matrices ``A[measured, prepared]`` from ``shots`` runs each of the
    all-0 and all-1 calibration circuits (gate noise on the X gates included)."""
    n = len(qubits)
    z_group = MeasurementGroup(("Z",) * n, ())
    zeros = cirq.Circuit(cirq.I.on_each(*qubits))
    ones = cirq.Circuit(cirq.X.on_each(*qubits))
    index = np.arange(1 << n)
    bits = (index[:, None] >> (n - 1 - np.arange(n))[None, :]) & 1
    read = []
    for prep in (zeros, ones):
        (dist,) = measured_distributions(prep, [z_group], qubits, noise)
        (counts,) = sample_counts([dist], [shots], rng)
        read.append((counts @ bits) / shots)  # fraction of shots reading 1, per qubit
    p01, p11 = read
    return [confusion_matrix(float(p01[q]), float(1.0 - p11[q])) for q in range(n)]


def sector_mask(n_qubits: int, nelec: tuple[int, int]) -> np.ndarray:
    """1 for bitstrings (qubit 0 most significant) with ``nelec = (n_alpha, n_beta)`` under
    Jordan–Wigner (even qubits alpha, odd beta), else 0; shape ``(2**n_qubits,)``."""
    index = np.arange(1 << n_qubits)
    bits = (index[:, None] >> (n_qubits - 1 - np.arange(n_qubits))[None, :]) & 1
    n_alpha = bits[:, 0::2].sum(axis=1)
    n_beta = bits[:, 1::2].sum(axis=1)
    return ((n_alpha == nelec[0]) & (n_beta == nelec[1])).astype(np.int8)


def fold_global(circuit: cirq.Circuit, scale: int) -> cirq.Circuit:
    """``U (U† U)^k`` for an odd ``scale = 2k + 1`` (noise scaled by ``scale``).

    Raises:
        ValueError: ``scale`` is not a positive odd integer.
    """
    if scale < 1 or scale % 2 != 1:
        raise ValueError(f"global folding needs a positive odd scale factor, got {scale}")
    inverse = cirq.inverse(circuit)
    out = circuit.copy()
    for _ in range((scale - 1) // 2):
        out += inverse
        out += circuit
    return out


def richardson_coefficients(scales: Sequence[float]) -> np.ndarray:
    """``γ_i`` with ``E_0 = sum_i γ_i E(λ_i)`` exact for polynomials of degree ``< len``."""
    lam = np.asarray(scales, dtype=float)
    if len(set(lam.tolist())) != len(lam):
        raise ValueError(f"scale factors must differ: {list(scales)}")
    return np.array(
        [
            np.prod([lam[j] / (lam[j] - lam[i]) for j in range(len(lam)) if j != i])
            for i in range(len(lam))
        ]
    )


def extrapolate_to_zero(
    scales: Sequence[float],
    values: Sequence[float],
    errors: Sequence[float],
    method: str = "richardson",
) -> tuple[float, float]:
    """Zero-noise value and its standard error from ``values ± errors`` at ``scales``.

    Raises:
        ValueError: fewer than two scales, or an unknown ``method`` (richardson, linear).
    """
    if len(scales) < 2:
        raise ValueError("zero-noise extrapolation needs at least two scale factors")
    if method == "richardson":
        gamma = richardson_coefficients(scales)
    elif method == "linear":
        design = np.stack([np.ones(len(scales)), np.asarray(scales, float)], axis=1)
        gamma = np.linalg.pinv(design)[0]  # intercept of the least-squares line
    else:
        raise ValueError(f"unknown extrapolation {method!r} (allowed: richardson, linear)")
    value = float(gamma @ np.asarray(values, float))
    error = float(np.sqrt(gamma**2 @ np.asarray(errors, float) ** 2))
    return value, error

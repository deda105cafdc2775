"""Density matrix of a circuit under :class:`.noise.GateNoiseModel`, propagated with numpy.

The same channels as the Cirq noise model — after each gate ``ρ -> U ρ U†``, then
depolarizing ``ρ -> (1 - λ) ρ + λ (I/d ⊗ Tr_q ρ)`` with ``λ = 4p/3`` on one qubit
(``d = 2``) and ``λ = 16p/15`` on two (``d = 4``) — which is what ``cirq.depolarize(p)``
does, and amplitude damping by its Kraus operators. About 50× faster than
``cirq.DensityMatrixSimulator`` on folded circuits of a few thousand gates (equal to it to
1e-12, tested); exact, so no trajectory noise enters the shot statistics.
"""

from __future__ import annotations

from collections.abc import Sequence

import cirq
import numpy as np
from threadpoolctl import threadpool_limits

from pipeline.quantum.measurement.noise import NoiseSpec


def _apply(rho: np.ndarray, matrix: np.ndarray, axes: Sequence[int], n: int) -> np.ndarray:
    """``M ρ M†`` on ``axes`` (qubit positions) of ``rho`` of shape ``(2,) * 2n``."""
    k = len(axes)
    m = matrix.reshape((2,) * (2 * k))
    rows = list(axes)
    cols = [n + a for a in axes]
    out = np.tensordot(m, rho, axes=(list(range(k, 2 * k)), rows))
    out = np.moveaxis(out, list(range(k)), rows)
    out = np.tensordot(m.conj(), out, axes=(list(range(k, 2 * k)), cols))
    return np.moveaxis(out, list(range(k)), cols)


def _depolarize(rho: np.ndarray, p: float, axes: Sequence[int], n: int) -> np.ndarray:
    k = len(axes)
    lam = p * (4**k) / (4**k - 1)
    traced = rho
    for a in sorted(axes, reverse=True):
        traced = np.trace(traced, axis1=a, axis2=traced.ndim // 2 + a)
    # traced: axes (rows without `axes`, cols without `axes`); put I/d back on `axes`.
    eye = np.eye(2**k).reshape((2,) * (2 * k)) / 2**k
    full = np.multiply.outer(eye, traced)
    order = list(axes) + [n + a for a in axes]
    full = np.moveaxis(full, list(range(2 * k)), order)
    return (1.0 - lam) * rho + lam * full


def _amplitude_damp(rho: np.ndarray, gamma: float, q: int, n: int) -> np.ndarray:
    k0 = np.array([[1.0, 0.0], [0.0, np.sqrt(1.0 - gamma)]])
    k1 = np.array([[0.0, np.sqrt(gamma)], [0.0, 0.0]])
    return _apply(rho, k0, [q], n) + _apply(rho, k1, [q], n)


def noisy_density_matrix(
    circuit: cirq.Circuit,
    qubits: Sequence[cirq.Qid],
    noise: NoiseSpec,
    initial: np.ndarray | None = None,
) -> np.ndarray:
    """Final density matrix, shape ``(2**n, 2**n)`` (qubit 0 most significant), of
    ``circuit`` from ``|0...0>`` (or ``initial``) with ``noise`` after every gate.

    Raises:
        ValueError: an operation acts on more than two qubits or has no unitary.
    """
    # Each contraction is small: threaded BLAS only adds overhead (10x on a busy machine).
    with threadpool_limits(limits=1, user_api="blas"):
        return _propagate(circuit, qubits, noise, initial)


def _propagate(
    circuit: cirq.Circuit,
    qubits: Sequence[cirq.Qid],
    noise: NoiseSpec,
    initial: np.ndarray | None,
) -> np.ndarray:
    n = len(qubits)
    index = {q: i for i, q in enumerate(qubits)}
    if initial is None:
        rho = np.zeros((2,) * (2 * n), dtype=np.complex128)
        rho[(0,) * (2 * n)] = 1.0
    else:
        rho = np.asarray(initial, dtype=np.complex128).reshape((2,) * (2 * n))
    for op in circuit.all_operations():
        if isinstance(op.gate, cirq.IdentityGate):
            continue
        if len(op.qubits) > 2 or not cirq.has_unitary(op):
            raise ValueError(f"cannot simulate {op}: only one- and two-qubit unitary gates")
        axes = [index[q] for q in op.qubits]
        rho = _apply(rho, cirq.unitary(op), axes, n)
        p = noise.depolarizing_1q if len(axes) == 1 else noise.depolarizing_2q
        if p > 0:
            rho = _depolarize(rho, p, axes, n)
        if noise.amplitude_damping > 0:
            for a in axes:
                rho = _amplitude_damp(rho, noise.amplitude_damping, a, n)
    return rho.reshape(2**n, 2**n)

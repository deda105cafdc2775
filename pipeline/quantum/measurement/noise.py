"""Gate and readout noise of a simulated device.

``GateNoiseModel`` (a ``cirq.NoiseModel``) follows every one-qubit gate by
``cirq.depolarize(p_1q)`` and every two-qubit gate by ``cirq.depolarize(p_2q, n_qubits=2)``
(and, if set, ``cirq.amplitude_damp(γ)`` on each qubit it touched). Readout error is a
classical bit flip of each measured bit with probability ``p_readout`` — the same as
``cirq.bit_flip`` before a measurement — applied here to the probability vector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cirq
import numpy as np
from threadpoolctl import threadpool_limits


@dataclass(frozen=True)
class NoiseSpec:
    """Error probabilities per gate / per measured bit, each in ``[0, 1]``."""

    depolarizing_1q: float = 0.0
    depolarizing_2q: float = 0.0
    readout: float = 0.0
    amplitude_damping: float = 0.0

    def __post_init__(self) -> None:
        for name in ("depolarizing_1q", "depolarizing_2q", "readout", "amplitude_damping"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"noise {name} = {value} is outside [0, 1]")

    @property
    def gate_noise(self) -> bool:
        return any((self.depolarizing_1q, self.depolarizing_2q, self.amplitude_damping))


class GateNoiseModel(cirq.NoiseModel):
    """Depolarizing (and optional amplitude-damping) noise after every gate of a circuit."""

    def __init__(self, spec: NoiseSpec) -> None:
        self.spec = spec

    def noisy_operation(self, operation: cirq.Operation) -> cirq.OP_TREE:
        if cirq.is_measurement(operation) or isinstance(operation.gate, cirq.IdentityGate):
            return operation
        qubits = operation.qubits
        noise: list[cirq.Operation] = []
        if len(qubits) == 1 and self.spec.depolarizing_1q > 0:
            noise.append(cirq.depolarize(self.spec.depolarizing_1q).on(*qubits))
        elif len(qubits) == 2 and self.spec.depolarizing_2q > 0:
            noise.append(cirq.depolarize(self.spec.depolarizing_2q, n_qubits=2).on(*qubits))
        if self.spec.amplitude_damping > 0:
            noise += [cirq.amplitude_damp(self.spec.amplitude_damping).on(q) for q in qubits]
        return [operation, *noise]


def confusion_matrix(p01: float, p10: float) -> np.ndarray:
    """``A[measured, prepared]`` of one qubit: ``p01`` = P(read 1 | 0), ``p10`` = P(read 0 | 1)."""
    return np.array([[1.0 - p01, p10], [p01, 1.0 - p10]])


def apply_per_qubit(vector: np.ndarray, matrices: Sequence[np.ndarray]) -> np.ndarray:
    """``(⊗_q M_q) v`` for ``v`` of shape ``(2**n,)`` (qubit 0 most significant)."""
    n = len(matrices)
    tensor = np.asarray(vector, dtype=float).reshape((2,) * n)
    with threadpool_limits(limits=1, user_api="blas"):  # tiny contractions: threads only cost
        for q, matrix in enumerate(matrices):
            tensor = np.moveaxis(np.tensordot(matrix, tensor, axes=([1], [q])), 0, q)
    return tensor.reshape(-1)


def apply_readout_error(probabilities: np.ndarray, matrices: Sequence[np.ndarray]) -> np.ndarray:
    """Distribution of read bitstrings given the true one (per-qubit confusion matrices)."""
    out = apply_per_qubit(probabilities, matrices)
    out = np.clip(out, 0.0, None)
    return out / out.sum()

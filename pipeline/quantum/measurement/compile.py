"""Compact circuits of fermionic excitations (Jordan–Wigner), a few CNOTs each.

For an excitation ``T`` on the support qubits ``A`` (annihilated) and ``C`` (created), the
generator ``G = T - T†`` only couples the two support patterns ``x`` (``A`` occupied, ``C``
empty) and ``y`` (the reverse): ``exp(θG)|x> = cos θ |x> + s_P sin θ |y>``, where
``s_P = s · (-1)^P``, ``s`` is the fermionic sign with the in-between orbitals empty and ``P``
the parity of the Jordan–Wigner string ``S`` (orbitals not in the support that lie below an
odd number of support orbitals). The circuit:

1. ``CNOT(t -> u)`` from a pivot ``t`` to every other support qubit ``u``: ``x`` and ``y`` then
   differ only on ``t``, and the other qubits hold the pattern ``c_u = x_u XOR x_t``;
2. ``CNOT(k -> t)`` for ``k`` in ``S`` (``X_t Ry(φ) X_t = Ry(-φ)``: the sign ``(-1)^P``);
3. ``Ry(±2sθ)`` on ``t`` controlled on pattern ``c`` as a uniformly controlled rotation
   (Möttönen et al., PRL 93, 130502 (2004)): ``2^k`` ``Ry`` and ``2^k`` CNOTs in Gray-code order
   for ``k`` controls; 2., 1. undone.

A double excitation costs ``14 + 2|S|`` CNOTs (the Pauli-gadget circuit of
:mod:`..circuits` costs ``16 (3 + |S|)``), a single ``4 + 2|S|`` before two-qubit blocks are
merged.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import cirq
import numpy as np

from pipeline.quantum.circuits import reference_bits
from pipeline.quantum.excitations import Ansatz, Excitation


def _fermionic_sign(exc: Excitation, occupied: set[int]) -> int:
    """Sign of ``T|occupied>`` (operators applied right to left; ``|occupied>`` must not be
    annihilated); spin orbital ``p`` picks up ``(-1)^(number occupied below p)``."""
    occ = set(occupied)
    sign = 1
    for p, dagger in reversed(exc.operators):
        if sum(1 for k in occ if k < p) % 2:
            sign = -sign
        if dagger:
            occ.add(p)
        else:
            occ.remove(p)
    return sign


def jordan_wigner_string(exc: Excitation) -> list[int]:
    """Qubits of the Z string of ``exc``: not in its support, below an odd number of it."""
    support = set(exc.creation) | set(exc.annihilation)
    lo, hi = min(support), max(support)
    return [k for k in range(lo, hi) if k not in support and sum(p > k for p in support) % 2]


def uniformly_controlled_ry(
    target: cirq.Qid, controls: list[cirq.Qid], pattern: list[int], angle: float
) -> list[cirq.Operation]:
    """``Ry(angle)`` on ``target`` if ``controls`` hold ``pattern`` (else identity).

    ``2^k`` rotations and ``2^k`` CNOTs for ``k = len(controls)``: with Gray code ``g_l``, the
    net angle for control bits ``x`` is ``sum_l (-1)^(x·g_l) β_l``; ``β = M^T α / 2^k`` solves
    it for ``α_x = angle`` at ``x = pattern`` and ``0`` elsewhere.
    """
    k = len(controls)
    if k == 0:
        return [cirq.ry(angle).on(target)]
    size = 1 << k
    gray = [g ^ (g >> 1) for g in range(size)]
    x = sum(bit << j for j, bit in enumerate(pattern))
    signs = np.array([(-1) ** bin(x & g).count("1") for g in gray], dtype=float)
    beta = signs * angle / size
    ops: list[cirq.Operation] = []
    for step in range(size):
        ops.append(cirq.ry(float(beta[step])).on(target))
        changed = gray[step] ^ gray[(step + 1) % size]
        ops.append(cirq.CNOT(controls[changed.bit_length() - 1], target))
    return ops


def excitation_operations(
    exc: Excitation, qubits: Sequence[cirq.Qid], theta: float
) -> list[cirq.Operation]:
    """Operations of ``exp(θ (T - T†))`` under Jordan–Wigner on ``qubits`` (spin orbitals)."""
    support = sorted(set(exc.creation) | set(exc.annihilation))
    x_bits = {p: int(p in exc.annihilation) for p in support}
    sign = _fermionic_sign(exc, set(exc.annihilation))
    pivot = exc.annihilation[0]
    others = [p for p in support if p != pivot]
    pattern = [x_bits[u] ^ x_bits[pivot] for u in others]
    angle = 2.0 * sign * theta * (1.0 if x_bits[pivot] == 0 else -1.0)
    t = qubits[pivot]
    wrap = [cirq.CNOT(t, qubits[u]) for u in others]
    parity = [cirq.CNOT(qubits[k], t) for k in jordan_wigner_string(exc)]
    core = uniformly_controlled_ry(t, [qubits[u] for u in others], pattern, angle)
    return wrap + parity + core + parity[::-1] + wrap[::-1]


def compiled_ansatz_circuit(ansatz: Ansatz, theta: np.ndarray) -> cirq.Circuit:
    """The ansatz at parameters ``theta`` (shape ``(n_parameters,)``, radians) as a compact
    circuit on ``cirq.LineQubit.range(n_qubits)`` (Jordan–Wigner; same state as
    :func:`pipeline.quantum.circuits.ansatz_circuit`)."""
    qubits = cirq.LineQubit.range(ansatz.n_qubits)
    ops: list[cirq.Operation] = [
        cirq.X(qubits[q]) for q, bit in enumerate(reference_bits(ansatz)) if bit
    ]
    for exc, k in zip(ansatz.excitations, ansatz.parameter_index, strict=True):
        ops += excitation_operations(exc, qubits, float(theta[k]))
    return cirq.Circuit(ops)


def _target(gateset: str) -> cirq.CompilationTargetGateset:
    if gateset == "cz":
        return cirq.CZTargetGateset()
    if gateset == "sqrt_iswap":
        return cirq.SqrtIswapTargetGateset()
    raise ValueError(f"unknown gate set {gateset!r} (allowed: cz, sqrt_iswap)")


@functools.cache
def _template(gateset: str, gate: cirq.Gate) -> cirq.Circuit:
    """``gate`` on ``LineQubit(0), LineQubit(1)`` compiled once to ``gateset``."""
    a, b = cirq.LineQubit.range(2)
    return cirq.optimize_for_target_gateset(cirq.Circuit(gate(a, b)), gateset=_target(gateset))


def to_gateset(circuit: cirq.Circuit, gateset: str = "cz", *, merge: bool = False) -> cirq.Circuit:
    """``circuit`` compiled to CZ (``"cz"``) or √iSWAP (``"sqrt_iswap"``) plus one-qubit
    ``PhasedXZ`` gates.

    Each two-qubit gate is replaced by Cirq's compilation of that gate (computed once per
    gate), then runs of one-qubit gates are merged. With ``merge``, whole two-qubit blocks
    are merged by ``cirq.optimize_for_target_gateset`` (KAK; ~8 % fewer two-qubit gates on
    UCCSD circuits, but seconds per hundred gates).
    """
    target = _target(gateset)
    if merge:
        out = cirq.optimize_for_target_gateset(circuit, gateset=target)
    else:
        ops: list[cirq.Operation] = []
        for op in circuit.all_operations():
            if len(op.qubits) == 2 and op.gate is not None and op not in target:
                mapping: dict[cirq.Qid, cirq.Qid] = dict(
                    zip(cirq.LineQubit.range(2), op.qubits, strict=True)
                )
                ops += _template(gateset, op.gate).transform_qubits(mapping).all_operations()
            else:
                ops.append(op)
        return cirq.Circuit(_merge_single_qubit_runs(ops))
    out = cirq.drop_negligible_operations(out)
    return cirq.Circuit(cirq.drop_empty_moments(out).all_operations())


def _merge_single_qubit_runs(ops: list[cirq.Operation]) -> list[cirq.Operation]:
    """Each run of one-qubit gates on a qubit as one ``PhasedXZ`` (none if it is the identity
    up to phase); what ``cirq.merge_single_qubit_gates_to_phxz`` does, without its cost."""
    pending: dict[cirq.Qid, np.ndarray] = {}
    out: list[cirq.Operation] = []

    def flush(q: cirq.Qid) -> None:
        matrix = pending.pop(q, None)
        if matrix is None or cirq.equal_up_to_global_phase(matrix, np.eye(2), atol=1e-10):
            return
        gate = cirq.single_qubit_matrix_to_phxz(matrix)
        if gate is not None:
            out.append(gate.on(q))

    for op in ops:
        if len(op.qubits) == 1:
            (q,) = op.qubits
            pending[q] = cirq.unitary(op) @ pending.get(q, np.eye(2))
        else:
            for q in op.qubits:
                flush(q)
            out.append(op)
    for q in list(pending):
        flush(q)
    return out

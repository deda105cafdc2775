"""Cirq circuits of excitation-product ansätze (exact, not Trotterized).

Under Jordan–Wigner (or Bravyi–Kitaev) a generator ``G = T - T†`` becomes
``i * sum_j c_j P_j`` with real ``c_j`` and mutually commuting Pauli strings ``P_j``, so
``exp(θG) = prod_j exp(i θ c_j P_j)`` exactly. Each factor is a basis change
(``H`` for X, ``Rx(π/2)`` for Y), a CNOT parity ladder, ``Rz(-2 c_j θ)`` on the last qubit and
the inverse ladder. Parameters are sympy symbols ``theta_<k>``; qubit ``q`` is spin orbital
``q`` (OpenFermion order, ``cirq.LineQubit(q)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import cirq
import numpy as np
import openfermion as of
import sympy

from pipeline.quantum.excitations import Ansatz, Excitation
from pipeline.quantum.hamiltonian import Mapping


@dataclass(frozen=True)
class CircuitStats:
    """Size of a circuit: ``depth`` (moments) and ``two_qubit_gates``."""

    depth: int
    two_qubit_gates: int


def generator_paulis(
    exc: Excitation, n_qubits: int, mapping: Mapping = "jordan_wigner"
) -> list[tuple[float, tuple[tuple[int, str], ...]]]:
    """``G = i sum_j c_j P_j``: the list of ``(c_j, ((qubit, 'X'|'Y'|'Z'), ...))``.

    Raises:
        ValueError: a coefficient is not purely imaginary (cannot happen for ``T - T†``).
    """
    if mapping == "jordan_wigner":
        qop = of.jordan_wigner(exc.generator())
    elif mapping == "bravyi_kitaev":
        qop = of.bravyi_kitaev(exc.generator(), n_qubits=n_qubits)
    else:
        raise ValueError(f"unknown mapping {mapping!r}")
    out = []
    for term, coeff in sorted(qop.terms.items()):
        if abs(coeff) < 1e-14:
            continue
        if abs(complex(coeff).real) > 1e-12:
            raise ValueError(f"generator of {exc} has a non-imaginary Pauli coefficient {coeff}")
        out.append((float(complex(coeff).imag), tuple(term)))
    return out


def _pauli_rotation(
    qubits: list[cirq.LineQubit], term: tuple[tuple[int, str], ...], angle: sympy.Expr
) -> list[cirq.Operation]:
    """Operations of ``exp(i angle P)`` for the Pauli string ``term``."""
    before: list[cirq.Operation] = []
    after: list[cirq.Operation] = []
    for q, pauli in term:
        if pauli == "X":
            before.append(cirq.H(qubits[q]))
            after.append(cirq.H(qubits[q]))
        elif pauli == "Y":
            before.append(cirq.rx(np.pi / 2).on(qubits[q]))
            after.append(cirq.rx(-np.pi / 2).on(qubits[q]))
    support = [qubits[q] for q, _ in term]
    ladder = [cirq.CNOT(a, b) for a, b in zip(support[:-1], support[1:], strict=True)]
    rotation = cirq.rz(-2 * angle).on(support[-1])
    return before + ladder + [rotation] + ladder[::-1] + after


def reference_bits(ansatz: Ansatz, mapping: Mapping = "jordan_wigner") -> list[int]:
    """Computational-basis bits (one per qubit) of the reference determinant."""
    n = ansatz.n_qubits
    occ = np.zeros(n, dtype=int)
    occ[ansatz.reference_occupation()] = 1
    if mapping == "jordan_wigner":
        return [int(x) for x in occ]
    # Bravyi-Kitaev: n_p maps to (1 - Z_{S_p}) / 2, so occupation n_p = parity of bits on S_p.
    # Solve the GF(2) system M b = n for the bits b.
    matrix = np.zeros((n, n), dtype=int)
    for p in range(n):
        qop = of.bravyi_kitaev(of.FermionOperator(((p, 1), (p, 0))), n_qubits=n)
        for term in qop.terms:
            if term:
                for q, _ in term:
                    matrix[p, q] = 1
    aug = np.concatenate([matrix, occ[:, None]], axis=1) % 2
    row = 0
    pivots = []
    for col in range(n):
        pivot = next((r for r in range(row, n) if aug[r, col]), None)
        if pivot is None:
            continue
        aug[[row, pivot]] = aug[[pivot, row]]
        for r in range(n):
            if r != row and aug[r, col]:
                aug[r] ^= aug[row]
        pivots.append(col)
        row += 1
    bits = np.zeros(n, dtype=int)
    for r, col in enumerate(pivots):
        bits[col] = aug[r, n]
    return [int(x) for x in bits]


def parameter_symbols(n_parameters: int) -> list[sympy.Symbol]:
    return [sympy.Symbol(f"theta_{k}") for k in range(n_parameters)]


def ansatz_circuit(ansatz: Ansatz, mapping: Mapping = "jordan_wigner") -> cirq.Circuit:
    """The ansatz as a parameterized ``cirq.Circuit`` on ``cirq.LineQubit.range(n_qubits)``."""
    n = ansatz.n_qubits
    qubits = cirq.LineQubit.range(n)
    symbols = parameter_symbols(ansatz.n_parameters)
    ops: list[cirq.Operation] = [
        cirq.X(qubits[q]) for q, bit in enumerate(reference_bits(ansatz, mapping)) if bit
    ]
    cache: dict[Excitation, list[tuple[float, tuple[tuple[int, str], ...]]]] = {}
    for exc, k in zip(ansatz.excitations, ansatz.parameter_index, strict=True):
        if exc not in cache:
            cache[exc] = generator_paulis(exc, n, mapping)
        for coeff, term in cache[exc]:
            ops += _pauli_rotation(qubits, term, coeff * symbols[k])
    circuit = cirq.Circuit(ops)
    return circuit


def circuit_stats(circuit: cirq.Circuit) -> CircuitStats:
    """Depth (number of moments) and number of two-qubit operations of ``circuit``."""
    two = sum(1 for op in circuit.all_operations() if len(op.qubits) == 2)
    return CircuitStats(depth=len(circuit), two_qubit_gates=two)

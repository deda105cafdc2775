"""What one energy would cost on a device: compiled circuit size and measurement shots.

The circuit (compact excitation circuits of :mod:`.compile`) is routed by ``cirq.RouteCQC``
onto the smallest near-square 2D grid of ``cirq.GridQubit`` s (nearest-neighbour couplings)
and compiled with ``cirq.optimize_for_target_gateset`` to CZ or √iSWAP plus one-qubit gates.
Shots for a standard error ``ε`` (Hartree):

* ``shots_bound_ungrouped`` = ``(sum_j |c_j|)^2 / ε^2`` — every term apart, worst-case
  variance (the same number bounds a weight-proportional allocation over groups);
* ``shots_ungrouped`` = ``(sum_j |c_j| sqrt(1 - <P_j>^2))^2 / ε^2`` — every term apart,
  variances of the actual state, optimal allocation;
* ``shots_grouped`` = ``(sum_g σ_g)^2 / ε^2`` with ``σ_g^2 = <H_g^2> - <H_g>^2`` of the actual
  state (covariances inside a group included), optimal allocation ``m_g ∝ σ_g``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import cirq
import networkx as nx
import numpy as np

from pipeline.quantum.measurement.compile import to_gateset
from pipeline.quantum.measurement.grouping import GroupedHamiltonian, eigenvalues, pauli_signs

TARGET_ERROR_HARTREE = 1.6e-3


@dataclass(frozen=True)
class ResourceEstimate:
    """Device cost of one energy. Counts after routing on a ``grid_rows x grid_columns`` grid."""

    qubits: int
    gateset: str
    grid_rows: int
    grid_columns: int
    logical_two_qubit_gates: int
    logical_depth: int
    routed_two_qubit_gates: int
    routed_depth: int
    swaps_inserted: int
    pauli_terms: int
    measurement_groups: int
    one_norm_hartree: float
    target_error_hartree: float
    shots_bound_ungrouped: int
    shots_ungrouped: int | None
    shots_grouped: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def grid_shape(n_qubits: int) -> tuple[int, int]:
    """``(rows, columns)`` of the smallest near-square grid holding ``n_qubits``."""
    rows = max(1, math.isqrt(n_qubits))
    return rows, math.ceil(n_qubits / rows)


def grid_device_graph(n_qubits: int) -> nx.Graph:
    """Nearest-neighbour coupling graph of ``cirq.GridQubit`` s on :func:`grid_shape`."""
    rows, cols = grid_shape(n_qubits)
    graph = nx.Graph()
    for r in range(rows):
        for c in range(cols):
            q = cirq.GridQubit(r, c)
            graph.add_node(q)
            if c + 1 < cols:
                graph.add_edge(q, cirq.GridQubit(r, c + 1))
            if r + 1 < rows:
                graph.add_edge(q, cirq.GridQubit(r + 1, c))
    return graph


def _two_qubit(circuit: cirq.AbstractCircuit) -> int:
    return sum(1 for op in circuit.all_operations() if len(op.qubits) == 2)


def route_to_grid(
    circuit: cirq.Circuit, n_qubits: int, gateset: str = "cz"
) -> tuple[cirq.Circuit, int]:
    """``circuit`` (at most two-qubit gates) routed onto the grid of ``n_qubits`` and compiled
    to ``gateset``; returns the circuit and the number of SWAPs the router inserted."""
    n = max(n_qubits, len(circuit.all_qubits()))
    router = cirq.RouteCQC(grid_device_graph(n))
    routed, _, _ = router.route_circuit(circuit, tag_inserted_swaps=True)
    swaps = sum(1 for op in routed.all_operations() if cirq.RoutingSwapTag() in op.tags)
    return to_gateset(cirq.Circuit(routed.all_operations()), gateset), swaps


def shot_counts(
    grouped: GroupedHamiltonian, distributions: list[np.ndarray] | None, error_hartree: float
) -> tuple[int, int | None, int | None]:
    """``(bound_ungrouped, ungrouped, grouped)`` shots for ``error_hartree`` (module docs);
    the last two need the exact distribution of each group's basis (else ``None``)."""
    bound = math.ceil(grouped.one_norm_hartree**2 / error_hartree**2)
    if distributions is None:
        return bound, None, None
    n = grouped.n_qubits
    index = np.arange(1 << n, dtype=np.uint64)
    sum_sigma_terms = sum_sigma_groups = 0.0
    for group, p in zip(grouped.groups, distributions, strict=True):
        h = eigenvalues(group, n)
        sum_sigma_groups += math.sqrt(max(float(p @ h**2) - float(p @ h) ** 2, 0.0))
        for coeff, term in group.terms:
            mean = float(p @ pauli_signs(index, term, n))
            sum_sigma_terms += abs(coeff) * math.sqrt(max(1.0 - mean**2, 0.0))
    return (
        bound,
        math.ceil(sum_sigma_terms**2 / error_hartree**2),
        math.ceil(sum_sigma_groups**2 / error_hartree**2),
    )


def estimate_resources(
    circuit: cirq.Circuit,
    grouped: GroupedHamiltonian,
    distributions: list[np.ndarray] | None = None,
    *,
    gateset: str = "cz",
    error_hartree: float = TARGET_ERROR_HARTREE,
) -> ResourceEstimate:
    """Resources of preparing ``circuit``'s state and measuring ``grouped`` to
    ``error_hartree`` (``distributions``: exact per-group distributions of the state)."""
    logical = to_gateset(circuit, gateset)
    routed, swaps = route_to_grid(circuit, grouped.n_qubits, gateset)
    rows, cols = grid_shape(grouped.n_qubits)
    bound, ungrouped, grouped_shots = shot_counts(grouped, distributions, error_hartree)
    return ResourceEstimate(
        qubits=grouped.n_qubits,
        gateset=gateset,
        grid_rows=rows,
        grid_columns=cols,
        logical_two_qubit_gates=_two_qubit(logical),
        logical_depth=len(logical),
        routed_two_qubit_gates=_two_qubit(routed),
        routed_depth=len(routed),
        swaps_inserted=swaps,
        pauli_terms=grouped.n_terms,
        measurement_groups=len(grouped.groups),
        one_norm_hartree=grouped.one_norm_hartree,
        target_error_hartree=error_hartree,
        shots_bound_ungrouped=bound,
        shots_ungrouped=ungrouped,
        shots_grouped=grouped_shots,
    )

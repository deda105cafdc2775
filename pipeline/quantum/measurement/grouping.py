"""Hamiltonian terms grouped into qubit-wise commuting sets (one measurement basis each).

All Z-only terms form one computational-basis group (the one symmetry post-selection can
use); the other terms are split by OpenFermion's ``group_into_tensor_product_basis_sets``.
Qubits a group does not touch are measured in Z.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import openfermion as of

PauliTerm = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class MeasurementGroup:
    """Terms measured together: ``basis[q]`` is ``'X'``, ``'Y'`` or ``'Z'`` for every qubit;
    ``terms`` holds ``(coefficient_hartree, pauli_term)`` pairs (real coefficients)."""

    basis: tuple[str, ...]
    terms: tuple[tuple[float, PauliTerm], ...]

    @property
    def weight_hartree(self) -> float:
        """``sum_j |c_j|``: bound on the standard deviation of one shot of this group."""
        return float(sum(abs(c) for c, _ in self.terms))

    @property
    def computational(self) -> bool:
        """Every qubit is measured in Z (the bitstrings are occupation numbers under JW)."""
        return all(b == "Z" for b in self.basis)


@dataclass(frozen=True)
class GroupedHamiltonian:
    """``H = constant + sum over groups``; ``n_terms`` non-identity Pauli terms in all."""

    n_qubits: int
    constant_hartree: float
    groups: tuple[MeasurementGroup, ...]

    @property
    def n_terms(self) -> int:
        return sum(len(g.terms) for g in self.groups)

    @property
    def one_norm_hartree(self) -> float:
        """``sum_j |c_j|`` over the non-identity terms."""
        return float(sum(g.weight_hartree for g in self.groups))


def _real(coeff: Any, term: PauliTerm) -> float:
    value = complex(coeff)
    if abs(value.imag) > 1e-10:
        raise ValueError(f"Pauli term {term} has a complex coefficient {value}: not Hermitian")
    return float(value.real)


def _basis(n_qubits: int, terms: list[PauliTerm]) -> tuple[str, ...]:
    basis = ["Z"] * n_qubits
    for term in terms:
        for q, pauli in term:
            basis[q] = pauli
    return tuple(basis)


def group_hamiltonian(
    qubit_operator: of.QubitOperator, n_qubits: int, *, seed: int = 0, tol: float = 1e-12
) -> GroupedHamiltonian:
    """Split ``qubit_operator`` (Hartree) into qubit-wise commuting measurement groups.

    Args:
        qubit_operator: a Hermitian OpenFermion ``QubitOperator`` on ``n_qubits`` qubits.
        seed: seed of OpenFermion's randomized grouping (for reproducible groups).
        tol: terms with ``|c| <= tol`` are dropped.

    Raises:
        TypeError: ``qubit_operator`` is not a ``QubitOperator``.
        ValueError: a coefficient is complex or a term acts outside ``n_qubits``.
    """
    if not isinstance(qubit_operator, of.QubitOperator):
        raise TypeError(f"expected an openfermion.QubitOperator, got {type(qubit_operator)}")
    constant = 0.0
    diagonal: list[tuple[float, PauliTerm]] = []
    rest = of.QubitOperator()
    for term, coeff in qubit_operator.terms.items():
        if abs(coeff) <= tol:
            continue
        if any(q >= n_qubits for q, _ in term):
            raise ValueError(f"Pauli term {term} acts outside {n_qubits} qubits")
        if not term:
            constant += _real(coeff, term)
        elif all(p == "Z" for _, p in term):
            diagonal.append((_real(coeff, term), term))
        else:
            rest += of.QubitOperator(term, coeff)
    groups: list[MeasurementGroup] = []
    if diagonal:
        groups.append(MeasurementGroup(("Z",) * n_qubits, tuple(sorted(diagonal))))
    if rest.terms:
        sets = of.group_into_tensor_product_basis_sets(rest, seed=seed)
        for _, sub in sorted(sets.items()):
            terms = sorted((_real(c, t), t) for t, c in sub.terms.items())
            groups.append(MeasurementGroup(_basis(n_qubits, [t for _, t in terms]), tuple(terms)))
    return GroupedHamiltonian(n_qubits, constant, tuple(groups))


def eigenvalues(group: MeasurementGroup, n_qubits: int) -> np.ndarray:
    """Value of the group's operator on each measured bitstring, shape ``(2**n_qubits,)``
    (Hartree; bitstring index with qubit 0 most significant, as Cirq orders states)."""
    index = np.arange(1 << n_qubits, dtype=np.uint64)
    values = np.zeros(1 << n_qubits)
    for coeff, term in group.terms:
        values += coeff * pauli_signs(index, term, n_qubits)
    return values


def pauli_signs(index: np.ndarray, term: PauliTerm, n_qubits: int) -> np.ndarray:
    """``(-1)^(parity of the bits of index on the qubits of term)``, as floats."""
    mask = np.uint64(sum(1 << (n_qubits - 1 - q) for q, _ in term))
    return 1.0 - 2.0 * (np.bitwise_count(index & mask) & 1).astype(float)

"""Cirq/qsim state-vector engine: simulates the very same ``cirq.Circuit`` as the ansatz.

A cross-check of :mod:`.ci_vector` on ``2**n_qubits`` amplitudes. ``cirq.Simulator`` runs in
complex128 (agrees with the fast engine to ~1e-12 Ha); ``qsimcirq.QSimSimulator`` runs in
single precision (complex64), so it agrees to ~1e-6 Ha only.
"""

from __future__ import annotations

from typing import Literal

import cirq
import numpy as np
import openfermion as of

from pipeline.quantum.circuits import ansatz_circuit, parameter_symbols
from pipeline.quantum.excitations import Ansatz
from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian, Mapping, qubit_hamiltonian

Backend = Literal["cirq", "qsim"]


class CirqEngine:
    """Energy of an ansatz circuit by state-vector simulation.

    Args:
        ham: active-space Hamiltonian (mapped to qubits with ``mapping``).
        ansatz: the ansatz; its circuit is built with the same ``mapping``.
        backend: ``"cirq"`` (``cirq.Simulator``, complex128) or ``"qsim"``.
    """

    def __init__(
        self,
        ham: ActiveSpaceHamiltonian,
        ansatz: Ansatz,
        *,
        mapping: Mapping = "jordan_wigner",
        backend: Backend = "cirq",
    ) -> None:
        self.n_qubits = ansatz.n_qubits
        self.circuit = ansatz_circuit(ansatz, mapping)
        self.symbols = parameter_symbols(ansatz.n_parameters)
        self.qubits = cirq.LineQubit.range(self.n_qubits)
        self.hamiltonian = of.get_sparse_operator(
            qubit_hamiltonian(ham, mapping), n_qubits=self.n_qubits
        ).tocsr()
        if backend == "cirq":
            self.simulator: cirq.SimulatesFinalState = cirq.Simulator(dtype=np.complex128)
        elif backend == "qsim":
            import qsimcirq

            self.simulator = qsimcirq.QSimSimulator()
        else:
            raise ValueError(f"unknown backend {backend!r} (allowed: cirq, qsim)")
        self.backend = backend

    def state(self, theta: np.ndarray) -> np.ndarray:
        """Final state vector, shape ``(2**n_qubits,)``, qubit 0 most significant."""
        resolver = cirq.ParamResolver(
            {s: float(x) for s, x in zip(self.symbols, theta, strict=True)}
        )
        result = self.simulator.simulate(
            self.circuit, param_resolver=resolver, qubit_order=self.qubits
        )
        return np.asarray(result.final_state_vector, dtype=np.complex128)  # type: ignore[attr-defined]

    def energy(self, theta: np.ndarray) -> float:
        """``<ψ(θ)|H|ψ(θ)>`` in Hartree (core energy included)."""
        psi = self.state(theta)
        psi = psi / np.linalg.norm(psi)
        return float(np.real(np.vdot(psi, self.hamiltonian @ psi)))

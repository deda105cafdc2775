"""VQE as a PySCF fcisolver, so ``mcscf.CASCI``/``CASSCF`` and ``pyscf.solvent`` use it unchanged.

    mc = mcscf.CASCI(mf, n_orbitals, n_electrons)
    mc.fcisolver = VQEFCISolver(mol, QuantumSettings(ansatz="uccsd"))
    mc.kernel()

Our CI vectors are in PySCF's FCI layout, so the reduced density matrices and ``<S²>`` come
from :class:`pyscf.fci.direct_spin1.FCISolver` unchanged; only ``kernel`` is replaced.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyscf import ao2mo
from pyscf.fci import direct_spin1
from pyscf.fci.addons import _unpack_nelec

from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian
from pipeline.quantum.settings import QuantumSettings
from pipeline.quantum.solver import SectorSolution, solve_sector


class VQEFCISolver(direct_spin1.FCISolver):  # type: ignore[misc]
    """PySCF fcisolver whose ``kernel`` runs VQE; warm-starts from its previous optimum.

    Attributes:
        settings: the quantum settings (ansatz, optimizer, tolerances).
        solutions: every :class:`SectorSolution` this solver produced, in call order.
    """

    def __init__(self, mol: Any = None, settings: QuantumSettings | None = None) -> None:
        super().__init__(mol)
        self.settings = settings or QuantumSettings()
        self.solutions: list[SectorSolution] = []
        self.converged = True

    def kernel(  # type: ignore[override]
        self,
        h1e: np.ndarray,
        eri: np.ndarray,
        norb: int,
        nelec: int | tuple[int, int],
        ci0: Any = None,
        ecore: float = 0.0,
        **kwargs: Any,
    ) -> tuple[float, np.ndarray]:
        """VQE energy (Hartree, ``ecore`` included) and CI vector ``(C(n,na), C(n,nb))``.

        The CI vector is in the orbital order PySCF passed in, whatever order the ansatz used.
        """
        na, nb = _unpack_nelec(nelec, self.spin)
        ham = ActiveSpaceHamiltonian(
            np.asarray(h1e, dtype=float), ao2mo.restore(1, np.asarray(eri), norb), float(ecore)
        )
        previous = self.solutions[-1] if self.solutions else None
        solution = solve_sector(ham, (na, nb), self.settings, warm_start=previous)
        self.solutions.append(solution)
        self.converged = bool(solution.vqe.converged)
        self.eci = solution.energy_hartree
        self.ci = solution.ci_vector
        return solution.energy_hartree, self.ci

    def approx_kernel(self, *args: Any, **kwargs: Any) -> tuple[float, np.ndarray]:
        return self.kernel(*args, **kwargs)

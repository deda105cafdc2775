"""One VQE solve of one sector of one Hamiltonian, with the ansatz chosen by name.

Shared by :mod:`.calculation` and the PySCF fcisolver adapter (:mod:`.fcisolver`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.quantum.adapt import adapt_kernel
from pipeline.quantum.ansatz import build_ansatz
from pipeline.quantum.excitations import Ansatz
from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian
from pipeline.quantum.settings import QuantumSettings
from pipeline.quantum.vqe import VQEResult, vqe_kernel


@dataclass
class SectorSolution:
    """The optimized ansatz of one ``nelec`` sector and its VQE result."""

    nelec: tuple[int, int]
    ansatz: Ansatz
    vqe: VQEResult

    @property
    def energy_hartree(self) -> float:
        return self.vqe.energy_hartree


def solve_sector(
    ham: ActiveSpaceHamiltonian,
    nelec: tuple[int, int],
    settings: QuantumSettings,
    *,
    x0: np.ndarray | None = None,
) -> SectorSolution:
    """VQE (or ADAPT-VQE) for ``ham`` in the ``nelec = (n_alpha, n_beta)`` sector.

    Args:
        ham: active-space Hamiltonian.
        nelec: electrons of each spin in the active space.
        settings: ansatz, optimizer, tolerance, layer counts, ADAPT thresholds.
        x0: warm-start parameters for a fixed ansatz (ignored for ADAPT or a shape mismatch).
    """
    if settings.ansatz == "adapt":
        res = adapt_kernel(
            ham,
            nelec,
            gradient_threshold=settings.adapt_gradient_threshold,
            max_operators=settings.adapt_max_operators,
            pool_kind=settings.adapt_pool,
            tetris=settings.adapt_tetris,
            inner_max_iterations=settings.adapt_inner_max_iterations,
            optimizer=settings.optimizer,
            tol=settings.tolerance,
            max_iterations=settings.max_iterations,
        )
        return SectorSolution(nelec, res.ansatz, res.vqe)
    ansatz = build_ansatz(
        settings.ansatz,
        ham,
        nelec,
        kupccgsd_layers=settings.kupccgsd_layers,
        hea_layers=settings.hea_layers,
    )
    if x0 is not None and np.shape(x0) != (ansatz.n_parameters,):
        x0 = None
    vqe = vqe_kernel(
        ham,
        ansatz,
        x0,
        optimizer=settings.optimizer,
        tol=settings.tolerance,
        max_iterations=settings.max_iterations,
    )
    return SectorSolution(nelec, ansatz, vqe)

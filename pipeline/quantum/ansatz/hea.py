"""Hardware-efficient ansatz that conserves particle number and Sz.

Our fast engine works in the fixed (N, Sz) sector, so this ansatz is built only from real,
number- and Sz-conserving two-qubit-local generators, in brick layers:

* Givens rotations ``exp(θ (a†_{p+1,σ} a_{p,σ} - h.c.))`` between same-spin neighbouring
  spatial orbitals, first on even then on odd ``p``, separately for alpha and beta
  (independent angles: spin symmetry is not imposed);
* pair entanglers ``exp(θ (a†_{p+1,α} a†_{p+1,β} a_{p,β} a_{p,α} - h.c.))`` between
  neighbouring spatial orbitals, even then odd ``p``.

Every generator is real, so the state stays real and both engines simulate it exactly. The
brick pattern, not the chemistry, fixes the structure, which is what "hardware efficient"
means here; with enough layers it spans the sector.
"""

from __future__ import annotations

import numpy as np

from pipeline.quantum.errors import AnsatzError
from pipeline.quantum.excitations import (
    Ansatz,
    Excitation,
    check_layers,
    check_sector,
    double,
    from_groups,
    single,
)


def build_hea(
    n_orbitals: int,
    nelec: tuple[int, int],
    layers: int = 4,
    *,
    seed: int = 11,
    scale: float = 1e-1,
) -> Ansatz:
    """Particle/Sz-conserving brick-layer ansatz; starting angles ~ N(0, scale²) (fixed seed).

    Raises:
        AnsatzError: a sector that does not fit, ``layers < 1``, or a single orbital (no
            neighbour to entangle).
    """
    check_sector("hea", n_orbitals, nelec)
    check_layers("hea", layers)
    if n_orbitals < 2:
        raise AnsatzError("hea: needs at least two active orbitals (nearest-neighbour gates)")
    groups: list[list[Excitation]] = []
    for _ in range(layers):
        for parity in (0, 1):
            for spin in (0, 1):
                groups += [[single(p, p + 1, spin)] for p in range(parity, n_orbitals - 1, 2)]
        for parity in (0, 1):
            groups += [
                [double(p, 0, p, 1, p + 1, 0, p + 1, 1)] for p in range(parity, n_orbitals - 1, 2)
            ]
    x0 = scale * np.random.default_rng(seed).standard_normal(len(groups))
    return from_groups("hea", n_orbitals, nelec, groups, x0)

"""k-UpCCGSD: k layers of generalized singles (alpha/beta shared) and generalized pair doubles.

Each layer is ``prod_{p<q} exp(θ G^pair_{pq}) prod_{p<q} exp(θ' (G^α_{pq} + G^β_{pq}))`` with its
own parameters (Lee, Huggins, Head-Gordon, Whaley, JCTC 2019).
"""

from __future__ import annotations

import numpy as np

from pipeline.quantum.errors import AnsatzError
from pipeline.quantum.excitations import (
    Ansatz,
    Excitation,
    check_layers,
    check_sector,
    from_groups,
    generalized_singles_groups,
    paired_doubles_groups,
)


def build_kupccgsd(
    n_orbitals: int,
    nelec: tuple[int, int],
    layers: int = 2,
    *,
    seed: int = 7,
    scale: float = 1e-2,
) -> Ansatz:
    """k-UpCCGSD with ``layers`` layers; starting angles ~ N(0, scale²) (fixed seed).

    Raises:
        AnsatzError: a sector that does not fit, ``layers < 1``, or a single orbital (no
            generalized excitation).
    """
    check_sector("kupccgsd", n_orbitals, nelec)
    check_layers("kupccgsd", layers)
    if n_orbitals < 2:
        raise AnsatzError("kupccgsd: needs at least two active orbitals")
    groups: list[list[Excitation]] = []
    for _ in range(layers):
        groups += paired_doubles_groups(n_orbitals) + generalized_singles_groups(n_orbitals)
    x0 = scale * np.random.default_rng(seed).standard_normal(len(groups))
    return from_groups("kupccgsd", n_orbitals, nelec, groups, x0)

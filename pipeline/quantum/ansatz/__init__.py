"""Ansätze by name: ``uccsd``, ``kupccgsd``, ``hea`` (``adapt`` is grown in :mod:`..adapt`)."""

from __future__ import annotations

from pipeline.quantum.ansatz.hea import build_hea
from pipeline.quantum.ansatz.kupccgsd import build_kupccgsd
from pipeline.quantum.ansatz.uccsd import build_uccsd
from pipeline.quantum.errors import AnsatzError
from pipeline.quantum.excitations import Ansatz
from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian

ANSATZ_NAMES = ("uccsd", "kupccgsd", "hea")


def build_ansatz(
    name: str,
    ham: ActiveSpaceHamiltonian,
    nelec: tuple[int, int],
    *,
    kupccgsd_layers: int = 2,
    hea_layers: int = 4,
) -> Ansatz:
    """Build the fixed-structure ansatz ``name`` for the ``nelec`` sector of ``ham``."""
    if name == "uccsd":
        return build_uccsd(ham, nelec)
    if name == "kupccgsd":
        return build_kupccgsd(ham.n_orbitals, nelec, kupccgsd_layers)
    if name == "hea":
        return build_hea(ham.n_orbitals, nelec, hea_layers)
    raise AnsatzError(f"unknown ansatz {name!r} (allowed: {', '.join(ANSATZ_NAMES)}, adapt)")


__all__ = ["ANSATZ_NAMES", "build_ansatz", "build_hea", "build_kupccgsd", "build_uccsd"]

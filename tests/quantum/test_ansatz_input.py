"""Bad input to each ansatz builder is one clear AnsatzError, not a silent empty ansatz."""

from __future__ import annotations

import pytest
from quantum.cases import H2, H2O, active_hamiltonian

from pipeline.quantum.adapt import adapt_kernel
from pipeline.quantum.ansatz import build_ansatz, build_hea, build_kupccgsd, build_uccsd
from pipeline.quantum.errors import AnsatzError


@pytest.mark.parametrize("build", [build_hea, build_kupccgsd])
@pytest.mark.parametrize(
    ("n_orbitals", "nelec", "layers", "message"),
    [
        (4, (5, 0), 2, r"nelec=\(5, 0\) does not fit 4 orbitals"),
        (4, (-1, 2), 2, "does not fit"),
        (0, (0, 0), 2, "at least one active orbital"),
        (4, (2, 2), 0, "at least one layer"),
        (1, (1, 0), 2, "at least two active orbitals"),
    ],
)
def test_layered_builders_refuse_bad_input(
    build, n_orbitals: int, nelec: tuple[int, int], layers: int, message: str
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnsatzError, match=message):
        build(n_orbitals, nelec, layers)


def test_uccsd_refuses_bad_sectors() -> None:
    ham, _ = active_hamiltonian(H2, 2, 2)
    with pytest.raises(AnsatzError, match="does not fit 2 orbitals"):
        build_uccsd(ham, (3, 1))
    with pytest.raises(AnsatzError, match="no occupied -> virtual excitations"):
        build_uccsd(ham, (2, 2))  # both orbitals full


def test_unknown_ansatz_name() -> None:
    ham, nelec = active_hamiltonian(H2, 2, 2)
    with pytest.raises(AnsatzError, match="unknown ansatz 'qaoa'"):
        build_ansatz("qaoa", ham, nelec)


def test_adapt_refuses_bad_input() -> None:
    ham, nelec = active_hamiltonian(H2O, 4, 4)
    with pytest.raises(AnsatzError, match="does not fit"):
        adapt_kernel(ham, (5, 2))
    with pytest.raises(AnsatzError, match="must be positive"):
        adapt_kernel(ham, nelec, gradient_threshold=0.0)
    with pytest.raises(AnsatzError, match="must be positive"):
        adapt_kernel(ham, nelec, max_operators=0)
    with pytest.raises(AnsatzError, match="empty ADAPT pool"):
        adapt_kernel(ham, nelec, pool=[])

"""Fermionic excitation generators and the :class:`Ansatz` they form.

An excitation ``T = a†_{c0} a†_{c1} ... a_{a0} a_{a1} ...`` (operators in the written order,
spin orbitals numbered as OpenFermion does: ``2p`` alpha, ``2p + 1`` beta) gives the real
anti-Hermitian generator ``G = T - T†``. Because the creation and annihilation sets are
disjoint, ``G³ = -G`` and ``exp(θG) = 1 + sin θ G + (1 - cos θ) G²``: on every pair of
determinants it connects, ``exp(θG)`` is a plane (Givens) rotation by ``θ``.

An ansatz is an ordered product ``U(θ) = exp(x_K G_K) ... exp(x_1 G_1)`` acting on the
reference determinant (lowest ``n_alpha`` alpha and ``n_beta`` beta orbitals occupied), with
``x_k = θ[parameter_index[k]]``; several excitations may share one parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import openfermion as of

from pipeline.quantum.errors import AnsatzError


@dataclass(frozen=True)
class Excitation:
    """``T = a†_{creation[0]} a†_{creation[1]} ... a_{annihilation[0]} a_{annihilation[1]} ...``.

    Spin orbitals: ``2p`` alpha, ``2p + 1`` beta. Must conserve the number of each spin.
    """

    creation: tuple[int, ...]
    annihilation: tuple[int, ...]

    def __post_init__(self) -> None:
        if set(self.creation) & set(self.annihilation):
            raise AnsatzError(f"excitation {self} creates and annihilates the same spin orbital")
        if len(set(self.creation)) != len(self.creation) or len(set(self.annihilation)) != len(
            self.annihilation
        ):
            raise AnsatzError(f"excitation {self} repeats a spin orbital")
        for spin in (0, 1):
            n_cre = sum(1 for p in self.creation if p % 2 == spin)
            n_ann = sum(1 for p in self.annihilation if p % 2 == spin)
            if n_cre != n_ann:
                raise AnsatzError(f"excitation {self} does not conserve the number of each spin")

    @property
    def operators(self) -> tuple[tuple[int, int], ...]:
        """OpenFermion term: ``((spin_orbital, 1 for creation / 0 for annihilation), ...)``."""
        return tuple((p, 1) for p in self.creation) + tuple((p, 0) for p in self.annihilation)

    def generator(self) -> of.FermionOperator:
        """``T - T†`` as an OpenFermion ``FermionOperator``."""
        t = of.FermionOperator(self.operators, 1.0)
        return t - of.hermitian_conjugated(t)


@dataclass(frozen=True)
class Ansatz:
    """A product of exponentials of excitation generators on the reference determinant.

    Attributes:
        name: ``"uccsd"``, ``"kupccgsd"``, ``"hea"`` or ``"adapt"``.
        n_orbitals: active spatial orbitals (qubits = 2 * n_orbitals).
        nelec: ``(n_alpha, n_beta)`` of the sector.
        excitations: applied to the reference in this order (first = rightmost factor).
        parameter_index: for each excitation, which parameter is its angle.
        n_parameters: number of independent parameters.
        initial_parameters: starting point, shape ``(n_parameters,)``, radians.
    """

    name: str
    n_orbitals: int
    nelec: tuple[int, int]
    excitations: tuple[Excitation, ...]
    parameter_index: tuple[int, ...]
    n_parameters: int
    initial_parameters: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.excitations) != len(self.parameter_index):
            raise AnsatzError("one parameter index per excitation is required")
        if self.initial_parameters.shape != (self.n_parameters,):
            raise AnsatzError(
                f"initial_parameters has shape {self.initial_parameters.shape}, "
                f"expected ({self.n_parameters},)"
            )
        n_so = 2 * self.n_orbitals
        for exc in self.excitations:
            if any(p >= n_so for p in exc.creation + exc.annihilation):
                raise AnsatzError(f"{exc} acts outside {n_so} spin orbitals")

    @property
    def n_qubits(self) -> int:
        return 2 * self.n_orbitals

    def reference_occupation(self) -> list[int]:
        """Occupied spin orbitals of the reference determinant (OpenFermion numbering)."""
        na, nb = self.nelec
        return [2 * i for i in range(na)] + [2 * i + 1 for i in range(nb)]


def check_sector(name: str, n_orbitals: int, nelec: tuple[int, int]) -> None:
    """Refuse a sector that cannot exist: no orbitals, or electrons that do not fit.

    Raises:
        AnsatzError: naming the ansatz, the sector and the limit.
    """
    if n_orbitals < 1:
        raise AnsatzError(f"{name}: needs at least one active orbital, got {n_orbitals}")
    if len(nelec) != 2 or min(nelec) < 0 or max(nelec) > n_orbitals:
        raise AnsatzError(
            f"{name}: nelec={tuple(nelec)} does not fit {n_orbitals} orbitals "
            f"(need 0 <= n_alpha, n_beta <= {n_orbitals})"
        )


def check_layers(name: str, layers: int) -> None:
    """Raises AnsatzError unless ``layers >= 1``."""
    if layers < 1:
        raise AnsatzError(f"{name}: needs at least one layer, got {layers}")


def from_groups(
    name: str,
    n_orbitals: int,
    nelec: tuple[int, int],
    groups: Sequence[Sequence[Excitation]],
    initial_parameters: np.ndarray | None = None,
) -> Ansatz:
    """An :class:`Ansatz` with one parameter per group of excitations (groups in order)."""
    excitations: list[Excitation] = []
    index: list[int] = []
    for k, group in enumerate(groups):
        for exc in group:
            excitations.append(exc)
            index.append(k)
    x0 = np.zeros(len(groups)) if initial_parameters is None else np.asarray(initial_parameters)
    return Ansatz(name, n_orbitals, nelec, tuple(excitations), tuple(index), len(groups), x0)


def single(p_from: int, p_to: int, spin: int) -> Excitation:
    """``a†_{p_to,σ} a_{p_from,σ}`` between spatial orbitals (σ = 0 alpha, 1 beta)."""
    return Excitation((2 * p_to + spin,), (2 * p_from + spin,))


def double(i: int, si: int, j: int, sj: int, a: int, sa: int, b: int, sb: int) -> Excitation:
    """``a†_{a,sa} a†_{b,sb} a_{j,sj} a_{i,si}`` between spatial orbitals with spins."""
    return Excitation((2 * a + sa, 2 * b + sb), (2 * j + sj, 2 * i + si))


def occupied_virtual(n_orbitals: int, n: int) -> tuple[range, range]:
    return range(n), range(n, n_orbitals)


def singles_doubles_groups(
    n_orbitals: int, nelec: tuple[int, int], *, spin_adapted: bool = True
) -> tuple[list[list[Excitation]], list[list[Excitation]]]:
    """Occupied -> virtual singles and doubles of the reference, grouped by shared parameter.

    With ``spin_adapted`` and a closed-shell sector (``n_alpha == n_beta``), spin-flip partners
    share one parameter: alpha/beta singles ``i -> a``; alpha-alpha/beta-beta doubles; and the
    alpha-beta doubles ``(iα jβ -> aα bβ)`` and ``(jα iβ -> bα aβ)``. Otherwise every
    excitation has its own parameter.

    Returns:
        ``(single_groups, double_groups)``.
    """
    na, nb = nelec
    occ_a, vir_a = occupied_virtual(n_orbitals, na)
    occ_b, vir_b = occupied_virtual(n_orbitals, nb)
    tie = spin_adapted and na == nb
    singles: list[list[Excitation]] = []
    if tie:
        singles = [[single(i, a, 0), single(i, a, 1)] for i in occ_a for a in vir_a]
    else:
        singles = [[single(i, a, 0)] for i in occ_a for a in vir_a]
        singles += [[single(i, a, 1)] for i in occ_b for a in vir_b]
    doubles: list[list[Excitation]] = []
    same_a = [
        double(i, 0, j, 0, a, 0, b, 0)
        for i, j in combinations(occ_a, 2)
        for a, b in combinations(vir_a, 2)
    ]
    same_b = [
        double(i, 1, j, 1, a, 1, b, 1)
        for i, j in combinations(occ_b, 2)
        for a, b in combinations(vir_b, 2)
    ]
    if tie:
        doubles += [[x, y] for x, y in zip(same_a, same_b, strict=True)]
    else:
        doubles += [[x] for x in same_a] + [[y] for y in same_b]
    seen: set[tuple[int, int, int, int]] = set()
    for i in occ_a:
        for j in occ_b:
            for a in vir_a:
                for b in vir_b:
                    if (i, j, a, b) in seen:
                        continue
                    group = [double(i, 0, j, 1, a, 0, b, 1)]
                    seen.add((i, j, a, b))
                    if tie and (j, i, b, a) != (i, j, a, b):
                        group.append(double(j, 0, i, 1, b, 0, a, 1))
                        seen.add((j, i, b, a))
                    doubles.append(group)
    return singles, doubles


def generalized_singles_groups(n_orbitals: int) -> list[list[Excitation]]:
    """All spatial ``p -> q`` (p < q) singles, alpha and beta sharing one parameter."""
    return [[single(p, q, 0), single(p, q, 1)] for p, q in combinations(range(n_orbitals), 2)]


def paired_doubles_groups(n_orbitals: int) -> list[list[Excitation]]:
    """All pair excitations ``(pα pβ) -> (qα qβ)`` for p < q, one parameter each."""
    return [[double(p, 0, p, 1, q, 0, q, 1)] for p, q in combinations(range(n_orbitals), 2)]


def generalized_pool_groups(
    n_orbitals: int, nelec: tuple[int, int], *, spin_adapted: bool = True
) -> list[list[Excitation]]:
    """Generalized singles and doubles (any orbitals, not only occupied -> virtual).

    With ``spin_adapted`` and a closed-shell sector, spin-flip partners share a parameter as
    in :func:`singles_doubles_groups`; alpha-beta doubles that are odd under spin flip
    (``(pα qβ) -> (qα pβ)``-type) are left out, as they only mix in other spin states.

    Returns:
        groups: generalized singles, same-spin doubles, then alpha-beta doubles.
    """
    tie = spin_adapted and nelec[0] == nelec[1]
    pairs = list(combinations(range(n_orbitals), 2))
    groups: list[list[Excitation]] = []
    for p, q in pairs:
        members = [single(p, q, 0), single(p, q, 1)]
        groups += [members] if tie else [[m] for m in members]
    for k, (p, q) in enumerate(pairs):
        for r, s in pairs[k + 1 :]:
            if {p, q} & {r, s}:
                continue
            members = [double(p, 0, q, 0, r, 0, s, 0), double(p, 1, q, 1, r, 1, s, 1)]
            groups += [members] if tie else [[m] for m in members]
    seen: set[tuple[int, int, int, int]] = set()
    orbitals = range(n_orbitals)
    for p in orbitals:
        for q in orbitals:
            for r in orbitals:
                for s in orbitals:
                    if r == p or s == q or (p, q) >= (r, s) or (p, q, r, s) in seen:
                        continue
                    seen.add((p, q, r, s))
                    this = double(p, 0, q, 1, r, 0, s, 1)
                    if not tie:
                        groups.append([this])
                        continue
                    if (q, p) == (p, q) and (s, r) == (r, s):
                        groups.append([this])  # its own spin-flip partner
                    elif (q, p) == (r, s):
                        continue  # spin-flip odd
                    else:
                        partner = (q, p, s, r) if (q, p) < (s, r) else (s, r, q, p)
                        seen.add(partner)
                        groups.append([this, double(q, 0, p, 1, s, 0, r, 1)])
    return groups

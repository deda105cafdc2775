"""Reactivity descriptors from the N, N-1 and N+1 electron energies of ONE Hamiltonian.

All energies are in Hartree (same orbitals, same integrals, same frozen core), so the
differences are vertical:

* ionization potential ``IP = E(N-1) - E(N)``
* electron affinity ``EA = E(N) - E(N+1)``
* fundamental gap ``IP - EA``
* chemical potential ``μ = -(IP + EA) / 2``
* hardness ``η = IP - EA`` (this convention; some texts use ``(IP - EA) / 2``)
* electrophilicity ``ω = μ² / (2η)`` (Parr, Szentpály, Liu, J. Am. Chem. Soc. 121, 1922 (1999)),
  the energy lowering when the molecule takes ``ΔN = -μ/η`` electrons from its surroundings;
  it means something only for ``μ < 0`` and ``η > 0`` and is ``None`` otherwise
  (:attr:`ReactivityDescriptors.electrophilicity_undefined_reason` says why)
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.quantum.errors import ActiveSpaceError

HARTREE_TO_EV = 27.211386245988  # CODATA 2018
HARDNESS_CONVENTION = "eta = IP - EA (not halved); omega = mu^2 / (2 eta)"


def cation_nelec(nelec: tuple[int, int]) -> tuple[int, int]:
    """``(n_alpha, n_beta)`` with one electron removed, keeping ``n_alpha >= n_beta``.

    Raises:
        ActiveSpaceError: the active space holds no electron.
    """
    na, nb = nelec
    if na + nb == 0:
        raise ActiveSpaceError("cannot ionize: the active space holds no electron")
    return (na - 1, nb) if na > nb else (na, nb - 1)


def anion_nelec(nelec: tuple[int, int], n_orbitals: int) -> tuple[int, int]:
    """``(n_alpha, n_beta)`` with one electron added, keeping ``n_alpha >= n_beta``.

    Raises:
        ActiveSpaceError: the active space is full.
    """
    na, nb = nelec
    new = (na, nb + 1) if na > nb else (na + 1, nb)
    if max(new) > n_orbitals:
        raise ActiveSpaceError(
            f"cannot add an electron: {n_orbitals} active orbitals are full with nelec={nelec}"
        )
    return new


def ion_sector_candidates(
    nelec: tuple[int, int], n_orbitals: int, change: int
) -> list[tuple[int, int]]:
    """The ``(n_alpha, n_beta)`` sectors with one electron removed (``change=-1``) or added
    (``+1``), alpha or beta, written with ``n_alpha >= n_beta``, highest spin first.

    Raises:
        ActiveSpaceError: no such sector fits (no electron to remove, or the space is full).
    """
    if change == -1:
        cation_nelec(nelec)  # raises with the reason when there is nothing to remove
    else:
        anion_nelec(nelec, n_orbitals)
    na, nb = nelec
    found = set()
    for a, b in ((na + change, nb), (na, nb + change)):
        a, b = max(a, b), min(a, b)
        if b >= 0 and a <= n_orbitals:
            found.add((a, b))
    return sorted(found, key=lambda s: s[1] - s[0])


def lowest_sector(
    energies: dict[tuple[int, int], float], tolerance_hartree: float = 1e-7
) -> tuple[int, int]:
    """The sector of lowest energy; among sectors within ``tolerance_hartree`` of it (the
    components of one spin multiplet), the one of highest ``n_alpha - n_beta``.

    A triplet ion is then solved in its M_S = 1 sector, where the spin-adapted ansätze (built
    for singlets when ``n_alpha == n_beta``) can reach it.
    """
    e_min = min(energies.values())
    close = [s for s, e in energies.items() if e - e_min <= tolerance_hartree]
    return max(close, key=lambda s: (s[0] - s[1], s))


@dataclass(frozen=True)
class ReactivityDescriptors:
    """Vertical IP and EA (Hartree) and the descriptors derived from them."""

    ionization_potential_hartree: float
    electron_affinity_hartree: float

    @property
    def fundamental_gap_hartree(self) -> float:
        return self.ionization_potential_hartree - self.electron_affinity_hartree

    @property
    def hardness_hartree(self) -> float:
        """``η = IP - EA`` (not halved)."""
        return self.ionization_potential_hartree - self.electron_affinity_hartree

    @property
    def chemical_potential_hartree(self) -> float:
        return -(self.ionization_potential_hartree + self.electron_affinity_hartree) / 2.0

    @property
    def electrophilicity_undefined_reason(self) -> str | None:
        """Why ``ω`` is not defined here (``None`` when it is)."""
        if self.hardness_hartree <= 0.0:
            return "hardness eta = IP - EA <= 0: omega = mu^2 / (2 eta) is undefined"
        if self.chemical_potential_hartree >= 0.0:
            return "undefined for mu >= 0: the molecule would not take up electrons (-mu/eta <= 0)"
        return None

    @property
    def electrophilicity_hartree(self) -> float | None:
        """``ω = μ² / (2η)``; ``None`` when ``η <= 0`` or ``μ >= 0`` (undefined)."""
        if self.electrophilicity_undefined_reason is not None:
            return None
        return self.chemical_potential_hartree**2 / (2.0 * self.hardness_hartree)


def reactivity_descriptors(
    energy_n_hartree: float, energy_cation_hartree: float, energy_anion_hartree: float
) -> ReactivityDescriptors:
    """Descriptors from ``E(N)``, ``E(N-1)`` and ``E(N+1)`` of one Hamiltonian (Hartree)."""
    return ReactivityDescriptors(
        ionization_potential_hartree=energy_cation_hartree - energy_n_hartree,
        electron_affinity_hartree=energy_n_hartree - energy_anion_hartree,
    )

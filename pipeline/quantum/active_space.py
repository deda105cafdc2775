"""Active-space selection: (n_electrons, n_orbitals) around HOMO/LUMO with a frozen core, or
automatically from MP2 natural-orbital occupations.

Orbitals are returned in the order core | active | virtual as columns of ``mo_coeff``.

Degenerate shells are kept whole: where a window boundary (core | active or active | virtual)
falls inside a set of (near-)degenerate orbitals (consecutive orbital energies, or MP2 natural
occupations, closer than ``degeneracy_threshold``), the window is enlarged to take the whole
shell (``degenerate_shells="enlarge"``) or shrunk to leave it out (``"shrink"``). Any
orthonormal basis of a degenerate shell is an equally valid set of canonical orbitals, so a
window that cuts a shell depends on the orientation of the molecule; a whole shell does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from pipeline.quantum.errors import ActiveSpaceError

Selection = Literal["homo_lumo", "mp2_natural_orbitals"]
ShellRule = Literal["enlarge", "shrink"]
DEGENERACY_THRESHOLD_HARTREE = 1e-4


@dataclass(frozen=True)
class ActiveSpace:
    """An active space of a mean field.

    Attributes:
        n_core: doubly occupied frozen-core spatial orbitals.
        n_orbitals: active spatial orbitals (qubits = 2 * n_orbitals).
        n_alpha, n_beta: active electrons of each spin.
        mo_coeff: AO x MO coefficients, shape ``(n_ao, n_mo)``, ordered core | active | virtual.
        selection: how the active orbitals were chosen.
        natural_occupations: MP2 natural occupations of the active orbitals (auto mode only).
        note: how the requested window was changed to keep degenerate shells whole ("" if not).
    """

    n_core: int
    n_orbitals: int
    n_alpha: int
    n_beta: int
    mo_coeff: np.ndarray
    selection: Selection
    natural_occupations: tuple[float, ...] = ()
    note: str = ""

    @property
    def n_electrons(self) -> int:
        return self.n_alpha + self.n_beta

    @property
    def nelec(self) -> tuple[int, int]:
        return (self.n_alpha, self.n_beta)


def check_active_space(
    n_electrons_total: int, spin: int, n_mo: int, n_electrons: int, n_orbitals: int
) -> tuple[int, int, int]:
    """Validate a (n_electrons, n_orbitals) request; return ``(n_core, n_alpha, n_beta)``.

    Raises:
        ActiveSpaceError: the request does not fit (message says which limit is broken).
    """
    if n_orbitals < 1:
        raise ActiveSpaceError(f"need at least one active orbital, got {n_orbitals}")
    if n_electrons < spin or (n_electrons - spin) % 2:
        raise ActiveSpaceError(
            f"{n_electrons} active electrons cannot carry spin 2S={spin}: need n_electrons >= "
            f"{spin} with n_electrons - 2S even"
        )
    if n_electrons > n_electrons_total:
        raise ActiveSpaceError(
            f"{n_electrons} active electrons requested but the molecule has {n_electrons_total}"
        )
    if (n_electrons_total - n_electrons) % 2:
        raise ActiveSpaceError(
            f"{n_electrons_total - n_electrons} core electrons is odd: the frozen core must be "
            "doubly occupied"
        )
    n_core = (n_electrons_total - n_electrons) // 2
    n_alpha = (n_electrons + spin) // 2
    n_beta = (n_electrons - spin) // 2
    if n_alpha > n_orbitals:
        raise ActiveSpaceError(
            f"{n_alpha} alpha electrons do not fit in {n_orbitals} active orbitals "
            f"(CAS({n_electrons},{n_orbitals}), spin 2S={spin})"
        )
    if n_core + n_orbitals > n_mo:
        raise ActiveSpaceError(
            f"CAS({n_electrons},{n_orbitals}) needs {n_core} core + {n_orbitals} active orbitals "
            f"but the basis has only {n_mo} molecular orbitals (at most {n_mo - n_core} active)"
        )
    return n_core, n_alpha, n_beta


def whole_shell_bounds(
    values: np.ndarray, lo: int, hi: int, threshold: float, rule: ShellRule
) -> tuple[int, int]:
    """Move the window ``[lo, hi)`` of sorted ``values`` so no boundary cuts a shell.

    Two neighbours belong to one shell when their values differ by less than ``threshold``.
    ``rule="enlarge"`` moves ``lo`` down and ``hi`` up, ``"shrink"`` moves them inwards.
    """
    n = len(values)

    def cut(k: int) -> bool:
        return 0 < k < n and abs(values[k] - values[k - 1]) < threshold

    if rule not in ("enlarge", "shrink"):
        raise ActiveSpaceError(f"unknown degenerate-shell rule {rule!r} (allowed: enlarge, shrink)")
    step = -1 if rule == "enlarge" else 1
    while cut(lo) and lo < hi:
        lo += step
    while cut(hi) and hi > lo:
        hi -= step
    return lo, hi


def _shell_note(requested: tuple[int, int], got: tuple[int, int], rule: ShellRule) -> str:
    if requested == got:
        return ""
    verb = "enlarged" if rule == "enlarge" else "shrunk"
    return (
        f"CAS({requested[0]},{requested[1]}) {verb} to CAS({got[0]},{got[1]}) to keep "
        "degenerate orbital shells whole"
    )


def select_homo_lumo(
    mf: Any,
    n_electrons: int,
    n_orbitals: int,
    *,
    degeneracy_threshold: float = DEGENERACY_THRESHOLD_HARTREE,
    degenerate_shells: ShellRule = "enlarge",
) -> ActiveSpace:
    """The ``n_orbitals`` canonical orbitals around HOMO/LUMO holding ``n_electrons``.

    The window is then widened or narrowed (``degenerate_shells``) so that no boundary splits
    orbitals whose energies differ by less than ``degeneracy_threshold`` (Hartree); the
    result's ``note`` says so.

    Raises:
        ActiveSpaceError: the request, or the whole-shell window, does not fit.
    """
    mol = mf.mol
    mo = np.asarray(mf.mo_coeff)
    n_core, _, _ = check_active_space(mol.nelectron, mol.spin, mo.shape[1], n_electrons, n_orbitals)
    energies = np.asarray(mf.mo_energy, dtype=float)
    lo, hi = whole_shell_bounds(
        energies, n_core, n_core + n_orbitals, degeneracy_threshold, degenerate_shells
    )
    n_el, n_orb = mol.nelectron - 2 * lo, hi - lo
    note = _shell_note((n_electrons, n_orbitals), (n_el, n_orb), degenerate_shells)
    try:
        n_core, na, nb = check_active_space(mol.nelectron, mol.spin, mo.shape[1], n_el, n_orb)
    except ActiveSpaceError as exc:
        raise ActiveSpaceError(f"{note}, which does not fit: {exc}") from None
    if note and (nb == n_orb or na == 0):
        raise ActiveSpaceError(
            f"{note}, which leaves nothing to correlate (no empty or no occupied active "
            "orbital): use degenerate_shells='enlarge' or a larger window"
        )
    return ActiveSpace(n_core, n_orb, na, nb, mo, "homo_lumo", note=note)


def select_mp2_natural_orbitals(
    mf: Any,
    n_orbitals: int,
    *,
    degeneracy_threshold: float = DEGENERACY_THRESHOLD_HARTREE,
    degenerate_shells: ShellRule = "enlarge",
) -> ActiveSpace:
    """Choose ``n_orbitals`` MP2 natural orbitals with the most fractional occupations.

    Closed shells only. The number of active electrons follows from the choice: two for every
    chosen orbital with occupation above 1. Natural orbitals with occupation > 1 that are not
    chosen form the frozen core. Natural orbitals whose occupations differ by less than
    ``degeneracy_threshold`` are taken or left together (``degenerate_shells``).

    Raises:
        ActiveSpaceError: open-shell molecule, or ``n_orbitals`` larger than the basis.
    """
    from pyscf import mp

    mol = mf.mol
    if mol.spin != 0:
        raise ActiveSpaceError("MP2 natural-orbital selection is implemented for closed shells")
    n_mo = np.asarray(mf.mo_coeff).shape[1]
    if n_orbitals > n_mo:
        raise ActiveSpaceError(f"{n_orbitals} active orbitals requested, basis has {n_mo}")
    pt = mp.MP2(mf)
    pt.verbose = 0
    pt.kernel()
    dm_mo = pt.make_rdm1()
    occ, vecs = np.linalg.eigh(dm_mo)
    order = np.argsort(-occ)
    occ, vecs = occ[order], vecs[:, order]
    no_coeff = np.asarray(mf.mo_coeff) @ vecs
    ranking = np.argsort(-np.minimum(occ, 2.0 - occ), kind="stable")
    # Orbitals of one degenerate shell have equal occupations; keep the ranked cut off them.
    _, n_take = whole_shell_bounds(
        occ[ranking], 0, n_orbitals, degeneracy_threshold, degenerate_shells
    )
    if n_take == 0:
        raise ActiveSpaceError(
            f"no MP2 natural orbital left after keeping degenerate shells whole "
            f"({n_orbitals} requested)"
        )
    active = np.sort(ranking[:n_take])
    core = [i for i in range(n_mo) if occ[i] > 1.0 and i not in set(active)]
    virtual = [i for i in range(n_mo) if occ[i] <= 1.0 and i not in set(active)]
    n_el = 2 * int(np.sum(occ[active] > 1.0))
    coeff = np.hstack([no_coeff[:, core], no_coeff[:, active], no_coeff[:, virtual]])
    n_core, na, nb = check_active_space(mol.nelectron, 0, n_mo, n_el, n_take)
    note = ""
    if n_take != n_orbitals:
        verb = "enlarged" if degenerate_shells == "enlarge" else "shrunk"
        note = (
            f"{n_orbitals} natural orbitals {verb} to {n_take} (CAS({n_el},{n_take})) to keep "
            "degenerate natural orbitals whole"
        )
    return ActiveSpace(
        n_core,
        n_take,
        na,
        nb,
        coeff,
        "mp2_natural_orbitals",
        tuple(float(x) for x in occ[active]),
        note,
    )


def select_active_space(
    mf: Any,
    n_electrons: int,
    n_orbitals: int,
    selection: Selection = "homo_lumo",
    *,
    degeneracy_threshold: float = DEGENERACY_THRESHOLD_HARTREE,
    degenerate_shells: ShellRule = "enlarge",
) -> ActiveSpace:
    """Dispatch to :func:`select_homo_lumo` or :func:`select_mp2_natural_orbitals`."""
    if selection == "homo_lumo":
        return select_homo_lumo(
            mf,
            n_electrons,
            n_orbitals,
            degeneracy_threshold=degeneracy_threshold,
            degenerate_shells=degenerate_shells,
        )
    if selection == "mp2_natural_orbitals":
        return select_mp2_natural_orbitals(
            mf,
            n_orbitals,
            degeneracy_threshold=degeneracy_threshold,
            degenerate_shells=degenerate_shells,
        )
    raise ActiveSpaceError(f"unknown active-space selection {selection!r}")


# --- AVAS on chosen atoms (reactivity step) -----------------------------------------------------
def select_avas(
    mf: Any,
    ao_labels: list[str],
    *,
    threshold: float = 0.2,
    max_occupied: int = 3,
    max_virtual: int = 3,
) -> ActiveSpace:
    """AVAS (PySCF ``mcscf.avas``) active space of ``ao_labels``, capped around the Fermi level.

    The AVAS orbitals (canonicalized, ascending energy) projecting onto ``ao_labels`` (e.g.
    ``["0 C 2p", "3 S 3p"]``, minimal-basis AOs of numbered atoms) above ``threshold`` are
    active; of those, only the ``max_occupied`` highest occupied and ``max_virtual`` lowest
    virtual are kept, the rest become core or virtual. Closed shells only.

    Raises:
        ActiveSpaceError: open shell, or AVAS finds no occupied or no virtual orbital.
    """
    from pyscf.mcscf import avas

    mol = mf.mol
    if mol.spin != 0:
        raise ActiveSpaceError("AVAS selection is implemented for closed shells")
    ncas, nelecas, mo = avas.kernel(mf, ao_labels, threshold=threshold, verbose=0)[:3]
    n_occ_act = nelecas // 2
    n_vir_act = ncas - n_occ_act
    if n_occ_act < 1 or n_vir_act < 1:
        raise ActiveSpaceError(
            f"AVAS on {', '.join(ao_labels)} (threshold {threshold}) gave {n_occ_act} occupied "
            f"and {n_vir_act} virtual orbitals; need at least one of each"
        )
    # AVAS orders core | active (occupied, then virtual) | virtual, so dropping active
    # orbitals at either end of the window moves them to core or virtual without reordering.
    n_core0 = (mol.nelectron - nelecas) // 2
    keep_occ, keep_vir = min(n_occ_act, max_occupied), min(n_vir_act, max_virtual)
    start = n_core0 + n_occ_act - keep_occ
    coeff = np.asarray(mo)
    n_orbitals = keep_occ + keep_vir
    note = f"AVAS CAS({nelecas},{ncas}) capped to CAS({2 * keep_occ},{n_orbitals})"
    return ActiveSpace(
        start,
        n_orbitals,
        keep_occ,
        keep_occ,
        coeff,
        "avas",  # type: ignore[arg-type]
        note=note,
    )

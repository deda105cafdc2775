"""Fast exact engine: the state is the CI vector of the fixed (n_alpha, n_beta) sector.

The vector has ``C(n, n_alpha) * C(n, n_beta)`` amplitudes (PySCF's FCI layout, alpha string
major), not ``2**(2n)``. Each excitation generator ``G = T - T†`` is compiled once into index
maps ``(src, tgt, sign)`` with ``T|src> = sign |tgt>``; as ``G³ = -G``, ``exp(xG)`` rotates
every such pair by the angle ``x``:

    c[src] <- cos x c[src] - sign sin x c[tgt]
    c[tgt] <- sign sin x c[src] + cos x c[tgt]

which is a numpy gather/scatter. ``H`` is applied with ``pyscf.fci.direct_spin1``
(``absorb_h1e`` + ``contract_2e``). The gradient takes one forward sweep and one backward
(adjoint) sweep: ``dE/dx_k = 2 <λ_k| G_k |φ_k>`` with ``λ = U_{>k}† H ψ`` and ``φ = U_{≤k} ref``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyscf import lib
from pyscf.fci import cistring, direct_spin1

from pipeline.quantum.excitations import Ansatz, Excitation
from pipeline.quantum.hamiltonian import ActiveSpaceHamiltonian


@dataclass(frozen=True)
class ExcitationMap:
    """CI indices connected by one excitation: ``T|src[k]> = sign[k] |tgt[k]>``.

    ``src``, ``tgt``, ``sign``: flat indices and signs, shape ``(n_pairs,)``. For excitations
    of one spin only, the same pairs as index tuples into the ``(C(n, n_alpha), C(n, n_beta))``
    CI matrix: ``src_key``, ``tgt_key`` (whole alpha rows or whole beta columns) and
    ``block_sign`` broadcastable to that block; the kernels then move whole rows/columns
    (about twice as fast as flat gathers). Mixed-spin excitations use the flat form
    (``block_sign`` is ``None``), which is faster than 2D outer-product indexing.
    """

    src: np.ndarray
    tgt: np.ndarray
    sign: np.ndarray
    src_key: tuple = ()
    tgt_key: tuple = ()
    block_sign: np.ndarray | None = None


def _string_action(
    ops: Sequence[tuple[int, int]], strings: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Act with one spin's operators (spatial orbital, 1 create / 0 annihilate; written order,
    applied right to left) on every occupation string; return ``(src, tgt, sign)`` positions
    into ``strings`` for the strings not annihilated."""
    if not ops:
        idx = np.arange(len(strings))
        return idx, idx, np.ones(len(strings))
    address = {int(s): k for k, s in enumerate(strings)}
    src, tgt, sgn = [], [], []
    for k, s0 in enumerate(strings):
        s = int(s0)
        sign = 1
        for orb, dagger in reversed(ops):
            bit = 1 << orb
            occupied = bool(s & bit)
            if occupied == bool(dagger):
                break
            if bin(s & (bit - 1)).count("1") % 2:
                sign = -sign
            s ^= bit
        else:
            src.append(k)
            tgt.append(address[s])
            sgn.append(sign)
    return np.array(src, dtype=np.intp), np.array(tgt, dtype=np.intp), np.array(sgn, float)


class CIVectorEngine:
    """Exact simulator of excitation-product ansätze for one Hamiltonian and one sector.

    Args:
        ham: active-space Hamiltonian.
        nelec: ``(n_alpha, n_beta)``.
        omp_threads: OpenMP threads for PySCF's ``contract_2e``. One is the default: for the
            small vectors of VQE active spaces thread start-up costs more than it saves, and
            on a shared machine spinning threads slow everyone down.
    """

    def __init__(
        self, ham: ActiveSpaceHamiltonian, nelec: tuple[int, int], *, omp_threads: int = 1
    ) -> None:
        self.ham = ham
        self.omp_threads = omp_threads
        self.nelec = (int(nelec[0]), int(nelec[1]))
        n = ham.n_orbitals
        self.n_orbitals = n
        self.strings_a = cistring.make_strings(range(n), self.nelec[0])
        self.strings_b = cistring.make_strings(range(n), self.nelec[1])
        self.shape = (len(self.strings_a), len(self.strings_b))
        self.dim = self.shape[0] * self.shape[1]
        self._link = (
            cistring.gen_linkstr_index_trilidx(range(n), self.nelec[0]),
            cistring.gen_linkstr_index_trilidx(range(n), self.nelec[1]),
        )
        self._h2eff = direct_spin1.absorb_h1e(ham.h1, ham.eri, n, self.nelec, 0.5)
        self._cache: dict[tuple[int, tuple[tuple[int, int], ...]], tuple[np.ndarray, ...]] = {}
        self.n_h_applications = 0

    # -- vectors -------------------------------------------------------------------------
    def reference(self) -> np.ndarray:
        """The reference determinant (lowest orbitals filled), flat, shape ``(dim,)``."""
        vec = np.zeros(self.dim)
        vec[0] = 1.0
        return vec

    def apply_hamiltonian(self, vec: np.ndarray) -> np.ndarray:
        """``(H - e_core) vec`` for a flat CI vector, shape ``(dim,)``."""
        self.n_h_applications += 1
        with lib.with_omp_threads(self.omp_threads):
            out = direct_spin1.contract_2e(
                self._h2eff, vec.reshape(self.shape), self.n_orbitals, self.nelec, self._link
            )
        return np.asarray(out).ravel()

    def expectation(self, vec: np.ndarray) -> float:
        """``<vec|H|vec>`` in Hartree (core energy included), ``vec`` normalized."""
        return float(vec @ self.apply_hamiltonian(vec)) + self.ham.e_core

    # -- excitations ---------------------------------------------------------------------
    def _spin_part(self, spin: int, ops: tuple[tuple[int, int], ...]) -> tuple[np.ndarray, ...]:
        key = (spin, ops)
        if key not in self._cache:
            strings = self.strings_a if spin == 0 else self.strings_b
            self._cache[key] = _string_action(ops, strings)
        return self._cache[key]

    def compile_excitation(self, exc: Excitation) -> ExcitationMap:
        """Index maps of ``exc`` in this sector (possibly empty)."""
        ops = exc.operators
        # Stable partition of the operator string into alpha then beta operators.
        perm_sign = 1
        n_beta_seen = 0
        for p, _ in ops:
            if p % 2 == 1:
                n_beta_seen += 1
            elif n_beta_seen % 2:
                perm_sign = -perm_sign
        alpha = tuple((p // 2, d) for p, d in ops if p % 2 == 0)
        beta = tuple((p // 2, d) for p, d in ops if p % 2 == 1)
        sa, ta, ga = self._spin_part(0, alpha)
        sb, tb, gb = self._spin_part(1, beta)
        nb = self.shape[1]
        src = (sa[:, None] * nb + sb[None, :]).ravel()
        tgt = (ta[:, None] * nb + tb[None, :]).ravel()
        block_sign = perm_sign * ga[:, None] * gb[None, :]
        sign = block_sign.ravel()
        if not beta:  # rows of the CI matrix
            keys: tuple[tuple, tuple] = ((sa,), (ta,))
            block_sign = perm_sign * ga[:, None]
        elif not alpha:  # columns
            keys = ((slice(None), sb), (slice(None), tb))
            block_sign = perm_sign * gb[None, :]
        else:
            return ExcitationMap(src, tgt, sign)
        return ExcitationMap(src, tgt, sign, keys[0], keys[1], block_sign)

    def compile(self, excitations: Sequence[Excitation]) -> list[ExcitationMap]:
        return [self.compile_excitation(e) for e in excitations]

    # -- kernels -------------------------------------------------------------------------
    def rotate(self, vec: np.ndarray, m: ExcitationMap, angle: float) -> None:
        """In place: ``vec <- exp(angle G) vec`` for a flat vector of shape ``(dim,)``."""
        if m.src.size == 0:
            return
        c, s = np.cos(angle), np.sin(angle)
        if m.block_sign is None:
            a, b = vec[m.src], vec[m.tgt]
            sb = m.sign * s
            vec[m.src] = c * a - sb * b
            vec[m.tgt] = sb * a + c * b
            return
        mat = vec.reshape(self.shape)
        a, b = mat[m.src_key], mat[m.tgt_key]
        sb = m.block_sign * s
        mat[m.src_key] = c * a - sb * b
        mat[m.tgt_key] = sb * a + c * b

    @staticmethod
    def apply_generator(vec: np.ndarray, m: ExcitationMap) -> np.ndarray:
        """``G vec`` (new array)."""
        out = np.zeros_like(vec)
        out[m.tgt] = m.sign * vec[m.src]
        out[m.src] = -m.sign * vec[m.tgt]
        return out

    @staticmethod
    def generator_overlap(bra: np.ndarray, ket: np.ndarray, m: ExcitationMap) -> float:
        """``<bra| G |ket>``."""
        if m.src.size == 0:
            return 0.0
        return float(m.sign @ (bra[m.tgt] * ket[m.src] - bra[m.src] * ket[m.tgt]))

    def state(
        self, maps: Sequence[ExcitationMap], angles: np.ndarray, start: np.ndarray | None = None
    ) -> np.ndarray:
        """``prod_k exp(angles[k] G_k) start`` (start defaults to the reference)."""
        vec = self.reference() if start is None else start.copy()
        for m, x in zip(maps, angles, strict=True):
            self.rotate(vec, m, x)
        return vec

    def energy_and_gradient(
        self, maps: Sequence[ExcitationMap], angles: np.ndarray
    ) -> tuple[float, np.ndarray, np.ndarray]:
        """Energy (Hartree), ``dE/dangles`` (shape ``(K,)``) and the final state.

        One forward sweep, one ``H`` application, one backward sweep.
        """
        psi = self.state(maps, angles)
        lam = self.apply_hamiltonian(psi)
        energy = float(psi @ lam) + self.ham.e_core
        grad = np.zeros(len(maps))
        # λ = U_{>k}† H ψ and φ = U_{≤k} ref, rotated back together, one excitation at a time.
        phi = psi.copy()
        lam_m, phi_m = lam.reshape(self.shape), phi.reshape(self.shape)
        for k in range(len(maps) - 1, -1, -1):
            m = maps[k]
            if m.src.size == 0:
                continue
            if m.block_sign is None:
                lv, pv, src, tgt, sign = lam, phi, m.src, m.tgt, m.sign
            else:
                lv, pv, src, tgt, sign = lam_m, phi_m, m.src_key, m.tgt_key, m.block_sign
            la, lb, pa, pb = lv[src], lv[tgt], pv[src], pv[tgt]
            grad[k] = 2.0 * float(np.sum(sign * (lb * pa - la * pb)))
            c, s = np.cos(angles[k]), -np.sin(angles[k])
            sb = sign * s
            lv[src] = c * la - sb * lb
            lv[tgt] = sb * la + c * lb
            pv[src] = c * pa - sb * pb
            pv[tgt] = sb * pa + c * pb
        return energy, grad, psi


class CompiledAnsatz:
    """An :class:`Ansatz` bound to a :class:`CIVectorEngine`: energy and gradient in θ."""

    def __init__(self, engine: CIVectorEngine, ansatz: Ansatz) -> None:
        if tuple(ansatz.nelec) != engine.nelec or ansatz.n_orbitals != engine.n_orbitals:
            raise ValueError(
                f"ansatz sector {ansatz.nelec}/{ansatz.n_orbitals} orbitals does not match "
                f"engine {engine.nelec}/{engine.n_orbitals}"
            )
        self.engine = engine
        self.ansatz = ansatz
        self.maps = engine.compile(ansatz.excitations)
        self.index = np.asarray(ansatz.parameter_index, dtype=np.intp)

    def angles(self, theta: np.ndarray) -> np.ndarray:
        return np.asarray(theta, float)[self.index] if self.index.size else np.zeros(0)

    def state(self, theta: np.ndarray) -> np.ndarray:
        """Normalized flat CI vector ``U(θ)|ref>``, shape ``(dim,)``."""
        return self.engine.state(self.maps, self.angles(theta))

    def energy(self, theta: np.ndarray) -> float:
        return self.engine.expectation(self.state(theta))

    def energy_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """Energy (Hartree) and gradient w.r.t. θ, shape ``(n_parameters,)``."""
        energy, grad_k, _ = self.engine.energy_and_gradient(self.maps, self.angles(theta))
        grad = np.bincount(self.index, weights=grad_k, minlength=self.ansatz.n_parameters)
        return energy, grad

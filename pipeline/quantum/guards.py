"""What the quantum step refuses before any work: metals, absurd charges, oversized problems.

The method (RHF/ROHF, a small active space around HOMO/LUMO, a minimal or split-valence basis)
is made for closed-shell organic molecules. These checks run on the built PySCF molecule
(exact basis-function count) or, earlier, on element symbols (an estimate before a conformer
is embedded); each refusal is an :class:`InputRejectedError` with one line saying why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from pyscf import gto

from pipeline.quantum.errors import InputRejectedError
from pipeline.quantum.settings import QuantumSettings

# Main-group non-metals and metalloids the method treats (H-He, B-Ne, Si-Ar, As-Kr, Te-Xe).
TREATABLE_ELEMENTS = frozenset(
    {"H", "He", "B", "C", "N", "O", "F", "Ne", "Si", "P", "S", "Cl", "Ar"}
    | {"As", "Se", "Br", "Kr", "Te", "I", "Xe"}
)


def check_elements(symbols: Iterable[str], settings: QuantumSettings) -> None:
    """Refuse metals unless ``settings.allow_metals``.

    Raises:
        InputRejectedError: naming the metal elements found.
    """
    if settings.allow_metals:
        return
    metals = sorted({s for s in symbols if s not in TREATABLE_ELEMENTS})
    if metals:
        raise InputRejectedError(
            f"contains {', '.join(metals)}: the quantum method here (RHF and a small active "
            "space) does not treat metals (set quantum.allow_metals to try anyway)"
        )


def check_charge(charge: int, settings: QuantumSettings) -> None:
    """Refuse a total charge beyond ``settings.max_abs_charge``.

    Raises:
        InputRejectedError: the charge and the limit.
    """
    if abs(charge) > settings.max_abs_charge:
        raise InputRejectedError(
            f"total charge {charge:+d} is beyond ±{settings.max_abs_charge} "
            "(quantum.max_abs_charge)"
        )


@lru_cache(maxsize=256)
def _basis_functions_of(symbol: str, basis: str) -> int:
    """Spherical basis functions of one atom of ``symbol`` in ``basis``."""
    atom = gto.Mole()
    atom.atom = f"{symbol} 0 0 0"
    atom.basis = basis
    atom.spin = gto.charge(symbol) % 2
    atom.verbose = 0
    atom.build(parse_arg=False, dump_input=False)
    return int(atom.nao_nr())


def estimate_basis_functions(symbols: Iterable[str], basis: str) -> int:
    """Basis functions of a molecule with these atoms (hydrogens included) in ``basis``.

    Raises:
        InputRejectedError: PySCF has no ``basis`` for one of the elements.
    """
    total = 0
    for symbol, count in Counter(symbols).items():
        try:
            total += count * _basis_functions_of(symbol, basis)
        except (RuntimeError, KeyError, ValueError) as exc:
            raise InputRejectedError(f"no basis {basis!r} for {symbol}: {exc}") from None
    return total


def check_size(n_basis_functions: int, settings: QuantumSettings) -> None:
    """Refuse more basis functions or qubits (2 × active orbitals) than the settings allow.

    Raises:
        InputRejectedError: the estimated size and the limit that it exceeds.
    """
    if n_basis_functions > settings.max_basis_functions:
        raise InputRejectedError(
            f"{n_basis_functions} basis functions in {settings.basis} exceed "
            f"quantum.max_basis_functions = {settings.max_basis_functions}"
        )
    n_qubits = 2 * settings.active_orbitals
    if n_qubits > settings.max_qubits:
        raise InputRejectedError(
            f"CAS({settings.active_electrons},{settings.active_orbitals}) needs {n_qubits} "
            f"qubits, more than quantum.max_qubits = {settings.max_qubits}"
        )


def check_molecule(mol: gto.Mole, settings: QuantumSettings) -> None:
    """Every check on a built molecule: elements, charge, size, electrons that fit the basis.

    Raises:
        InputRejectedError: the first check that fails.
    """
    check_elements((mol.atom_pure_symbol(i) for i in range(mol.natm)), settings)
    check_charge(int(mol.charge), settings)
    n_ao = int(mol.nao_nr())
    check_size(n_ao, settings)
    if mol.nelectron > 2 * n_ao:
        raise InputRejectedError(
            f"{mol.nelectron} electrons do not fit in {n_ao} orbitals of {settings.basis} "
            f"(charge {mol.charge:+d})"
        )

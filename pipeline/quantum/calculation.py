"""The one entry point of the quantum step: molecule + settings -> :class:`EnergyResult`.

    result = compute_energy(MoleculeInput(smiles="CCO"), QuantumSettings(), properties=True)
    result.to_dict()  # JSON-ready; energies in Hartree, descriptors also in eV

Pipeline: geometry -> SCF (RHF/ROHF, fallback ladder) -> active space -> integrals ->
VQE in the N-electron sector (fast CI-vector engine) with the CASCI energy of the same active
space beside it -> optionally N-1 and N+1 sectors of the same Hamiltonian for descriptors.
With ``solvent="water"`` the VQE runs as the fcisolver of a ddCOSMO CASCI (PySCF).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from pipeline.quantum.active_space import ActiveSpace, select_active_space
from pipeline.quantum.circuits import ansatz_circuit, circuit_stats
from pipeline.quantum.engines.ci_vector import CIVectorEngine
from pipeline.quantum.geometry import MoleculeInput, build_mole, geometry_key
from pipeline.quantum.hamiltonian import (
    ActiveSpaceHamiltonian,
    active_space_hamiltonian,
    casci_energy,
)
from pipeline.quantum.properties import (
    HARDNESS_CONVENTION,
    HARTREE_TO_EV,
    ReactivityDescriptors,
    anion_nelec,
    cation_nelec,
    reactivity_descriptors,
)
from pipeline.quantum.scf import run_scf
from pipeline.quantum.settings import QuantumSettings
from pipeline.quantum.solver import SectorSolution, solve_sector
from pipeline.quantum.versions import software_versions

CHEMICAL_ACCURACY_MHA = 1.6
RESULT_SCHEMA = "qdp.quantum.energy/1"


def settings_hash(settings: QuantumSettings, geometry_key: str) -> str:
    """sha256 of the canonical JSON of every result-affecting setting plus the geometry key."""
    payload = {
        "schema": RESULT_SCHEMA,
        "settings": settings.model_dump(mode="json"),
        "geometry": geometry_key,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class SectorEnergy:
    """VQE and CASCI energies (Hartree) of one extra sector (cation or anion)."""

    nelec: tuple[int, int]
    energy_hartree: float
    reference_energy_hartree: float
    n_parameters: int
    n_evaluations: int

    @property
    def error_mha(self) -> float:
        return 1000.0 * (self.energy_hartree - self.reference_energy_hartree)


@dataclass
class EnergyResult:
    """Everything one VQE calculation produced. Energies in Hartree; ``*_ev`` in eV."""

    energy_hartree: float
    reference_energy_hartree: float
    hf_energy_hartree: float
    n_qubits: int
    n_parameters: int
    circuit_depth: int
    two_qubit_gates: int
    n_evaluations: int
    wall_seconds: float
    optimizer_converged: bool
    ansatz: str
    mapping: str
    basis: str
    solvent: str
    scf_method: str
    scf_path: str
    n_core_orbitals: int
    active_electrons: int
    active_orbitals: int
    charge: int
    multiplicity: int
    geometry_angstrom: str
    geometry_key: str
    settings_hash: str
    software_versions: dict[str, str]
    cross_check_energy_hartree: float | None = None
    cation: SectorEnergy | None = None
    anion: SectorEnergy | None = None
    energy_n_for_properties_hartree: float | None = field(default=None, repr=False)

    # -- derived -------------------------------------------------------------------------
    @property
    def error_mha(self) -> float:
        """VQE - CASCI of the same active space, in milli-Hartree."""
        return 1000.0 * (self.energy_hartree - self.reference_energy_hartree)

    @property
    def chemical_accuracy(self) -> bool:
        """``|VQE - CASCI| <= 1.6 mHa``."""
        return abs(self.error_mha) <= CHEMICAL_ACCURACY_MHA

    @property
    def correlation_energy_hartree(self) -> float:
        """``E_VQE - E_HF``."""
        return self.energy_hartree - self.hf_energy_hartree

    @property
    def descriptors(self) -> ReactivityDescriptors | None:
        if self.cation is None or self.anion is None:
            return None
        e_n = self.energy_n_for_properties_hartree
        e_n = self.energy_hartree if e_n is None else e_n
        return reactivity_descriptors(e_n, self.cation.energy_hartree, self.anion.energy_hartree)

    def _ev(self, name: str) -> float | None:
        d = self.descriptors
        value = None if d is None else getattr(d, name)
        return None if value is None else value * HARTREE_TO_EV

    @property
    def ionization_potential_ev(self) -> float | None:
        return self._ev("ionization_potential_hartree")

    @property
    def electron_affinity_ev(self) -> float | None:
        return self._ev("electron_affinity_hartree")

    @property
    def fundamental_gap_ev(self) -> float | None:
        return self._ev("fundamental_gap_hartree")

    @property
    def chemical_potential_ev(self) -> float | None:
        return self._ev("chemical_potential_hartree")

    @property
    def hardness_ev(self) -> float | None:
        """``η = IP - EA`` in eV (not halved)."""
        return self._ev("hardness_hartree")

    @property
    def electrophilicity_ev(self) -> float | None:
        """``ω = μ² / (2η)`` in eV; ``None`` if not computed or ``η <= 0``."""
        return self._ev("electrophilicity_hartree")

    @property
    def correlation_energy_ev(self) -> float:
        return self.correlation_energy_hartree * HARTREE_TO_EV

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (plain floats, ints, strings, dicts, ``None``)."""
        out = asdict(self)
        out.pop("energy_n_for_properties_hartree")
        out["schema"] = RESULT_SCHEMA
        out["error_mha"] = self.error_mha
        out["chemical_accuracy"] = self.chemical_accuracy
        out["correlation_energy_hartree"] = self.correlation_energy_hartree
        out["correlation_energy_ev"] = self.correlation_energy_ev
        d = self.descriptors
        for name in (
            "ionization_potential",
            "electron_affinity",
            "fundamental_gap",
            "chemical_potential",
            "hardness",
            "electrophilicity",
        ):
            out[f"{name}_hartree"] = None if d is None else getattr(d, f"{name}_hartree")
            out[f"{name}_ev"] = getattr(self, f"{name}_ev")
        out["hardness_convention"] = HARDNESS_CONVENTION
        for key in ("cation", "anion"):
            if out[key] is not None:
                out[key]["nelec"] = list(out[key]["nelec"])
                out[key]["error_mha"] = getattr(self, key).error_mha
        return out


def _extra_sector(
    ham: ActiveSpaceHamiltonian, nelec: tuple[int, int], settings: QuantumSettings
) -> SectorEnergy:
    solution = solve_sector(ham, nelec, settings)
    reference, _ = casci_energy(ham, nelec)
    return SectorEnergy(
        nelec,
        solution.energy_hartree,
        reference,
        solution.ansatz.n_parameters,
        solution.vqe.n_evaluations,
    )


def _solve_gas(
    mf: Any, space: ActiveSpace, settings: QuantumSettings
) -> tuple[SectorSolution, float, ActiveSpaceHamiltonian, int]:
    ham = active_space_hamiltonian(mf, space)
    solution = solve_sector(ham, space.nelec, settings)
    reference, _ = casci_energy(ham, space.nelec)
    return solution, reference, ham, solution.vqe.n_evaluations


def _solve_solvated(
    mf: Any, space: ActiveSpace, settings: QuantumSettings
) -> tuple[SectorSolution, float, ActiveSpaceHamiltonian, int, float, float]:
    from pyscf import ao2mo, mcscf
    from pyscf import solvent as pyscf_solvent

    from pipeline.quantum.fcisolver import VQEFCISolver

    def casci() -> Any:
        mc = pyscf_solvent.ddCOSMO(mcscf.CASCI(mf, space.n_orbitals, space.nelec))
        mc.with_solvent.eps = 78.3553
        mc.verbose = 0
        return mc

    mc = casci()
    mc.fcisolver = VQEFCISolver(mf.mol, settings)
    mc.kernel(space.mo_coeff)
    ref = casci()
    ref.fcisolver.conv_tol = 1e-12
    ref.kernel(space.mo_coeff)
    solutions = mc.fcisolver.solutions
    # Frozen reaction field of the final N-electron state, for the N-1/N+1 sectors.
    h1, e_core = mc.get_h1eff(space.mo_coeff)
    eri = ao2mo.restore(1, mc.get_h2eff(space.mo_coeff), space.n_orbitals)
    ham = ActiveSpaceHamiltonian(np.asarray(h1), np.asarray(eri), float(e_core))
    e_n_frozen = CIVectorEngine(ham, space.nelec).expectation(solutions[-1].vqe.ci_vector.ravel())
    n_eval = sum(s.vqe.n_evaluations for s in solutions)
    return solutions[-1], float(ref.e_tot), ham, n_eval, float(mc.e_tot), e_n_frozen


def compute_energy(
    molecule: MoleculeInput | str, settings: QuantumSettings, *, properties: bool = False
) -> EnergyResult:
    """VQE energy of ``molecule`` with the CASCI reference and, optionally, descriptors.

    Args:
        molecule: a :class:`MoleculeInput`, or text guessed by :meth:`MoleculeInput.from_text`.
        settings: the ``[quantum]`` settings.
        properties: also solve the N-1 and N+1 sectors of the same Hamiltonian (vertical IP,
            EA and descriptors). With ``solvent="water"`` these use the frozen reaction field
            of the N-electron state.

    Raises:
        GeometryError, SCFConvergenceError, ActiveSpaceError, AnsatzError: with the reason.
    """
    start = time.perf_counter()
    if isinstance(molecule, str):
        molecule = MoleculeInput.from_text(molecule)
    mol = build_mole(molecule, settings.basis)
    scf = run_scf(mol, solvent=settings.solvent, max_cycles=settings.scf_max_cycles)
    space = select_active_space(
        scf.mf,
        settings.active_electrons,
        settings.active_orbitals,
        settings.active_space_selection,
    )
    e_n_props: float | None = None
    if settings.solvent == "none":
        solution, reference, ham, n_eval = _solve_gas(scf.mf, space, settings)
        energy = solution.energy_hartree
    else:
        solution, reference, ham, n_eval, energy, e_n_props = _solve_solvated(
            scf.mf, space, settings
        )
    circuit = ansatz_circuit(solution.ansatz, settings.mapping)
    stats = circuit_stats(circuit)
    cross = None
    if (
        settings.cross_check != "none"
        and solution.ansatz.n_qubits <= settings.cross_check_max_qubits
    ):
        from pipeline.quantum.engines.cirq_engine import CirqEngine

        engine = CirqEngine(
            ham, solution.ansatz, mapping=settings.mapping, backend=settings.cross_check
        )
        cross = engine.energy(solution.vqe.parameters)
        if e_n_props is not None:
            # Solvated: the circuit sees the frozen reaction field; put it on the same footing
            # as the reported (self-consistent ddCOSMO) energy.
            cross += energy - e_n_props
    cation = anion = None
    if properties:
        cation = _extra_sector(ham, cation_nelec(space.nelec), settings)
        anion = _extra_sector(ham, anion_nelec(space.nelec, space.n_orbitals), settings)
        n_eval += cation.n_evaluations + anion.n_evaluations
    gkey = geometry_key(mol)
    coords = mol.atom_coords(unit="Angstrom")
    return EnergyResult(
        energy_hartree=float(energy),
        reference_energy_hartree=float(reference),
        hf_energy_hartree=scf.energy_hartree,
        n_qubits=solution.ansatz.n_qubits,
        n_parameters=solution.ansatz.n_parameters,
        circuit_depth=stats.depth,
        two_qubit_gates=stats.two_qubit_gates,
        n_evaluations=int(n_eval),
        wall_seconds=time.perf_counter() - start,
        optimizer_converged=bool(solution.vqe.converged),
        ansatz=settings.ansatz,
        mapping=settings.mapping,
        basis=settings.basis,
        solvent=settings.solvent,
        scf_method=scf.method,
        scf_path=scf.path,
        n_core_orbitals=space.n_core,
        active_electrons=space.n_electrons,
        active_orbitals=space.n_orbitals,
        charge=int(mol.charge),
        multiplicity=int(mol.spin) + 1,
        geometry_angstrom="; ".join(
            f"{mol.atom_symbol(i)} {x:.6f} {y:.6f} {z:.6f}" for i, (x, y, z) in enumerate(coords)
        ),
        geometry_key=gkey,
        settings_hash=settings_hash(settings, gkey),
        software_versions=software_versions(),
        cross_check_energy_hartree=cross,
        cation=cation,
        anion=anion,
        energy_n_for_properties_hartree=e_n_props,
    )

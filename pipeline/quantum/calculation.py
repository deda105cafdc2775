"""The one entry point of the quantum step: molecule + settings -> :class:`EnergyResult`.

    result = compute_energy(MoleculeInput(smiles="CCO"), QuantumSettings(), properties=True)
    result.to_dict()  # JSON-ready; energies in Hartree, descriptors also in eV

Pipeline: geometry -> SCF (RHF/ROHF, fallback ladder) -> active space -> integrals ->
VQE in the N-electron sector with the CASCI energy of the same active space beside it ->
optionally N-1 and N+1 sectors of the same Hamiltonian for descriptors, each checked against
its own CASCI energy. The reported VQE energies come from the exact sector engine (a CI-vector
simulation of the ansatz); ``cross_check`` evaluates the same optimized Cirq circuit.
With ``solvent="water"`` every species (N, and N-1 / N+1 for properties) gets its own ddCOSMO
CASCI (PySCF) with VQE as the fcisolver: same geometry and orbitals (vertical), equilibrium
reaction field of that species.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from molecules.hashing import content_hash
from pipeline.quantum.active_space import select_active_space
from pipeline.quantum.circuits import ansatz_circuit, circuit_stats
from pipeline.quantum.errors import ActiveSpaceError
from pipeline.quantum.geometry import MoleculeInput, build_mole, geometry_key
from pipeline.quantum.guards import check_molecule
from pipeline.quantum.hamiltonian import (
    ActiveSpaceHamiltonian,
    active_space_hamiltonian,
    casci_energy,
)
from pipeline.quantum.measurement.backend import check_backend, evaluate_backend, resources_of
from pipeline.quantum.properties import (
    HARDNESS_CONVENTION,
    HARTREE_TO_EV,
    ReactivityDescriptors,
    ion_sector_candidates,
    lowest_sector,
    reactivity_descriptors,
)
from pipeline.quantum.scf import run_scf
from pipeline.quantum.sectors import (
    SectorEnergy,
    mp2_correlation_energy,
    solve_gas,
    solve_solvated,
)
from pipeline.quantum.settings import GUARD_FIELDS, QuantumSettings
from pipeline.quantum.solver import MATCHES_CASCI_MHA
from pipeline.quantum.versions import software_versions

RESULT_SCHEMA = "qdp.quantum.energy/2"
ENERGY_SOURCE = (
    "exact sector engine (CI-vector simulation of the ansatz); cross_check_energy_hartree is "
    "the same optimized Cirq circuit"
)


def calculation_hash(settings: QuantumSettings, geometry_key: str) -> str:
    """Content hash of one calculation: every result-affecting setting plus the geometry key
    (the store's key is the service's method hash; this one identifies the result itself)."""
    return content_hash(
        {
            "schema": RESULT_SCHEMA,
            "settings": settings.model_dump(mode="json", exclude=set(GUARD_FIELDS)),
            "geometry": geometry_key,
        }
    )


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
    calculation_hash: str
    software_versions: dict[str, str]
    cross_check_energy_hartree: float | None = None
    cation: SectorEnergy | None = None
    anion: SectorEnergy | None = None
    active_space_note: str = ""
    mp2_correlation_energy_hartree: float | None = None
    backend: str = "exact"
    backend_evaluation: dict[str, Any] | None = None  # pipeline.quantum.measurement.backend
    resources: dict[str, Any] | None = None  # pipeline.quantum.measurement.resources

    # -- derived -------------------------------------------------------------------------
    @property
    def error_mha(self) -> float:
        """VQE - CASCI of the same active space, in milli-Hartree."""
        return 1000.0 * (self.energy_hartree - self.reference_energy_hartree)

    @property
    def matches_casci(self) -> bool:
        """``|VQE - CASCI| <= 1.6 mHa`` in the N-electron sector, same active space.

        Says only that the optimizer reproduced CASCI in this active space, nothing about the
        accuracy of the energy against experiment or the full-basis limit.
        """
        return abs(self.error_mha) <= MATCHES_CASCI_MHA

    @property
    def all_sectors_match_casci(self) -> bool:
        """:attr:`matches_casci` holds for every sector computed (N, and N-1 / N+1 if any)."""
        extra = [s for s in (self.cation, self.anion) if s is not None]
        return self.matches_casci and all(s.matches_casci for s in extra)

    @property
    def correlation_energy_hartree(self) -> float:
        """``E_VQE - E_HF``."""
        return self.energy_hartree - self.hf_energy_hartree

    @property
    def active_space_correlation_hartree(self) -> float:
        """``E_CASCI - E_HF``: the correlation energy the active space can hold."""
        return self.reference_energy_hartree - self.hf_energy_hartree

    @property
    def active_space_correlation_fraction(self) -> float | None:
        """``(E_CASCI - E_HF) / E_corr(MP2)``, MP2 of the full basis with a frozen chemical core.

        ``None`` when MP2 was not computed or its correlation energy is not negative.
        """
        mp2 = self.mp2_correlation_energy_hartree
        if mp2 is None or mp2 >= 0.0:
            return None
        return self.active_space_correlation_hartree / mp2

    @property
    def descriptors(self) -> ReactivityDescriptors | None:
        if self.cation is None or self.anion is None:
            return None
        return reactivity_descriptors(
            self.energy_hartree, self.cation.energy_hartree, self.anion.energy_hartree
        )

    @property
    def electrophilicity_note(self) -> str | None:
        """Why ``electrophilicity_*`` is ``None`` although descriptors were computed."""
        d = self.descriptors
        return None if d is None else d.electrophilicity_undefined_reason

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
        """``ω = μ² / (2η)`` in eV; ``None`` if not computed, ``η <= 0`` or ``μ >= 0``."""
        return self._ev("electrophilicity_hartree")

    @property
    def correlation_energy_ev(self) -> float:
        return self.correlation_energy_hartree * HARTREE_TO_EV

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (plain floats, ints, strings, dicts, ``None``)."""
        out = asdict(self)
        out["schema"] = RESULT_SCHEMA
        out["energy_source"] = ENERGY_SOURCE
        out["error_mha"] = self.error_mha
        out["matches_casci"] = self.matches_casci
        out["all_sectors_match_casci"] = self.all_sectors_match_casci
        out["correlation_energy_hartree"] = self.correlation_energy_hartree
        out["correlation_energy_ev"] = self.correlation_energy_ev
        out["active_space_correlation_hartree"] = self.active_space_correlation_hartree
        out["active_space_correlation_fraction"] = self.active_space_correlation_fraction
        out["electrophilicity_note"] = self.electrophilicity_note
        out["active_space_note"] = self.active_space_note or None
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
            sector = getattr(self, key)
            out[f"{key}_error_mha"] = None if sector is None else sector.error_mha
            if sector is not None:
                out[key]["nelec"] = list(out[key]["nelec"])
                out[key]["error_mha"] = sector.error_mha
                out[key]["matches_casci"] = sector.matches_casci
        return out


def ion_sector(ham: ActiveSpaceHamiltonian, nelec: tuple[int, int], change: int) -> tuple[int, int]:
    """The N-1 (``change=-1``) or N+1 sector holding the ion's ground state: of removing or
    adding an alpha or a beta electron, the sector of lowest CASCI energy (gas phase), the
    highest spin one among the components of a multiplet (see :func:`lowest_sector`)."""
    candidates = ion_sector_candidates(nelec, ham.n_orbitals, change)
    if len(candidates) == 1:
        return candidates[0]
    return lowest_sector({s: casci_energy(ham, s)[0] for s in candidates})


def compute_energy(
    molecule: MoleculeInput | str, settings: QuantumSettings, *, properties: bool = False
) -> EnergyResult:
    """VQE energy of ``molecule`` with the CASCI reference and, optionally, descriptors.

    Args:
        molecule: a :class:`MoleculeInput`, or text guessed by :meth:`MoleculeInput.from_text`.
        settings: the ``[quantum]`` settings.
        properties: also solve the N-1 and N+1 sectors of the same Hamiltonian (vertical IP,
            EA and descriptors). With ``solvent="water"`` each gets its own ddCOSMO CASCI.

    Raises:
        InputRejectedError: before any work, for what the method does not treat (metals, too
            many basis functions or qubits, an absurd charge; see ``pipeline.quantum.guards``).
        GeometryError, SCFConvergenceError, ActiveSpaceError, AnsatzError: with the reason.
    """
    start = time.perf_counter()
    if isinstance(molecule, str):
        molecule = MoleculeInput.from_text(molecule)
    check_backend(settings)
    mol = build_mole(molecule, settings.basis)
    check_molecule(mol, settings)
    scf = run_scf(mol, solvent=settings.solvent, max_cycles=settings.scf_max_cycles)
    space = select_active_space(
        scf.mf,
        settings.active_electrons,
        settings.active_orbitals,
        settings.active_space_selection,
        degeneracy_threshold=settings.degeneracy_threshold_hartree,
        degenerate_shells=settings.degenerate_shells,
    )
    if space.note and 2 * space.n_orbitals > settings.max_qubits:
        raise ActiveSpaceError(
            f"{space.note}: {2 * space.n_orbitals} qubits, more than quantum.max_qubits = "
            f"{settings.max_qubits} (degenerate_shells = 'shrink' or a smaller window)"
        )
    gas_ham = active_space_hamiltonian(scf.mf, space)
    sectors = [space.nelec]
    if properties:
        sectors += [ion_sector(gas_ham, space.nelec, change) for change in (-1, +1)]
    if settings.solvent == "none":
        species = [solve_gas(gas_ham, nelec, settings) for nelec in sectors]
    else:
        species = [solve_solvated(scf.mf, space, nelec, settings) for nelec in sectors]
    solution, ham = species[0].solution, species[0].circuit_ham
    energy, reference = species[0].energy_hartree, species[0].reference_energy_hartree
    n_eval = sum(s.n_evaluations for s in species)
    e_n_props = None if settings.solvent == "none" else energy - species[0].circuit_offset_hartree
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
    # The final circuit measured as on a device (shots, noise, mitigation) and its cost.
    offset = 0.0 if e_n_props is None else energy - e_n_props
    theta = solution.vqe.parameters
    evaluation = evaluate_backend(ham, solution.ansatz, theta, settings, offset_hartree=offset)
    resources = resources_of(ham, solution.ansatz, theta, settings)
    cation = anion = None
    if properties:
        cation, anion = species[1].sector(), species[2].sector()
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
        calculation_hash=calculation_hash(settings, gkey),
        software_versions=software_versions(),
        cross_check_energy_hartree=cross,
        cation=cation,
        anion=anion,
        active_space_note=space.note,
        mp2_correlation_energy_hartree=mp2_correlation_energy(scf.mf),
        backend=settings.backend,
        backend_evaluation=None if evaluation is None else evaluation.to_dict(),
        resources=None if resources is None else resources.to_dict(),
    )

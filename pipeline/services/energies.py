"""Quantum energies through the store: each calculation computed once per content key.

The key is (subject, method): the subject is the molecule's InChIKey when the geometry is
qdp's own conformer of it (from triage, or embedded here and stored with the molecule), and a
hash of the coordinates for a geometry or SDF the user gives; the method is the hash of every
quantum setting plus charge, multiplicity and whether properties were asked for. A failed
calculation (SCF that will not converge, an impossible active space) is stored with its
reason, so it is reported, not retried, until ``recompute``. What the method does not treat
(metals, several molecules in one SMILES, more basis functions or qubits than the settings
allow) is refused before any work and not stored.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdkit import Chem
from rdkit.Chem.MolStandardize import rdMolStandardize

from molecules.conformers import generate_conformer
from molecules.errors import ConformerError, MoleculeParseError
from molecules.executors import Executor, SerialExecutor
from molecules.settings import TriageSettings
from molecules.standardize import identify_mol, parse_smiles
from pipeline.errors import InputFileError, QdpError
from pipeline.progress import ProgressSink, ProgressTracker, no_progress, stepper
from pipeline.quantum.calculation import compute_energy
from pipeline.quantum.errors import GeometryError, InputRejectedError
from pipeline.quantum.geometry import MoleculeInput, complete_hydrogens
from pipeline.quantum.guards import check_elements, check_size, estimate_basis_functions
from pipeline.quantum.settings import GUARD_FIELDS, QuantumSettings
from pipeline.store import Store, content_hash

if TYPE_CHECKING:
    from pipeline.config import Settings

METHOD_VERSION = 1  # bump when a code change alters results for the same settings


class EnergyInputError(QdpError):
    """The molecule to compute cannot be resolved (bad SMILES, unknown InChIKey, no file)."""

    exit_code = 2


class CalculationFailedError(QdpError):
    """The calculation was attempted and failed; the reason is stored with it."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class EnergyRequest:
    """What to compute: the store subject, the quantum input, and notes on how the input was
    completed (e.g. hydrogens added to an SDF record)."""

    subject_key: str
    inchikey: str | None
    molecule: MoleculeInput
    notes: tuple[str, ...] = ()


def method_hash(
    settings: QuantumSettings, *, properties: bool, charge: int | None, multiplicity: int | None
) -> str:
    """Content hash of everything that changes the result of a calculation."""
    return content_hash(
        {
            "quantum": settings.model_dump(mode="json", exclude=set(GUARD_FIELDS)),
            "properties": properties,
            "charge": charge,
            "multiplicity": multiplicity,
            "version": METHOD_VERSION,
        }
    )


def _one_molecule(
    mol: Chem.Mol, smiles: str, quantum: QuantumSettings
) -> tuple[Chem.Mol, tuple[str, ...]]:
    """``mol`` without salts and solvents (RDKit's default fragment list) and a note naming
    what went; refused if it is still several molecules, holds a metal, or is estimated
    beyond the size limits."""
    single = rdMolStandardize.FragmentRemover().remove(mol)
    notes: tuple[str, ...] = ()
    if single.GetNumAtoms() < mol.GetNumAtoms():
        kept = set(Chem.MolToSmiles(f) for f in Chem.GetMolFrags(single, asMols=True))
        removed = [Chem.MolToSmiles(f) for f in Chem.GetMolFrags(mol, asMols=True)]
        gone = [f for f in removed if f not in kept]
        notes = (f"removed salt/solvent fragments {'.'.join(gone)} (RDKit's default list)",)
    fragments = len(Chem.GetMolFrags(single))
    try:
        if fragments > 1:
            raise InputRejectedError(
                f"{fragments} disconnected fragments after removing salts and solvents: the "
                "quantum step computes one molecule"
            )
        symbols = [atom.GetSymbol() for atom in single.GetAtoms()]
        check_elements(symbols, quantum)
        n_hydrogens = sum(atom.GetTotalNumHs() for atom in single.GetAtoms())
        check_size(estimate_basis_functions(symbols + ["H"] * n_hydrogens, quantum.basis), quantum)
    except InputRejectedError as exc:
        raise EnergyInputError(f"cannot compute SMILES {smiles!r}: {exc}") from None
    return single, notes


def request_for_smiles(
    store: Store,
    smiles: str,
    triage: TriageSettings,
    *,
    charge: int | None = None,
    multiplicity: int | None = None,
    quantum: QuantumSettings | None = None,
) -> EnergyRequest:
    """The molecule's stored conformer, or a new one (ETKDGv3 + MMFF94) stored with it.

    Salts and solvents are stripped; several molecules, metals and (with ``quantum``) a size
    beyond ``quantum``'s limits are refused first (default limits without it).

    Raises:
        EnergyInputError: the SMILES is invalid, not ASCII, or refused (with the reason).
    """
    try:
        mol = parse_smiles(smiles, max_length=triage.max_smiles_length)
    except MoleculeParseError as exc:
        raise EnergyInputError(f"cannot use SMILES {smiles!r}: {exc.reason}: {exc}") from None
    mol, notes = _one_molecule(mol, smiles, quantum or QuantumSettings())
    try:
        standard = identify_mol(mol)
    except MoleculeParseError as exc:
        raise EnergyInputError(f"cannot use SMILES {smiles!r}: {exc.reason}: {exc}") from None
    stored = store.get_molecule(standard.inchikey)
    if stored is None or stored.conformer_molblock is None:
        try:
            conformer = generate_conformer(
                standard.mol, n_conformers=triage.n_conformers, seed=triage.conformer_seed
            )
        except ConformerError as exc:
            raise EnergyInputError(f"no 3D conformer for {smiles!r}: {exc.reason}") from None
        store.upsert_molecules(
            [
                {
                    "inchikey": standard.inchikey,
                    "smiles": standard.smiles,
                    "source": "energy",
                    "conformer_molblock": conformer.molblock,
                    "conformer_energy_kcal": conformer.energy_kcal_per_mol,
                }
            ]
        )
        stored = store.get_molecule(standard.inchikey)
    assert stored is not None and stored.conformer_molblock is not None
    return EnergyRequest(
        standard.inchikey,
        standard.inchikey,
        MoleculeInput(molblock=stored.conformer_molblock, charge=charge, multiplicity=multiplicity),
        notes,
    )


def request_for_inchikey(
    store: Store,
    inchikey: str,
    triage: TriageSettings,
    *,
    charge: int | None = None,
    multiplicity: int | None = None,
) -> EnergyRequest:
    """A stored molecule, with its stored conformer (embedded now if it has none)."""
    stored = store.get_molecule(inchikey)
    if stored is None:
        raise EnergyInputError(f"no molecule {inchikey} in the store; triage it or give --smiles")
    return request_for_smiles(
        store, stored.smiles, triage, charge=charge, multiplicity=multiplicity
    )


def request_for_geometry(
    text: str, *, charge: int | None = None, multiplicity: int | None = None
) -> EnergyRequest:
    """Explicit coordinates (Å), keyed by their normalized text."""
    atoms = [" ".join(a.split()) for a in text.replace("\n", ";").split(";") if a.strip()]
    key = "geom:" + content_hash(atoms)[:40]
    return EnergyRequest(
        key,
        None,
        MoleculeInput(geometry="; ".join(atoms), charge=charge, multiplicity=multiplicity),
    )


def request_for_sdf(
    path: Path, *, charge: int | None = None, multiplicity: int | None = None
) -> EnergyRequest:
    """The first record of an SDF/MOL file, keyed by its coordinates.

    Hydrogens the record leaves implicit are added with RDKit coordinates (heavy atoms as
    given) and the request's notes say how many.

    Raises:
        InputFileError: the file is missing, unreadable or not UTF-8 text.
        EnergyInputError: RDKit cannot read the record or it has no coordinates.
    """
    try:
        text = path.read_text()
    except OSError as exc:
        raise InputFileError(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{path} is not UTF-8 text (byte {exc.start + 1}: {exc.reason})"
        ) from None
    molblock = text.split("$$$$")[0]
    key = "geom:" + content_hash(molblock.splitlines()[3:])[:40]
    try:
        molblock, n_added = complete_hydrogens(molblock)
    except GeometryError as exc:
        raise EnergyInputError(f"{path}: {exc}") from None
    notes = (
        (f"added {n_added} implicit hydrogens with RDKit coordinates (heavy atoms as given)",)
        if n_added
        else ()
    )
    return EnergyRequest(
        key,
        None,
        MoleculeInput(molblock=molblock, charge=charge, multiplicity=multiplicity),
        notes,
    )


def _row(request: EnergyRequest, settings_hash: str, payload: dict[str, Any]) -> dict[str, Any]:
    property_keys = [
        k
        for k in payload
        if k.endswith(("_ev", "_hartree"))
        and k not in ("energy_hartree", "reference_energy_hartree", "hf_energy_hartree")
    ]
    return {
        "subject_key": request.subject_key,
        "settings_hash": settings_hash,
        "inchikey": request.inchikey,
        "status": "ok",
        "method": {
            k: payload.get(k)
            for k in (
                "ansatz",
                "mapping",
                "basis",
                "solvent",
                "active_electrons",
                "active_orbitals",
                "scf_method",
                "scf_path",
            )
        },
        "energy_hartree": payload["energy_hartree"],
        "reference_energy_hartree": payload["reference_energy_hartree"],
        "hf_energy_hartree": payload["hf_energy_hartree"],
        "properties": {k: payload[k] for k in property_keys if payload[k] is not None},
        "details": payload,
        "timings": {"wall_seconds": payload.get("wall_seconds")},
        "versions": payload.get("software_versions", {}),
    }


def get_or_compute_energy(
    store: Store,
    request: EnergyRequest,
    settings: QuantumSettings,
    *,
    properties: bool = False,
    recompute: bool = False,
) -> dict[str, Any]:
    """The stored result for this content key, or a new calculation stored under it.

    Returns:
        The result's JSON-ready fields plus ``reused`` (true when nothing was computed),
        ``subject_key``, ``settings_hash``, ``inchikey`` and the request's ``notes`` if any.

    Raises:
        EnergyInputError: refused before any work (``pipeline.quantum.guards``, or a geometry
            that cannot be built: overlapping or non-finite atoms); not stored.
        CalculationFailedError: the calculation failed (now or when it was stored).
    """
    molecule = request.molecule
    settings_hash = method_hash(
        settings, properties=properties, charge=molecule.charge, multiplicity=molecule.multiplicity
    )
    keys = {
        "subject_key": request.subject_key,
        "settings_hash": settings_hash,
        "inchikey": request.inchikey,
    }
    notes = {"notes": list(request.notes)} if request.notes else {}
    stored = None if recompute else store.get_calculation(request.subject_key, settings_hash)
    if stored is not None:
        if stored.status != "ok":
            raise CalculationFailedError(f"{stored.error} (stored; --recompute to try again)")
        return {**stored.details, **keys, "reused": True, **notes}
    started = time.perf_counter()
    try:
        payload = compute_energy(molecule, settings, properties=properties).to_dict()
    except (InputRejectedError, GeometryError) as exc:
        raise EnergyInputError(f"refused: {exc}") from None
    except QdpError as exc:
        store.put_calculation(
            {
                **keys,
                "status": "failed",
                "method": settings.model_dump(),
                "error": f"{type(exc).__name__}: {exc}",
                "timings": {"wall_seconds": time.perf_counter() - started},
            },
            replace=True,
        )
        raise CalculationFailedError(f"{type(exc).__name__}: {exc}", exc.exit_code) from None
    store.put_calculation(_row(request, settings_hash, payload), replace=True)
    return {**payload, **keys, "reused": False, **notes}


def energy_for_smiles(smiles: str, *, settings: Settings, properties: bool) -> dict[str, Any]:
    """One stored-or-computed calculation for ``smiles`` in the store of ``settings``;
    a failure is returned as ``{"smiles": ..., "error": reason}``, not raised."""
    from pipeline.store import open_store

    store = open_store(settings)
    try:
        request = request_for_smiles(store, smiles, settings.triage, quantum=settings.quantum)
        result = get_or_compute_energy(store, request, settings.quantum, properties=properties)
        return {"smiles": smiles, **result}
    except QdpError as exc:
        return {"smiles": smiles, "error": str(exc)}
    finally:
        store.close()


def compute_energies(
    smiles: Sequence[str],
    settings: Settings,
    *,
    properties: bool = True,
    executor: Executor | None = None,
    progress: ProgressSink | None = None,
) -> list[dict[str, Any]]:
    """The energy-batch driver: :func:`energy_for_smiles` for each SMILES, in input order
    (``executor`` runs the calls: this process by default, Prefect tasks in the flows;
    ``progress`` sees a tracker of the molecules done)."""
    call = partial(energy_for_smiles, settings=settings, properties=properties)
    show = progress or no_progress
    tracker = ProgressTracker("energies", "mol", len(smiles))
    step = stepper(tracker, show)
    results = []
    for result in (executor or SerialExecutor()).map(call, smiles):
        results.append(result)
        step()
    tracker.finish()
    show(tracker)
    return results


def stored_energies_for(store: Store, smiles: list[str], settings: Any) -> list[dict[str, Any]]:
    """Stored results (with properties, default method) of molecules, for reports."""
    rows = []
    for s in smiles:
        try:
            request = request_for_smiles(store, s, settings.triage)
        except QdpError:
            continue
        key = method_hash(settings.quantum, properties=True, charge=None, multiplicity=None)
        stored = store.get_calculation(request.subject_key, key)
        if stored is not None and stored.status == "ok":
            rows.append({**stored.details, "smiles": s})
    return rows

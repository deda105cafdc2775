"""``qdp energy``: a VQE energy beside the exact CASCI energy of the same active space."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.cli.common import (
    ConfigOption,
    JsonOption,
    print_json,
    progress_sink,
    settings_from,
)
from pipeline.cli.device_tables import print_device_tables
from pipeline.errors import SettingsError
from pipeline.progress import ProgressTracker
from pipeline.quantum.settings import QuantumSettings
from pipeline.store import open_store

_SHOWN = [
    ("active_space_note", "active space", "{}"),
    ("energy_hartree", "VQE energy / Ha", "{:.8f}"),
    ("cross_check_energy_hartree", "same circuit, Cirq / Ha", "{:.8f}"),
    ("reference_energy_hartree", "CASCI energy / Ha", "{:.8f}"),
    ("error_mha", "VQE − CASCI / mHa", "{:.4f}"),
    ("matches_casci", "VQE matches CASCI (≤ 1.6 mHa)", "{}"),
    ("cation_error_mha", "cation (N−1) VQE − CASCI / mHa", "{:.4f}"),
    ("anion_error_mha", "anion (N+1) VQE − CASCI / mHa", "{:.4f}"),
    ("all_sectors_match_casci", "all sectors match CASCI", "{}"),
    ("hf_energy_hartree", "HF energy / Ha", "{:.8f}"),
    ("active_space_correlation_hartree", "correlation CASCI − HF / Ha", "{:.8f}"),
    ("mp2_correlation_energy_hartree", "MP2 correlation (all) / Ha", "{:.8f}"),
    ("active_space_correlation_fraction", "(CASCI − HF) / MP2 corr.", "{:.3f}"),
    ("n_qubits", "qubits", "{}"),
    ("n_parameters", "parameters", "{}"),
    ("circuit_depth", "circuit depth", "{}"),
    ("two_qubit_gates", "two-qubit gates", "{}"),
    ("n_evaluations", "energy+gradient evaluations", "{}"),
    ("scf_path", "SCF path", "{}"),
    ("ionization_potential_ev", "ionization potential / eV", "{:.4f}"),
    ("electron_affinity_ev", "electron affinity / eV", "{:.4f}"),
    ("fundamental_gap_ev", "fundamental gap IP−EA / eV", "{:.4f}"),
    ("chemical_potential_ev", "chemical potential μ / eV", "{:.4f}"),
    ("hardness_ev", "hardness η = IP−EA / eV", "{:.4f}"),
    ("electrophilicity_ev", "electrophilicity ω = μ²/2η / eV", "{:.4g}"),
    ("electrophilicity_note", "electrophilicity ω", "{}"),
    ("correlation_energy_hartree", "correlation energy / Ha", "{:.8f}"),
    ("wall_seconds", "wall time / s", "{:.2f}"),
]


def _active_space(text: str) -> tuple[int, int]:
    try:
        electrons, orbitals = (int(x) for x in text.split(","))
    except ValueError:
        raise SettingsError(f"invalid --active-space {text!r}: expected NE,NO like 4,4") from None
    if electrons < 0 or orbitals < 1:
        raise SettingsError(
            f"invalid --active-space {text!r}: electrons must be >= 0 and orbitals >= 1"
        )
    return electrons, orbitals


def _quantum_settings(base: QuantumSettings, overrides: dict) -> QuantumSettings:
    """``base`` with the command-line overrides, validated; a bad value is one line."""
    try:
        return base.model_validate({**base.model_dump(), **overrides})
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"])
        raise SettingsError(
            f"invalid quantum.{key}={error.get('input')!r}: {error['msg']}"
        ) from None


def energy(
    smiles: Annotated[str | None, typer.Option(help="SMILES (a conformer is embedded).")] = None,
    xyz: Annotated[str | None, typer.Option(help='Geometry in Å: "H 0 0 0; H 0 0 0.7414".')] = None,
    sdf: Annotated[Path | None, typer.Option(help="SDF/MOL file (first record).")] = None,
    inchikey: Annotated[str | None, typer.Option(help="A molecule already in the store.")] = None,
    basis: Annotated[str | None, typer.Option(help="Basis set [quantum.basis].")] = None,
    active_space: Annotated[
        str | None, typer.Option(help="Active electrons,orbitals, e.g. 4,4.")
    ] = None,
    ansatz: Annotated[
        Literal["uccsd", "kupccgsd", "hea", "adapt"] | None, typer.Option(help="Ansatz.")
    ] = None,
    charge: Annotated[int | None, typer.Option(help="Total charge.")] = None,
    multiplicity: Annotated[int | None, typer.Option(help="Spin multiplicity 2S+1.")] = None,
    properties: Annotated[
        bool, typer.Option("--properties", help="Also IP, EA, gap, hardness, electrophilicity.")
    ] = False,
    solvent: Annotated[
        Literal["none", "water"] | None, typer.Option(help="Implicit solvent (ddCOSMO).")
    ] = None,
    backend: Annotated[
        Literal["exact", "statevector", "sampled", "noisy"] | None,
        typer.Option(help="Measure the final circuit: statevector, sampled (shots), noisy."),
    ] = None,
    shots: Annotated[int | None, typer.Option(help="Shots per energy [quantum.shots].")] = None,
    depolarizing_2q: Annotated[
        float | None, typer.Option(help="Two-qubit depolarizing probability (noisy).")
    ] = None,
    depolarizing_1q: Annotated[
        float | None, typer.Option(help="One-qubit depolarizing probability (noisy).")
    ] = None,
    readout_error: Annotated[
        float | None, typer.Option(help="Readout bit-flip probability (noisy).")
    ] = None,
    amplitude_damping: Annotated[
        float | None, typer.Option(help="Amplitude damping per gate (noisy).")
    ] = None,
    recompute: Annotated[
        bool, typer.Option("--recompute", help="Ignore a stored result and compute again.")
    ] = False,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """VQE energy (exact sector engine; the Cirq circuit with cross_check) beside CASCI."""
    from pipeline.services import energies

    given = [x for x in (smiles, xyz, sdf, inchikey) if x]
    if len(given) != 1:
        raise SettingsError("give exactly one of --smiles, --xyz, --sdf, --inchikey")
    settings = settings_from(config)
    overrides: dict = {"basis": basis, "ansatz": ansatz, "solvent": solvent}
    overrides |= {
        "backend": backend,
        "shots": shots,
        "noise_depolarizing_2q": depolarizing_2q,
        "noise_depolarizing_1q": depolarizing_1q,
        "noise_readout": readout_error,
        "noise_amplitude_damping": amplitude_damping,
    }
    if active_space:
        overrides["active_electrons"], overrides["active_orbitals"] = _active_space(active_space)
    quantum = _quantum_settings(
        settings.quantum, {k: v for k, v in overrides.items() if v is not None}
    )
    if charge is not None and abs(charge) > quantum.max_abs_charge:
        raise SettingsError(
            f"invalid --charge {charge}: beyond ±{quantum.max_abs_charge} (quantum.max_abs_charge)"
        )
    if multiplicity is not None and multiplicity < 1:
        raise SettingsError(f"invalid --multiplicity {multiplicity}: must be >= 1")
    from pipeline.quantum.measurement.backend import check_backend  # imports Cirq: ~2 s

    check_backend(quantum)  # e.g. too many qubits for a noisy simulation: before any work
    store = open_store(settings)
    try:
        spin = {"charge": charge, "multiplicity": multiplicity}
        if smiles:
            request = energies.request_for_smiles(
                store, smiles, settings.triage, quantum=quantum, **spin
            )
        elif inchikey:
            request = energies.request_for_inchikey(store, inchikey, settings.triage, **spin)
        elif xyz:
            request = energies.request_for_geometry(xyz, **spin)
        else:
            assert sdf is not None
            request = energies.request_for_sdf(sdf, **spin)
        label = (
            f"SCF and VQE, CAS({quantum.active_electrons},{quantum.active_orbitals}) in "
            f"{quantum.basis}"
        )
        tracker = ProgressTracker(label, "mol", 1)
        with progress_sink(settings, as_json=as_json) as progress:
            progress(tracker)
            result = energies.get_or_compute_energy(
                store, request, quantum, properties=properties, recompute=recompute
            )
            tracker.advance()
            tracker.finish()
            progress(tracker)
    finally:
        store.close()
    if as_json:
        print_json(result)
        return
    table = Table(
        "quantity",
        "value",
        title=f"{quantum.ansatz.upper()} / {quantum.basis}, "
        f"CAS({result['active_electrons']},{result['active_orbitals']})"
        + (" (stored result)" if result["reused"] else ""),
        caption="VQE: exact sector engine (CI-vector simulation of the ansatz circuit); "
        "matches CASCI = reproduces CASCI in this active space, not chemical accuracy",
    )
    for key, label, fmt in _SHOWN:
        if result.get(key) is not None:
            table.add_row(label, escape(fmt.format(result[key])))
    for note in result.get("notes", []):
        table.add_row("note", escape(note))
    Console().print(table)
    print_device_tables(result)

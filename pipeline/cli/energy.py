"""``qdp energy``: a VQE energy beside the exact CASCI energy of the same active space."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from pipeline.cli.common import ConfigOption, JsonOption, print_json, settings_from
from pipeline.errors import SettingsError
from pipeline.store import open_store

_SHOWN = [
    ("energy_hartree", "VQE energy / Ha", "{:.8f}"),
    ("reference_energy_hartree", "CASCI energy / Ha", "{:.8f}"),
    ("error_mha", "VQE − CASCI / mHa", "{:.4f}"),
    ("chemical_accuracy", "within 1.6 mHa", "{}"),
    ("hf_energy_hartree", "HF energy / Ha", "{:.8f}"),
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
    ("correlation_energy_hartree", "correlation energy / Ha", "{:.8f}"),
    ("wall_seconds", "wall time / s", "{:.2f}"),
]


def _active_space(text: str) -> tuple[int, int]:
    try:
        electrons, orbitals = (int(x) for x in text.split(","))
    except ValueError:
        raise SettingsError(f"invalid --active-space {text!r}: expected NE,NO like 4,4") from None
    return electrons, orbitals


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
    recompute: Annotated[
        bool, typer.Option("--recompute", help="Ignore a stored result and compute again.")
    ] = False,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compute a VQE energy (Cirq circuit, fast exact engine) beside CASCI, stored once."""
    from pipeline.services import energies

    given = [x for x in (smiles, xyz, sdf, inchikey) if x]
    if len(given) != 1:
        raise SettingsError("give exactly one of --smiles, --xyz, --sdf, --inchikey")
    settings = settings_from(config)
    overrides: dict = {"basis": basis, "ansatz": ansatz, "solvent": solvent}
    if active_space:
        overrides["active_electrons"], overrides["active_orbitals"] = _active_space(active_space)
    quantum = settings.quantum.model_validate(
        {**settings.quantum.model_dump(), **{k: v for k, v in overrides.items() if v is not None}}
    )
    store = open_store(settings)
    try:
        spin = {"charge": charge, "multiplicity": multiplicity}
        if smiles:
            request = energies.request_for_smiles(store, smiles, settings.triage, **spin)
        elif inchikey:
            request = energies.request_for_inchikey(store, inchikey, settings.triage, **spin)
        elif xyz:
            request = energies.request_for_geometry(xyz, **spin)
        else:
            assert sdf is not None
            request = energies.request_for_sdf(sdf, **spin)
        result = energies.get_or_compute_energy(
            store, request, quantum, properties=properties, recompute=recompute
        )
    finally:
        store.close()
    if as_json:
        print_json(result)
        return
    table = Table(
        "quantity",
        "value",
        title=f"{quantum.ansatz.upper()} / {quantum.basis}, "
        f"CAS({quantum.active_electrons},{quantum.active_orbitals})"
        + (" (stored result)" if result["reused"] else ""),
    )
    for key, label, fmt in _SHOWN:
        if result.get(key) is not None:
            table.add_row(label, fmt.format(result[key]))
    Console().print(table)

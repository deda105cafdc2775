"""``qdp reactivity``: thiolate-addition energies ΔE_add of covalent warheads, per method."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.cli.common import ConfigOption, JsonOption, print_json, settings_from
from pipeline.errors import InputFileError, QdpError, SettingsError
from pipeline.store import open_store

_LABELS = {"vqe": "VQE", "casci": "CASCI", "hf": "HF", "dft": "DFT", "xtb": "xTB"}


def _inputs(smiles: list[str] | None, sdf: Path | None, file: Path | None) -> list[tuple[str, str]]:
    """(SMILES, name) pairs from the one input option given."""
    given = [x for x in (smiles, sdf, file) if x]
    if len(given) != 1:
        raise SettingsError("give exactly one of --smiles, --sdf, --file")
    if smiles:
        return [(s, s) for s in smiles]
    from rdkit import Chem

    path = sdf or file
    assert path is not None
    if not path.is_file():
        raise InputFileError(f"file not found: {path}")
    if sdf is not None:
        out = []
        for i, mol in enumerate(Chem.SDMolSupplier(str(sdf))):
            if mol is None:
                raise InputFileError(f"{sdf}: record {i + 1} cannot be read by RDKit")
            name = mol.GetProp("_Name") if mol.HasProp("_Name") else f"record {i + 1}"
            out.append((Chem.MolToSmiles(mol), name or f"record {i + 1}"))
        return out
    out = []
    for line in path.read_text().splitlines():
        parts = line.split(None, 1)
        if parts and not parts[0].startswith("#") and parts[0].lower() != "smiles":
            out.append((parts[0], parts[1].strip() if len(parts) > 1 else parts[0]))
    return out


def _one(store: Any, smiles: str, name: str, settings: Any, recompute: bool) -> dict[str, Any]:
    from pipeline.services.reactivity import get_or_compute_reactivity

    try:
        return get_or_compute_reactivity(store, smiles, settings, name=name, recompute=recompute)
    except QdpError as exc:
        return {"smiles": smiles, "name": name, "status": "refused", "error": str(exc)}


def _fmt(value: float | None, spec: str = "{:.1f}") -> str:
    return "–" if value is None else spec.format(value)


def reactivity(
    smiles: Annotated[
        list[str] | None, typer.Option("--smiles", help="SMILES of a warhead (repeatable).")
    ] = None,
    sdf: Annotated[Path | None, typer.Option(help="SDF file, one molecule per record.")] = None,
    file: Annotated[
        Path | None, typer.Option(help="Text file: one 'SMILES [name]' per line.")
    ] = None,
    recompute: Annotated[
        bool, typer.Option("--recompute", help="Ignore stored results and compute again.")
    ] = False,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """ΔE_add = E(adduct⁻) − E(warhead) − E(CH3S⁻) by VQE, CASCI, HF, DFT and GFN2-xTB."""
    settings = settings_from(config)
    method = settings.reactivity
    inputs = _inputs(smiles, sdf, file)
    store = open_store(settings)
    results = []
    err = Console(stderr=True)
    try:
        for i, (smi, name) in enumerate(inputs):
            err.print(f"[{i + 1}/{len(inputs)}] {escape(name)} …", highlight=False)
            res = _one(store, smi, name, method, recompute)
            if res["status"] != "ok":
                err.print(f"  {escape(name)}: {escape(str(res['error']))}", highlight=False)
            results.append(res)
    finally:
        store.close()
    if as_json:
        print_json([_json_row(r) for r in results])
    else:
        _print_table(results, method)
    if all(r["status"] == "refused" for r in results):
        raise typer.Exit(2)


def _json_row(r: dict[str, Any]) -> dict[str, Any]:
    if r["status"] != "ok":
        return {k: r.get(k) for k in ("smiles", "name", "inchikey", "status", "error")}
    site = next(s for s in r["sites"] if s["site"] == r["site"])
    return {
        "smiles": r["smiles"],
        "name": r["name"],
        "inchikey": r["inchikey"],
        "status": "ok",
        "warhead_class": r["warhead_class"],
        "mechanism": r["mechanism"],
        "site": r["site"],
        "adduct_smiles": site["adduct_smiles"],
        "delta_e_add_kcal": r["delta_e_add_kcal"],
        "vqe_minus_casci_mha": r["vqe_minus_casci_mha"],
        "lumo_ev": r["lumo_ev"],
        "omega_ev": r["omega_ev"],
        "active_spaces": {
            "warhead": [r["warhead"]["active_electrons"], r["warhead"]["active_orbitals"]],
            "adduct": [site["adduct"]["active_electrons"], site["adduct"]["active_orbitals"]],
            "thiolate": [r["thiolate"]["active_electrons"], r["thiolate"]["active_orbitals"]],
        },
        "sites": [
            {k: s[k] for k in ("site", "warhead_class", "delta_e_add_kcal")} for s in r["sites"]
        ],
        "notes": r.get("notes", []),
        "seconds": r["seconds"],
        "reused": r.get("reused", False),
    }


def _print_table(results: list[dict[str, Any]], method: Any) -> None:
    from pipeline.quantum.reactivity.kernel import METHODS  # PySCF, OpenFermion: seconds

    ok = [r for r in results if r["status"] == "ok"]
    if ok:
        table = Table(
            "molecule",
            "warhead (site)",
            *[_LABELS[m] for m in METHODS],
            "VQE−CASCI mHa",
            "LUMO eV",
            "ω eV",
            "s",
            title=f"ΔE_add / kcal/mol (lower = more reactive): {method.basis}, "
            f"{method.functional if method.compute_dft else 'no DFT'}, "
            f"{'ddCOSMO water' if method.solvent == 'water' else 'gas'}, "
            f"{method.geometry} geometries",
            caption="VQE: exact sector engine; VQE−CASCI (worst species) only says the "
            "optimiser reproduced CASCI in the active space",
        )
        for r in ok:
            worst = max(abs(v) for v in r["vqe_minus_casci_mha"].values())
            table.add_row(
                escape(str(r["name"])),
                escape(f"{r['warhead_class']} ({r['site']})"),
                *[_fmt(r["delta_e_add_kcal"].get(m)) for m in METHODS],
                f"{worst:.3f}",
                _fmt(r["lumo_ev"], "{:.2f}"),
                _fmt(r["omega_ev"], "{:.2f}"),
                _fmt(r["seconds"], "{:.0f}") + (" (stored)" if r.get("reused") else ""),
            )
        Console().print(table)
    for r in results:
        if r["status"] != "ok":
            typer.echo(f"{r['name']}: {r['status']}: {r['error']}")

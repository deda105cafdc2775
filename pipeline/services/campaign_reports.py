"""What a campaign's HTML report shows, read from the store: per molecule the oracle's stored
details (the quantum numbers, the warhead), the final surrogate's predictions, every quantum
check, the 3D records, and the provenance. Every campaign driver run writes it."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.errors import QdpError
from pipeline.reports.campaign import Column, ReportInputs, write_campaign_report
from pipeline.services.oracles import canonical_inchikey, parse_oracle_spec
from pipeline.store import Store
from pipeline.store.models import Molecule

ENERGY_COLUMNS = [
    Column("hf_energy_hartree", "HF / Ha", 6),
    Column("reference_energy_hartree", "CASCI / Ha", 6),
    Column("error_mha", "VQE − CASCI / mHa", 4),
]


REACTIVITY_COLUMNS = [
    Column("warhead_class", "warhead class"),
    Column("site", "site atom"),
    Column("dE_vqe", "ΔE_add VQE / kcal/mol", 1),
    Column("dE_casci", "ΔE_add CASCI / kcal/mol", 1),
    Column("dE_dft", "ΔE_add DFT / kcal/mol", 1),
    Column("dE_hf", "ΔE_add HF / kcal/mol", 1),
    Column("lumo_ev", "LUMO / eV", 2),
]
REACTIVITY_LABELS = {
    "delta_e_add_kcal": "ΔE_add (VQE) / kcal/mol",
    "reactivity_kcal": "−ΔE_add (VQE) / kcal/mol",
}


def _versions() -> dict[str, str]:
    out = {}
    for dist in ("qdp", "pyscf", "openfermion", "cirq-core", "rdkit", "deepchem", "prefect"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _energy_details(store: Store, smiles: list[str], settings: Settings) -> dict[str, Any]:
    from pipeline.services.energies import stored_energies_for

    return {row["smiles"]: row for row in stored_energies_for(store, smiles, settings)}


def _energy_checks(smiles: str, details: dict[str, Any]) -> list[dict[str, Any]]:
    checks = [
        {
            "smiles": smiles,
            "species": "N electrons",
            "vqe_hartree": details["energy_hartree"],
            "casci_hartree": details["reference_energy_hartree"],
            "error_mha": details["error_mha"],
        }
    ]
    for sector in ("cation", "anion"):
        part = details.get(sector)
        if part:
            checks.append(
                {
                    "smiles": smiles,
                    "species": f"{sector} (N{'-' if sector == 'cation' else '+'}1)",
                    "vqe_hartree": part["energy_hartree"],
                    "casci_hartree": part["reference_energy_hartree"],
                    "error_mha": part["error_mha"],
                }
            )
    return checks


def _reactivity_details(store: Store, smiles: list[str], settings: Settings) -> dict[str, Any]:
    """Stored reactivity results (flattened for the table) by SMILES."""
    from pipeline.services.reactivity import reactivity_hash

    key = reactivity_hash(settings.reactivity)
    out = {}
    for s in smiles:
        inchikey = canonical_inchikey(s)
        stored = None if inchikey is None else store.get_calculation(inchikey, key)
        if stored is None or stored.status != "ok":
            continue
        d = stored.details
        flat = {f"dE_{m}": v for m, v in d["delta_e_add_kcal"].items()}
        out[s] = {**d, **flat, "smiles": s}
    return out


def _reactivity_checks(smiles: str, details: dict[str, Any]) -> list[dict[str, Any]]:
    best = next((x for x in details["sites"] if x["site"] == details["site"]), None)
    species = [("warhead", details["warhead"]), ("CH3S⁻", details["thiolate"])]
    if best is not None:
        species.insert(1, (f"adduct⁻ (site {best['site']})", best["adduct"]))
    return [
        {
            "smiles": smiles,
            "species": f"{name}, CAS({e['active_electrons']},{e['active_orbitals']})",
            "vqe_hartree": e["vqe_hartree"],
            "casci_hartree": e["casci_hartree"],
            "error_mha": 1000.0 * (e["vqe_hartree"] - e["casci_hartree"]),
        }
        for name, e in species
    ]


def _molblocks(store: Store, smiles: list[str]) -> dict[str, str]:
    from sqlalchemy import select

    with store.session() as session:
        rows = session.scalars(select(Molecule).where(Molecule.smiles.in_(smiles))).all()
        return {m.smiles: m.conformer_molblock for m in rows if m.conformer_molblock}


def _predictions(
    store: Store, model_version: int | None, smiles: list[str], models_dir: Path
) -> dict[str, Any]:
    if model_version is None or not smiles:
        return {}
    from pipeline.services.predictions import predict_smiles
    from pipeline.services.surrogate_models import load_registered

    try:
        model = load_registered(store, model_version, models_dir=models_dir)
    except QdpError:
        return {}
    return {p.smiles: p for p in predict_smiles(model, smiles) if p.mean is not None}


def campaign_report_inputs(
    store: Store, report: dict[str, Any], settings: Settings, extra: dict[str, Any] | None = None
) -> ReportInputs:
    """The report's rows, columns, quantum checks, 3D records and provenance."""
    smiles = [e["smiles"] for e in report["evaluated"]]
    kind, _ = parse_oracle_spec(report["oracle"])
    details: dict[str, Any] = {}
    columns: list[Column] = []
    label = report["target"]
    if kind == "vqe":
        details = _energy_details(store, smiles, settings)
        columns = ENERGY_COLUMNS
    elif kind == "reactivity":
        details = _reactivity_details(store, smiles, settings)
        columns = REACTIVITY_COLUMNS
        label = REACTIVITY_LABELS.get(label, label)
    predictions = _predictions(store, report["model_version"], smiles, settings.models_dir)
    rows, checks = [], []
    for e in report["evaluated"]:
        row = {**details.get(e["smiles"], {}), **e}
        p = predictions.get(e["smiles"])
        if p is not None:
            row.update(predicted_mean=p.mean, predicted_std=p.std)
        rows.append(row)
        if e["smiles"] in details:
            check = _energy_checks if kind == "vqe" else _reactivity_checks
            checks += check(e["smiles"], details[e["smiles"]])
    provenance = {
        "campaign": report["campaign_id"],
        "oracle": report["oracle"],
        "settings": settings.model_dump(mode="json", exclude={"api_token"}),
        "software": _versions(),
        **(extra or {}),
    }
    return ReportInputs(
        rows=rows,
        columns=columns,
        value_label=label,
        checks=checks,
        molblocks=_molblocks(store, smiles),
        provenance=provenance,
    )


def write_report(
    store: Store, report: dict[str, Any], settings: Settings, extra: dict[str, Any] | None = None
) -> Path:
    """Write the campaign's self-contained HTML report under ``settings.reports_dir``."""
    inputs = campaign_report_inputs(store, report, settings, extra)
    return write_campaign_report(report, inputs, settings.reports_dir)

"""What a campaign's HTML report shows, read from the store: per molecule the oracle's stored
details (the quantum numbers, the warhead), the final surrogate's predictions, every quantum
check, the 3D records, and the provenance. Every campaign driver run writes it.

3D records: a reactivity result's warhead at the geometry its energies were computed at
(GFN2-xTB by default), else the molecule's stored MMFF94 conformer (the one the VQE oracle
computes at); a molecule with neither goes into the SDF in 2D, marked so.
"""

from __future__ import annotations

from dataclasses import replace
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


DELTA_E = "ΔE_add / kcal/mol"
REACTIVITY_COLUMNS = [
    Column("warhead_name", "warhead class"),
    Column("site_atom", "attacked atom"),
    Column("dE_vqe", "VQE", 1, DELTA_E),
    Column("dE_casci", "CASCI", 1, DELTA_E),
    Column("dE_dft", "DFT", 1, DELTA_E),
    Column("dE_hf", "HF", 1, DELTA_E),
    Column("dE_xtb", "GFN2-xTB", 1, DELTA_E),
    Column("lumo_ev", "LUMO / eV", 2),
]
TARGET_COLUMNS = {  # the reactivity column that repeats the target: left out
    "delta_e_add_kcal": "dE_vqe",
    "reactivity_kcal": "dE_vqe",
    **{f"delta_e_add_{m}_kcal": f"dE_{m}" for m in ("vqe", "casci", "hf", "dft", "xtb")},
    "lumo_ev": "lumo_ev",
}
REACTIVITY_LABELS = {
    "delta_e_add_kcal": "ΔE_add (VQE) / kcal/mol",
    "reactivity_kcal": "−ΔE_add (VQE) / kcal/mol",
    **{
        f"delta_e_add_{m}_kcal": f"ΔE_add ({name}) / kcal/mol"
        for m, name in (
            ("vqe", "VQE"), ("casci", "CASCI"), ("hf", "HF"), ("dft", "DFT"), ("xtb", "GFN2-xTB")
        )
    },
    "lumo_ev": "LUMO / eV",
    "omega_ev": "electrophilicity ω / eV",
}  # fmt: skip
UNIT_SUFFIXES = {"_hartree": "Ha", "_mha": "mHa", "_kcal": "kcal/mol", "_ev": "eV"}
UNIT_DIGITS = {"Ha": 6, "mHa": 3, "kcal/mol": 1, "eV": 2, "log10(mol/L)": 2}
GEOMETRY_NAMES = {"gfn2-xtb": "GFN2-xTB", "mmff": "MMFF94"}


def _geometry_method(settings: Settings) -> str:
    """How the reactivity method's geometries are made, e.g. ``GFN2-xTB (ALPB water)``."""
    r = settings.reactivity
    name = GEOMETRY_NAMES.get(r.geometry, r.geometry)
    return f"{name} (ALPB water)" if r.geometry == "gfn2-xtb" and r.solvent == "water" else name


def target_unit(target: str) -> str | None:
    """The unit of a campaign target by its name: ``*_hartree`` Ha, ``*_mha`` mHa, ``*_kcal``
    kcal/mol, ``*_ev`` eV, logS / log solubility log10(mol/L); ``None`` when unknown."""
    name = target.lower()
    for suffix, unit in UNIT_SUFFIXES.items():
        if name.endswith(suffix):
            return unit
    if (
        name in ("logs", "log_s")
        or name.endswith("_logs")
        or ("log" in name and "solubility" in name)
    ):
        return "log10(mol/L)"
    return None


def target_label(kind: str, target: str) -> tuple[str, int]:
    """The value column's header (target and unit) and its decimals."""
    if kind == "reactivity" and target in REACTIVITY_LABELS:
        label = REACTIVITY_LABELS[target]
        return label, UNIT_DIGITS[label.rsplit(" / ", 1)[1]]
    unit = target_unit(target)
    if unit is None:
        return target, 3
    return f"{target} / {unit}", UNIT_DIGITS[unit]


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
        warhead = d["warhead_class"].replace("_", " ")  # "beta substituted acrylamide" wraps
        out[s] = {**d, **flat, "warhead_name": warhead, "smiles": s}
    return out


def _species_label(name: str, energies: dict[str, Any]) -> str:
    """``adduct⁻ (site 2), CAS(4,4)``; a species holding no active electrons of the reactant
    pair's CAS (the pair's orbitals sit on CH3S⁻) is at HF level, and says so."""
    n_el, n_orb = energies["active_electrons"], energies["active_orbitals"]
    if not n_el:
        return f"{name}, no active electrons (HF level in the pair's CAS)"
    return f"{name}, CAS({n_el},{n_orb})"


def _reactivity_checks(smiles: str, details: dict[str, Any]) -> list[dict[str, Any]]:
    best = next((x for x in details["sites"] if x["site"] == details["site"]), None)
    species = [("warhead", details["warhead"]), ("CH3S⁻", details["thiolate"])]
    if best is not None:
        species.insert(1, (f"adduct⁻ (site {best['site']})", best["adduct"]))
    return [
        {
            "smiles": smiles,
            "species": _species_label(name, e),
            "vqe_hartree": e["vqe_hartree"],
            "casci_hartree": e["casci_hartree"],
            "error_mha": 1000.0 * (e["vqe_hartree"] - e["casci_hartree"]),
        }
        for name, e in species
    ]


def _site_atom(smiles: str, details: dict[str, Any]) -> tuple[int | None, str | None]:
    """The attacked atom of a reactivity result in the atom order of ``smiles`` (its index,
    and element + index for the table). The stored index is in the order of the SMILES the
    result was computed from, which the stored warhead record keeps; a result stored before
    that record was kept is taken as computed from ``smiles`` itself."""
    from rdkit import Chem

    mol = Chem.MolFromSmiles(smiles)
    site = details.get("site")
    if mol is None or site is None:
        return None, None
    block = details.get("warhead_molblock")
    if block:  # heavy atoms first, in the order of the SMILES computed
        computed = Chem.MolFromMolBlock(block)
        match = () if computed is None else mol.GetSubstructMatch(computed)
        site = match[site] if site < len(match) else None
    if site is None or site >= mol.GetNumAtoms():
        return None, None
    return site, f"{mol.GetAtomWithIdx(site).GetSymbol()}{site}"


def _structures(
    store: Store, smiles: list[str], details: dict[str, Any], geometry: str
) -> tuple[dict[str, str], dict[str, str]]:
    """3D records (explicit H, Å) by SMILES and how each was made: the stored reactivity
    warhead (made by ``geometry``), else the molecule's stored MMFF94 conformer."""
    from sqlalchemy import select

    blocks, methods = {}, {}
    keys = {s: canonical_inchikey(s) for s in smiles}
    with store.session() as session:
        query = select(Molecule).where(Molecule.inchikey.in_([k for k in keys.values() if k]))
        conformers = {m.inchikey: m.conformer_molblock for m in session.scalars(query)}
    for s, key in keys.items():
        block = details.get(s, {}).get("warhead_molblock")
        if block:
            blocks[s], methods[s] = block, geometry
        elif key and conformers.get(key):
            blocks[s], methods[s] = conformers[key], "MMFF94"
    return blocks, methods


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
    label, digits = target_label(kind, report["target"])
    if kind == "vqe":
        details = _energy_details(store, smiles, settings)
        columns = ENERGY_COLUMNS
    elif kind == "reactivity":
        details = _reactivity_details(store, smiles, settings)
        for s, d in details.items():
            d["site"], d["site_atom"] = _site_atom(s, d)
        skip = TARGET_COLUMNS.get(report["target"])
        computed = {k for d in details.values() for k, v in d.items() if v is not None}
        # a method the settings did not run (e.g. compute_dft = false) gets no empty column
        columns = [c for c in REACTIVITY_COLUMNS if c.key != skip and c.key in computed]
        frontier = "DFT" if settings.reactivity.compute_dft else "HF"  # whose orbitals
        columns = [
            replace(c, header=f"LUMO ({frontier}) / eV") if c.key == "lumo_ev" else c
            for c in columns
        ]
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
    molblocks, methods = _structures(store, smiles, details, _geometry_method(settings))
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
        value_digits=digits,
        checks=checks,
        molblocks=molblocks,
        geometry_methods=methods,
        provenance=provenance,
    )


def write_report(
    store: Store, report: dict[str, Any], settings: Settings, extra: dict[str, Any] | None = None
) -> Path:
    """Write the campaign's self-contained HTML report under ``settings.reports_dir``."""
    inputs = campaign_report_inputs(store, report, settings, extra)
    return write_campaign_report(report, inputs, settings.reports_dir)

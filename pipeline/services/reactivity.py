"""Thiolate-addition reactivity through the store, and as a campaign oracle.

Content key: (InChIKey, hash of the ``[reactivity]`` settings + schema). A failure the method
reaches (no warhead, unsupported mechanism, SCF/geometry/active-space failure) is stored with
its reason and returned as such until ``recompute``; input the method refuses before any work
(unparsable SMILES, radicals, metals, several molecules, too large) is not stored.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from molecules.errors import MoleculeParseError
from molecules.standardize import identify_mol, parse_smiles
from pipeline.errors import QdpError, SettingsError
from pipeline.quantum.reactivity.errors import ReactivityError, ReactivityInputError
from pipeline.quantum.reactivity.kernel import check_input, compute_reactivity
from pipeline.quantum.reactivity.settings import ReactivitySettings
from pipeline.store import Store, content_hash
from surrogates.oracle import OracleResult

REACTIVITY_SCHEMA = "qdp.reactivity/1"
TARGETS = (
    "delta_e_add_kcal",
    "reactivity_kcal",
    *(f"delta_e_add_{m}_kcal" for m in ("vqe", "casci", "hf", "dft", "xtb")),
    "lumo_ev",
    "omega_ev",
)
METHOD_VERSION = 2  # bump when a code change alters results (2: adducts with a broken bond fail)


class ReactivityFailedError(QdpError):
    """The reactivity calculation was attempted and failed; its reason is stored."""


def reactivity_hash(settings: ReactivitySettings) -> str:
    """Content hash of every setting that changes a reactivity result."""
    return content_hash(
        {
            "schema": REACTIVITY_SCHEMA,
            "reactivity": settings.model_dump(mode="json"),
            "version": METHOD_VERSION,
        }
    )


def _properties(result: dict[str, Any]) -> dict[str, float]:
    out = {
        f"delta_e_add_{m}_kcal": v for m, v in result["delta_e_add_kcal"].items() if v is not None
    }
    if result["delta_e_add_kcal"].get("vqe") is not None:
        out["delta_e_add_kcal"] = result["delta_e_add_kcal"]["vqe"]
        out["reactivity_kcal"] = -result["delta_e_add_kcal"]["vqe"]
    out["lumo_ev"] = result["lumo_ev"]
    if result.get("omega_ev") is not None:
        out["omega_ev"] = result["omega_ev"]
    return out


def get_or_compute_reactivity(
    store: Store,
    smiles: str,
    settings: ReactivitySettings,
    *,
    name: str | None = None,
    recompute: bool = False,
) -> dict[str, Any]:
    """The stored result for this molecule and settings, or a new calculation stored.

    Returns:
        ``{"smiles", "name", "inchikey", "status": "ok", "reused", "seconds", **result}`` or, for
        a stored failure, ``{"smiles", "name", "inchikey", "status": "failed", "error", ...}``.

    Raises:
        ReactivityInputError: refused before any work (not stored).
    """
    try:
        mol = parse_smiles(smiles)
        check_input(mol, settings)
        standard = identify_mol(mol)
    except MoleculeParseError as exc:
        raise ReactivityInputError(f"cannot use SMILES {smiles!r}: {exc.reason}: {exc}") from None
    except ReactivityInputError as exc:
        raise ReactivityInputError(f"cannot use SMILES {smiles!r}: {exc}") from None
    key = reactivity_hash(settings)
    head = {"smiles": smiles, "name": name, "inchikey": standard.inchikey}
    stored = None if recompute else store.get_calculation(standard.inchikey, key)
    if stored is not None:
        if stored.status != "ok":
            return {**head, "status": "failed", "error": stored.error, "reused": True}
        return {**head, **stored.details, "status": "ok", "reused": True}
    store.upsert_molecules(
        [{"inchikey": standard.inchikey, "smiles": standard.smiles, "source": "reactivity"}]
    )
    start = time.perf_counter()
    row: dict[str, Any] = {
        "subject_key": standard.inchikey,
        "settings_hash": key,
        "inchikey": standard.inchikey,
    }
    try:
        result = compute_reactivity(mol, settings).to_dict()
    except ReactivityInputError as exc:
        raise ReactivityInputError(f"cannot use SMILES {smiles!r}: {exc}") from None
    except ReactivityError as exc:
        error = f"{type(exc).__name__}: {exc}"
        row |= {
            "status": "failed",
            "method": {"reactivity": settings.model_dump(mode="json")},
            "error": error,
            "timings": {"wall_seconds": time.perf_counter() - start},
        }
        store.put_calculation(row, replace=True)
        return {**head, "status": "failed", "error": error, "reused": False}
    row |= {
        "status": "ok",
        "method": {"reactivity": settings.model_dump(mode="json")},
        "hf_energy_hartree": result["warhead"]["hf_hartree"],
        "energy_hartree": result["warhead"]["vqe_hartree"],
        "reference_energy_hartree": result["warhead"]["casci_hartree"],
        "properties": _properties(result),
        "details": result,
        "timings": {"wall_seconds": result["seconds"]},
    }
    store.put_calculation(row, replace=True)
    return {**head, **result, "status": "ok", "reused": False}


class ReactivityOracle:
    """Campaign oracle: ``target`` of each molecule's reactivity result, via the store.

    Targets: ``delta_e_add_kcal`` (VQE ΔE_add, kcal/mol, lower = more reactive),
    ``reactivity_kcal`` (its negative: higher = more reactive), ``delta_e_add_<method>_kcal``
    for ``casci``, ``hf``, ``dft``, ``xtb``, ``lumo_ev``, ``omega_ev``. A failure is an oracle
    failure with its reason, never an exception.
    """

    def __init__(
        self, store: Store, settings: ReactivitySettings, target: str = "delta_e_add_kcal"
    ) -> None:
        if target not in TARGETS:
            raise SettingsError(
                f"unknown reactivity target {target!r} (allowed: {', '.join(TARGETS)})"
            )
        self.store = store
        self.settings = settings
        self.target = target

    def evaluate(self, smiles: Sequence[str]) -> list[OracleResult]:
        results = []
        for s in smiles:
            try:
                payload = get_or_compute_reactivity(self.store, s, self.settings)
            except QdpError as exc:
                results.append(OracleResult(smiles=s, error=str(exc)))
                continue
            if payload["status"] != "ok":
                results.append(OracleResult(smiles=s, error=str(payload["error"])))
                continue
            value = _properties(payload).get(self.target)
            if value is None:
                results.append(OracleResult(smiles=s, error=f"no {self.target} in the result"))
            else:
                results.append(OracleResult(smiles=s, value=float(value)))
        return results

"""Tables of ``qdp energy`` for the backend evaluation and the device resource estimate."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

_STEP_LABELS = {
    "exact": "state vector (no shots)",
    "sampled": "sampled",
    "unmitigated": "noisy, unmitigated",
    "readout": "+ readout mitigation",
    "readout+postselection": "+ symmetry post-selection",
    "readout+postselection+zne": "+ zero-noise extrapolation",
}


def backend_table(result: dict[str, Any]) -> Table | None:
    """One row per mitigation step: energy, error vs CASCI and σ (mHa), shots."""
    evaluation = result.get("backend_evaluation")
    if not evaluation:
        return None
    reference = result["reference_energy_hartree"]
    table = Table(
        "step",
        "energy / Ha",
        "− CASCI / mHa",
        "σ / mHa",
        "shots",
        title=f"backend {evaluation['backend']}: the optimised circuit measured "
        f"({evaluation['measurement_groups']} measurement groups, "
        f"{evaluation['simulated_two_qubit_gates']} two-qubit gates simulated, "
        f"{evaluation['wall_seconds']:.1f} s)",
    )
    for step in evaluation["steps"]:
        table.add_row(
            _STEP_LABELS.get(step["name"], step["name"]),
            f"{step['energy_hartree']:.6f}",
            f"{1000 * (step['energy_hartree'] - reference):+.2f}",
            f"{1000 * step['standard_error_hartree']:.2f}",
            f"{step['shots']:,}",
        )
    return table


def resources_table(result: dict[str, Any]) -> Table | None:
    """Qubits, compiled and routed two-qubit gates and depth, groups, shots for 1.6 mHa."""
    res = result.get("resources")
    if not res:
        return None
    gate = {"cz": "CZ", "sqrt_iswap": "√iSWAP"}.get(res["gateset"], res["gateset"])
    table = Table(
        "resource",
        "value",
        title=f"device estimate: {gate} gates, {res['grid_rows']}×{res['grid_columns']} grid "
        "(Cirq RouteCQC)",
    )
    eps = 1000 * res["target_error_hartree"]
    rows = [
        ("qubits", f"{res['qubits']}"),
        (
            f"{gate} gates / depth, all-to-all",
            f"{res['logical_two_qubit_gates']:,} / {res['logical_depth']:,}",
        ),
        (
            f"{gate} gates / depth, routed on the grid",
            f"{res['routed_two_qubit_gates']:,} / "
            f"{res['routed_depth']:,} ({res['swaps_inserted']} SWAPs)",
        ),
        ("Pauli terms / measurement groups", f"{res['pauli_terms']} / {res['measurement_groups']}"),
        ("1-norm of H (no identity) / Ha", f"{res['one_norm_hartree']:.3f}"),
        (
            f"shots for σ = {eps:.1f} mHa, terms apart, worst case",
            f"{res['shots_bound_ungrouped']:.2e}",
        ),
    ]
    if res.get("shots_ungrouped") is not None:
        rows.append(
            (
                f"shots for σ = {eps:.1f} mHa, terms apart, this state",
                f"{res['shots_ungrouped']:.2e}",
            )
        )
        rows.append(
            (f"shots for σ = {eps:.1f} mHa, grouped, this state", f"{res['shots_grouped']:.2e}")
        )
    for label, value in rows:
        table.add_row(label, value)
    return table


def print_device_tables(result: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    for table in (backend_table(result), resources_table(result)):
        if table is not None:
            console.print(table)

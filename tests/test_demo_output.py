"""``qdp demo``'s console tables: the target's value is shown, beside the baselines."""

from __future__ import annotations

from rich.console import Console

from pipeline.cli.demo import print_demo_results
from pipeline.reports.campaign import Column, ReportInputs


def test_top_table_shows_the_target_value_and_baselines() -> None:
    report = {
        "campaign_id": "demo", "objective": "minimized", "maximize": False, "status": "finished",
        "stop_reason": "rounds", "rounds": [], "model_version": 1,
        "evaluated": [{"smiles": s, "error": None} for s in ("C=CC(N)=O", "O=C1C=CC(=O)N1")],
    }  # fmt: skip
    inputs = ReportInputs(
        rows=[
            {"smiles": "C=CC(N)=O", "value": 21.43, "dE_hf": 21.66, "warhead_class": "acrylamide"},
            {"smiles": "O=C1C=CC(=O)N1", "value": 7.54, "dE_hf": 8.2, "warhead_class": "maleimide"},
        ],
        columns=[Column("dE_hf", "HF", 1)],
        value_label="ΔE_add (VQE) / kcal/mol",
        value_digits=1,
        checks=[
            {
                "smiles": "C=CC(N)=O",
                "species": "warhead, no active electrons (HF level in the pair's CAS)",
                "vqe_hartree": -245.8,
                "casci_hartree": -245.8,
                "error_mha": 0.0,
            },
        ],  # fmt: skip
    )
    console = Console(record=True, width=200)
    print_demo_results(console, report, inputs)
    text = console.export_text()
    top = text.split("class order")[0]
    assert "ΔE_add (VQE) / kcal/mol" in top and "HF" in top
    # most reactive (lowest ΔE_add) first, its VQE value and its HF baseline on its row
    maleimide = next(line for line in top.splitlines() if "O=C1C=CC(=O)N1" in line)
    assert "7.5" in maleimide and "8.2" in maleimide
    assert top.index("O=C1C=CC(=O)N1") < top.index("C=CC(N)=O")
    assert "maleimide" in text.split("class order")[1]

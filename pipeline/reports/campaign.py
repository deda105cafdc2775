"""The HTML report of a campaign: learning curve, parity plot, top candidates, VQE errors."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers
import matplotlib.pyplot as plt  # noqa: E402


def learning_curve(report: dict[str, Any]) -> tuple[list[int], list[float]]:
    """Best value found (by the campaign's direction) after each successful oracle call."""
    best: float | None = None
    calls, values = [], []
    for n, evaluation in enumerate(report["evaluated"], start=1):
        value = evaluation["value"]
        if value is not None:
            better = best is None or (value > best if report["maximize"] else value < best)
            best = value if better else best
        if best is not None:
            calls.append(n)
            values.append(best)
    return calls, values


def parity_points(report: dict[str, Any]) -> tuple[list[float], list[float], list[float]]:
    """(predicted mean, predicted std, computed value) of every molecule chosen by a model."""
    predicted, spread, computed = [], [], []
    for round_ in report["rounds"]:
        for mean, std, value in zip(
            round_["predicted_mean"], round_["predicted_std"], round_["values"], strict=False
        ):
            if value is not None:
                predicted.append(mean)
                spread.append(std)
                computed.append(value)
    return predicted, spread, computed


def _plot_learning_curve(report: dict[str, Any], path: Path) -> None:
    calls, values = learning_curve(report)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.step(calls, values, where="post")
    ax.set_xlabel("oracle calls")
    ax.set_ylabel(f"best {report['target']} so far")
    ax.set_title("learning curve")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_parity(report: dict[str, Any], path: Path) -> None:
    predicted, spread, computed = parity_points(report)
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    if computed:
        ax.errorbar(computed, predicted, yerr=spread, fmt="o", ms=4, alpha=0.8)
        low, high = min(computed + predicted), max(computed + predicted)
        ax.plot([low, high], [low, high], "k--", lw=1)
    ax.set_xlabel(f"computed {report['target']}")
    ax.set_ylabel("surrogate prediction (mean ± std)")
    ax.set_title("parity: predictions at selection time")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_campaign_report(
    report: dict[str, Any], calculations: list[dict[str, Any]], out_dir: Path
) -> Path:
    """Write ``campaign-<id>.html`` and its two PNG plots into ``out_dir``; return the HTML path.

    Args:
        report: the ``qdp campaign --json`` object.
        calculations: per quantum calculation, ``smiles``, ``energy_hartree``,
            ``reference_energy_hartree``, ``error_mha`` and ``matches_casci`` (rows stored
            before the rename have ``chemical_accuracy``, read the same way).
        out_dir: the reports directory (created if missing).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"campaign-{report['campaign_id']}"
    _plot_learning_curve(report, out_dir / f"{stem}-learning-curve.png")
    _plot_parity(report, out_dir / f"{stem}-parity.png")
    best = [[e["smiles"], f"{e['value']:.4f}"] for e in report["best"]]
    rounds = [
        [
            r["round"],
            r["metrics"]["strategy"],
            len(r["selected"]),
            r["metrics"]["n_train"],
            f"{r['metrics']['batch_rmse']:.3f}" if "batch_rmse" in r["metrics"] else "",
        ]
        for r in report["rounds"]
    ]
    vqe = [
        [
            c["smiles"],
            f"{c['energy_hartree']:.6f}",
            f"{c['reference_energy_hartree']:.6f}",
            f"{c['error_mha']:.3f}",
            "yes" if c.get("matches_casci", c.get("chemical_accuracy")) else "NO",
        ]
        for c in calculations
    ]
    page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>qdp campaign {report["campaign_id"]}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:.3em .6em}}
img{{max-width:48%}}</style></head><body>
<h1>Campaign {report["campaign_id"]}</h1>
<p>Target <b>{html.escape(report["target"])}</b> ({
        "maximized" if report["maximize"] else "minimized"
    }), oracle <code>{html.escape(report["oracle"])}</code>, pool of
{report["pool_size"]} molecules, {len(report["evaluated"])} oracle calls;
status {report["status"]} ({report["stop_reason"]}).</p>
<img src="{stem}-learning-curve.png" alt="learning curve">
<img src="{stem}-parity.png" alt="parity plot">
<h2>Best candidates</h2>{_table(["SMILES", report["target"]], best)}
<h2>Rounds</h2>{_table(["round", "strategy", "chosen", "trained on", "batch RMSE"], rounds)}
<h2>VQE against CASCI (same active space)</h2>
{_table(["SMILES", "VQE / Ha", "CASCI / Ha", "VQE − CASCI / mHa", "≤ 1.6 mHa"], vqe)}
</body></html>
"""
    path = out_dir / f"{stem}.html"
    path.write_text(page)
    return path

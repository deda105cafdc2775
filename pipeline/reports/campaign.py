"""The HTML report of a campaign: one self-contained page a chemist can forward.

Everything is inline — 2D structures (RDKit SVG, the attacked atom highlighted), the learning
curve and parity plot (PNG as data URIs), CSV and SDF downloads (data URIs) — so the single
``campaign-<id>.html`` file is the whole report. It carries the values with their units, the
surrogate's predictions ± std, every quantum check (VQE beside CASCI, per species), and the
settings, software versions, date and (under Prefect) flow run that produced it.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


@dataclass(frozen=True)
class Column:
    """A column of the candidates table: ``key`` of a row, its header (with units)."""

    key: str
    header: str
    digits: int | None = None


@dataclass
class ReportInputs:
    """What the page shows besides the campaign report itself.

    Attributes:
        rows: one dict per evaluated molecule (``smiles``, ``value``, ``error`` and the keys
            of ``columns``; ``site`` highlights that atom of the structure drawing;
            ``predicted_mean``/``predicted_std`` when a final model scored it).
        columns: the extra columns of the candidates table, in order.
        value_label: the target with its unit, e.g. ``ΔE_add (VQE) / kcal/mol``.
        checks: quantum checks, one dict per species: ``smiles``, ``species``,
            ``vqe_hartree``, ``casci_hartree``, ``error_mha``.
        molblocks: 3D records (with hydrogens) by SMILES, for the SDF download.
        provenance: settings, software versions, flow run: shown as given.
    """

    rows: list[dict[str, Any]]
    columns: list[Column] = field(default_factory=list)
    value_label: str = "value"
    checks: list[dict[str, Any]] = field(default_factory=list)
    molblocks: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)


def report_utility(report: dict[str, Any], value: float) -> float:
    """Higher is better: the value, minus it, or minus its distance to the target window."""
    window = report.get("target_window")
    if window:
        return -max(0.0, window[0] - value, value - window[1])
    return value if report["maximize"] else -value


def learning_curve(report: dict[str, Any]) -> tuple[list[int], list[float]]:
    """Best value found (by the campaign's objective) after each successful oracle call."""
    best: float | None = None
    calls, values = [], []
    for n, evaluation in enumerate(report["evaluated"], start=1):
        value = evaluation["value"]
        if value is not None:
            better = best is None or report_utility(report, value) > report_utility(report, best)
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


def _png_data_uri(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _learning_curve_png(report: dict[str, Any], label: str) -> str:
    calls, values = learning_curve(report)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    ax.step(calls, values, where="post")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("oracle calls")
    ax.set_ylabel(f"best {label} so far")
    ax.set_title("learning curve")
    fig.tight_layout()
    return _png_data_uri(fig)


def _parity_png(report: dict[str, Any], label: str) -> str:
    predicted, spread, computed = parity_points(report)
    fig, ax = plt.subplots(figsize=(4.6, 4.6))
    if computed:
        ax.errorbar(computed, predicted, yerr=spread, fmt="o", ms=4, alpha=0.8)
        low, high = min(computed + predicted), max(computed + predicted)
        ax.plot([low, high], [low, high], "k--", lw=1)
    ax.set_xlabel(f"computed {label}")
    ax.set_ylabel(f"predicted {label} (mean ± std)")
    ax.set_title("surrogate at selection time")
    fig.tight_layout()
    return _png_data_uri(fig)


def structure_svg(smiles: str, site: int | None = None, size: int = 170) -> str:
    """An inline SVG 2D drawing of ``smiles`` (atom ``site`` highlighted); empty if unparsable."""
    from rdkit import Chem
    from rdkit.Chem.Draw import rdMolDraw2D

    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return ""
    drawer = rdMolDraw2D.MolDraw2DSVG(size, int(size * 0.75))
    atoms = [site] if site is not None and 0 <= site < mol.GetNumAtoms() else []
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol, highlightAtoms=atoms)
    drawer.FinishDrawing()
    svg = drawer.GetDrawingText()
    return svg[svg.index("<svg") :]


def _fmt(value: Any, digits: int | None) -> str:
    if value is None:
        return ""
    if digits is not None and isinstance(value, int | float):
        return f"{value:.{digits}f}"
    return str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], raw: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{cell if i in raw else html.escape(cell)}</td>" for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _download(name: str, mime: str, text: str, label: str) -> str:
    data = base64.b64encode(text.encode()).decode()
    return f'<a download="{html.escape(name)}" href="data:{mime};base64,{data}">{label}</a>'


def results_csv(inputs: ReportInputs) -> str:
    """Every evaluated molecule as CSV: SMILES, value, error, the extra columns, prediction."""
    keys = ["smiles", "value", "error", *(c.key for c in inputs.columns)]
    keys += ["predicted_mean", "predicted_std"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(keys)
    for row in inputs.rows:
        writer.writerow(["" if row.get(k) is None else row.get(k) for k in keys])
    return buffer.getvalue()


def results_sdf(inputs: ReportInputs) -> str:
    """The evaluated molecules with stored 3D coordinates, values as SDF properties."""
    records = []
    for row in inputs.rows:
        block = inputs.molblocks.get(row["smiles"])
        if not block:
            continue
        lines = [block.rstrip("\n").split("$$$$")[0].rstrip("\n")]
        for key in ("smiles", "value", *(c.key for c in inputs.columns)):
            if row.get(key) is not None:
                lines += [f">  <{key}>", str(row[key]), ""]
        records.append("\n".join(lines) + "\n$$$$\n")
    return "".join(records)


def render_campaign_report(report: dict[str, Any], inputs: ReportInputs) -> str:
    """The HTML page of ``report`` (the ``qdp campaign --json`` object)."""
    label = inputs.value_label
    scored = [r for r in inputs.rows if r.get("value") is not None]
    scored.sort(key=lambda r: report_utility(report, r["value"]), reverse=True)
    header = ["rank", "structure", "SMILES", label, *(c.header for c in inputs.columns)]
    header.append(f"predicted {label} (± std)")
    candidates = []
    for rank, row in enumerate(scored, start=1):
        mean, std = row.get("predicted_mean"), row.get("predicted_std")
        candidates.append(
            [
                str(rank),
                structure_svg(row["smiles"], row.get("site")),
                row["smiles"],
                _fmt(row["value"], 2),
                *(_fmt(row.get(c.key), c.digits) for c in inputs.columns),
                "" if mean is None else f"{mean:.2f} ± {std:.2f}",
            ]
        )
    failed = [[r["smiles"], str(r.get("error"))] for r in inputs.rows if r.get("value") is None]
    rounds = [
        [
            str(r["round"]),
            r["metrics"]["strategy"],
            str(len(r["selected"])),
            str(r["metrics"]["n_train"]),
            _fmt(r["metrics"].get("batch_rmse"), 3),
        ]
        for r in report["rounds"]
    ]
    checks = [
        [
            c["smiles"],
            c["species"],
            _fmt(c["vqe_hartree"], 6),
            _fmt(c["casci_hartree"], 6),
            _fmt(c["error_mha"], 4),
            "yes" if abs(c["error_mha"]) <= 1.6 else "NO",
        ]
        for c in inputs.checks
    ]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    provenance = html.escape(json.dumps(inputs.provenance, indent=2, sort_keys=True, default=str))
    direction = report.get("objective") or ("maximized" if report["maximize"] else "minimized")
    sdf = results_sdf(inputs)
    downloads = _download(
        f"campaign-{report['campaign_id']}.csv", "text/csv", results_csv(inputs), "CSV"
    )
    if sdf:
        downloads += " · " + _download(
            f"campaign-{report['campaign_id']}.sdf", "chemical/x-mdl-sdfile", sdf, "SDF (3D)"
        )
    cid = html.escape(str(report["campaign_id"]))
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>qdp campaign {cid}</title>
<style>body{{font-family:sans-serif;max-width:72em;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:.25em .5em;
vertical-align:middle}}th{{background:#f3f3f3}}img{{max-width:48%}}svg{{display:block}}
pre{{background:#f7f7f7;padding:1em;overflow:auto;font-size:85%}}</style></head><body>
<h1>Campaign {cid}</h1>
<p>Target <b>{html.escape(label)}</b> ({direction}), oracle
<code>{html.escape(report["oracle"])}</code>; pool of {report["pool_size"]} molecules,
{len(report["evaluated"])} oracle calls ({len(failed)} failed); status {report["status"]}
({html.escape(str(report["stop_reason"]))}). Written {stamp}. Download: {downloads}.</p>
<img src="{_learning_curve_png(report, label)}" alt="learning curve">
<img src="{_parity_png(report, label)}" alt="parity plot">
<h2>Candidates, best first</h2>
{_table(header, candidates, raw=(1,))}
<h2>Quantum checks: VQE beside CASCI of the same active space</h2>
<p>Agreement within 1.6 mHa means the optimiser reproduced CASCI in that active space; it
says nothing about basis-set or active-space error.</p>
{_table(["SMILES", "species", "VQE / Ha", "CASCI / Ha", "VQE − CASCI / mHa", "≤ 1.6 mHa"], checks)}
<h2>Rounds</h2>
{_table(["round", "strategy", "chosen", "trained on", f"batch RMSE ({label})"], rounds)}
<h2>Failed oracle calls (recorded, not retried)</h2>
{_table(["SMILES", "reason"], failed) if failed else "<p>none</p>"}
<h2>Provenance</h2><pre>{provenance}</pre>
</body></html>
"""


def write_campaign_report(report: dict[str, Any], inputs: ReportInputs, out_dir: Path) -> Path:
    """Write the self-contained ``campaign-<id>.html`` into ``out_dir``; return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"campaign-{report['campaign_id']}.html"
    path.write_text(render_campaign_report(report, inputs))
    return path

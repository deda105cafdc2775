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
import textwrap
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
    """A column of the candidates table: ``key`` of a row, its header (with units) and an
    optional ``group`` header over neighbours, e.g. ``group="ΔE_add / kcal/mol"``,
    ``header="CASCI"``."""

    key: str
    header: str
    digits: int | None = None
    group: str | None = None

    @property
    def title(self) -> str:
        """The header with its group, for a flat table: ``ΔE_add CASCI / kcal/mol``."""
        if self.group is None:
            return self.header
        name, unit = split_label(self.group)
        return f"{name} {self.header}" + (f" / {unit}" if unit else "")


@dataclass
class ReportInputs:
    """What the page shows besides the campaign report itself.

    Attributes:
        rows: one dict per evaluated molecule (``smiles``, ``value``, ``error`` and the keys
            of ``columns``; ``site`` highlights that atom of the structure drawing;
            ``predicted_mean``/``predicted_std`` when a final model scored it).
        columns: the extra columns of the candidates table, in order.
        value_label: the target with its unit, e.g. ``ΔE_add (VQE) / kcal/mol``.
        value_digits: decimals of the values and predictions.
        checks: quantum checks, one dict per species: ``smiles``, ``species``,
            ``vqe_hartree``, ``casci_hartree``, ``error_mha``.
        molblocks: 3D records (with hydrogens, Å) by SMILES, for the SDF download.
        geometry_methods: how each 3D record was made (e.g. ``GFN2-xTB``), by SMILES.
        provenance: settings, software versions, flow run: shown as given.
    """

    rows: list[dict[str, Any]]
    columns: list[Column] = field(default_factory=list)
    value_label: str = "value"
    value_digits: int = 2
    checks: list[dict[str, Any]] = field(default_factory=list)
    molblocks: dict[str, str] = field(default_factory=dict)
    geometry_methods: dict[str, str] = field(default_factory=dict)
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


PLOT_SIZE = (4.8, 4.0)  # inches; both plots alike so they sit side by side
AXIS_LABEL_CHARS = 44  # a longer axis label (a lookup file's column name) wraps


def _axis(text: str) -> str:
    return textwrap.fill(text, AXIS_LABEL_CHARS)


def _learning_curve_png(report: dict[str, Any], label: str) -> str:
    calls, values = learning_curve(report)
    fig, ax = plt.subplots(figsize=PLOT_SIZE)
    ax.step(calls, values, where="post", marker="o", ms=3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("oracle calls")
    name, unit = split_label(label)
    ax.set_ylabel(_axis(f"best {name} so far" + (f" / {unit}" if unit else "")))
    ax.set_title("learning curve")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return _png_data_uri(fig)


def _parity_png(report: dict[str, Any], label: str) -> str:
    predicted, spread, computed = parity_points(report)
    fig, ax = plt.subplots(figsize=PLOT_SIZE)
    if computed:
        ax.errorbar(computed, predicted, yerr=spread, fmt="o", ms=4, alpha=0.8, capsize=2)
        low = min(computed + [m - s for m, s in zip(predicted, spread, strict=True)])
        high = max(computed + [m + s for m, s in zip(predicted, spread, strict=True)])
        pad = 0.05 * (high - low or 1.0)
        low, high = low - pad, high + pad
        ax.plot([low, high], [low, high], "k--", lw=1, label="predicted = computed")
        ax.set_xlim(low, high)
        ax.set_ylim(low, high)
        ax.set_aspect("equal")
        ax.legend(loc="upper left", fontsize="small")
    else:
        ax.text(0.5, 0.5, "no molecule chosen by a model yet", ha="center", va="center")
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_xlabel(_axis(f"computed {label}"))
    ax.set_ylabel(_axis(f"predicted {label}"))
    ax.set_title("surrogate at selection time (mean ± std)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return _png_data_uri(fig)


def structure_svg(smiles: str, site: int | None = None, size: int = 180) -> str:
    """An inline SVG 2D drawing of ``smiles`` (atom ``site`` highlighted); empty if unparsable."""
    from rdkit import Chem
    from rdkit.Chem.Draw import rdMolDraw2D

    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return ""
    drawer = rdMolDraw2D.MolDraw2DSVG(size, int(size * 0.75))
    options: Any = drawer.drawOptions()  # the RDKit stubs mistype its attributes
    options.clearBackground = False
    options.fixedBondLength = size / 7  # small molecules at one scale, large ones shrink to fit
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


def split_label(label: str) -> tuple[str, str | None]:
    """``"ΔE_add / kcal/mol"`` → ``("ΔE_add", "kcal/mol")``; no `` / ``: no unit."""
    name, sep, unit = label.rpartition(" / ")
    return (name, unit) if sep else (label, None)


def _header_cell(header: str) -> str:
    name, unit = split_label(header)
    if unit is None:
        return f"<th>{html.escape(name)}</th>"
    return f'<th>{html.escape(name)}<br><span class="unit">{html.escape(unit)}</span></th>'


def _header_rows(header: Sequence[str], groups: Sequence[str | None]) -> str:
    """One header row, or two when some columns share a group header (colspan over them)."""
    if not any(groups):
        return "<tr>" + "".join(_header_cell(h) for h in header) + "</tr>"
    top, bottom, i = [], [], 0
    while i < len(header):
        group = groups[i]
        if group is None:
            top.append(_header_cell(header[i]).replace("<th>", '<th rowspan="2">', 1))
            i += 1
            continue
        span = 1
        while i + span < len(header) and groups[i + span] == group:
            span += 1
        top.append(_header_cell(group).replace("<th>", f'<th colspan="{span}">', 1))
        bottom += [_header_cell(h) for h in header[i : i + span]]
        i += span
    return f"<tr>{''.join(top)}</tr><tr>{''.join(bottom)}</tr>"


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    raw: Sequence[int] = (),
    numeric: Sequence[int] = (),
    smiles: Sequence[int] = (),
    groups: Sequence[str | None] = (),
) -> str:
    """An HTML table; ``raw`` columns are HTML already, ``numeric`` ones right-aligned,
    ``smiles`` ones in monospace and wrapped anywhere (long SMILES must not widen the page);
    ``groups``: a shared header per column (``None``: none)."""

    def cell(i: int, text: str) -> str:
        kind = "num" if i in numeric else "smiles" if i in smiles else ""
        css = f' class="{kind}"' if kind else ""
        return f"<td{css}>{text if i in raw else html.escape(text)}</td>"

    head = _header_rows(header, list(groups) or [None] * len(header))
    body = "".join(
        "<tr>" + "".join(cell(i, c) for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return f'<div class="wide"><table><thead>{head}</thead><tbody>{body}</tbody></table></div>'


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


def _molblock_2d(smiles: str) -> str | None:
    """RDKit 2D coordinates of ``smiles`` (no hydrogens) as a molblock; ``None`` if unparsable."""
    from rdkit import Chem
    from rdkit.Chem import rdDepictor

    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    rdDepictor.Compute2DCoords(mol)
    return Chem.MolToMolBlock(mol)


def results_sdf(inputs: ReportInputs) -> str:
    """Every evaluated molecule as an SDF record, values as properties.

    A molecule's stored 3D record (explicit H, Å) has ``coordinates`` ``3D`` and ``geometry``
    (how it was made); a molecule without one gets RDKit 2D coordinates and ``coordinates``
    ``2D``. The title line is the SMILES; an unparsable SMILES is left out.
    """
    records = []
    keys = ("smiles", "value", "error", *(c.key for c in inputs.columns))
    for row in inputs.rows:
        block = inputs.molblocks.get(row["smiles"])
        extra = {"coordinates": "3D", "geometry": inputs.geometry_methods.get(row["smiles"])}
        if not block:
            block, extra = _molblock_2d(row["smiles"]), {"coordinates": "2D"}
            if block is None:
                continue
        lines = block.split("$$$$")[0].rstrip("\n").split("\n")
        lines[0] = row["smiles"][:80]
        values = {k: row.get(k) for k in keys}
        values |= {"predicted_mean": row.get("predicted_mean")}
        values |= {"predicted_std": row.get("predicted_std"), **extra}
        for key, value in values.items():
            if value is not None:
                lines += [f">  <{key}>", str(value), ""]
        records.append("\n".join(lines) + "\n$$$$\n")
    return "".join(records)


STYLE = """
body{font-family:system-ui,sans-serif;max-width:84em;margin:1.5em auto;padding:0 1em;
color:#222;line-height:1.4}
h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
.summary{display:grid;grid-template-columns:max-content auto;gap:.15em 1em;margin:.8em 0}
.summary dt{color:#555}.summary dd{margin:0}
.plots{display:flex;flex-wrap:wrap;gap:1em}.plots img{width:calc(50% - .5em);min-width:22em}
.wide{overflow-x:auto}table{border-collapse:collapse;margin:.4em 0 1em}
td,th{border:1px solid #ccc;padding:.2em .45em;vertical-align:middle}
th{background:#f3f3f3;font-weight:600;text-align:center}th .unit{font-weight:400;color:#555}
tbody tr:nth-child(even){background:#fafafa}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.smiles{font-family:ui-monospace,monospace;font-size:85%;word-break:break-all;min-width:9em;
max-width:18em}
td svg{display:block}.note{color:#555;font-size:90%}.bad{color:#b00;font-weight:600}
pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:85%}
"""
MAX_VQE_ERROR_MHA = 1.6  # chemical accuracy; VQE within it reproduces CASCI


def _candidates_table(report: dict[str, Any], inputs: ReportInputs) -> str:
    label, digits = inputs.value_label, inputs.value_digits
    name, unit = split_label(label)
    scored = [r for r in inputs.rows if r.get("value") is not None]
    scored.sort(key=lambda r: report_utility(report, r["value"]), reverse=True)
    predicted = any(r.get("predicted_mean") is not None for r in scored)
    header = ["rank", "structure", "SMILES", label, *(c.header for c in inputs.columns)]
    if predicted:
        header.append(f"predicted {name} ± std" + (f" / {unit}" if unit else ""))
    rows = []
    for rank, row in enumerate(scored, start=1):
        cells = [
            str(rank),
            structure_svg(row["smiles"], row.get("site")),
            row["smiles"],
            _fmt(row["value"], digits),
            *(_fmt(row.get(c.key), c.digits) for c in inputs.columns),
        ]
        if predicted:
            mean, std = row.get("predicted_mean"), row.get("predicted_std")
            cells.append("" if mean is None else f"{mean:.{digits}f} ± {std:.{digits}f}")
        rows.append(cells)
    numeric = [0, 3, *(4 + i for i, c in enumerate(inputs.columns) if c.digits is not None)]
    if predicted:
        numeric.append(len(header) - 1)
    groups = [None] * 4 + [c.group for c in inputs.columns] + [None] * predicted
    table = _table(header, rows, raw=(1,), numeric=numeric, smiles=(2,), groups=groups)
    if any(r.get("site") is not None for r in scored):
        table += '<p class="note">Highlighted atom: the reacting site (the most favourable).</p>'
    return table


def render_campaign_report(report: dict[str, Any], inputs: ReportInputs) -> str:
    """The HTML page of ``report`` (the ``qdp campaign --json`` object)."""
    label = inputs.value_label
    unit = split_label(label)[1]
    failed = [
        [structure_svg(r["smiles"], size=130), r["smiles"], str(r.get("error"))]
        for r in inputs.rows
        if r.get("value") is None
    ]
    rounds = [
        [
            str(r["round"]),
            r["metrics"]["strategy"],
            str(len(r["selected"])),
            str(r["metrics"]["n_train"]),
            _fmt(r["metrics"].get("batch_rmse"), inputs.value_digits + 1),
            _fmt(r["metrics"].get("batch_spearman_error_std"), 2),
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
            "yes" if abs(c["error_mha"]) <= MAX_VQE_ERROR_MHA else '<span class="bad">NO</span>',
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
        n_3d = sdf.count(">  <coordinates>\n3D\n")
        n_2d = sdf.count(">  <coordinates>\n2D\n")
        what = f"{n_3d} in 3D" + (f", {n_2d} in 2D only" if n_2d else "")
        downloads += " · " + _download(
            f"campaign-{report['campaign_id']}.sdf", "chemical/x-mdl-sdfile", sdf, f"SDF ({what})"
        )
    cid = html.escape(str(report["campaign_id"]))
    rmse = "batch RMSE" + (f" / {unit}" if unit else "")
    check_header = ["SMILES", "species", "VQE / Ha", "CASCI / Ha", "VQE − CASCI / mHa"]
    check_header.append(f"≤ {MAX_VQE_ERROR_MHA} mHa")
    checks_html = (
        _table(check_header, checks, raw=(5,), numeric=(2, 3, 4), smiles=(0,))
        if checks
        else "<p>none (this oracle runs no quantum calculation)</p>"
    )
    same = split_label(label)[0] == report["target"]
    target_code = "" if same else f" (<code>{html.escape(report['target'])}</code>)"
    rounds_header = ["round", "strategy", "chosen", "trained on", rmse, "Spearman(|error|, std)"]
    rounds_html = _table(rounds_header, rounds, numeric=(0, 2, 3, 4, 5))
    failed_html = (
        _table(["structure", "SMILES", "reason"], failed, raw=(0,), smiles=(1,))
        if failed
        else "<p>none</p>"
    )
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>qdp campaign {cid}</title>
<style>{STYLE}</style></head><body>
<h1>Campaign {cid}</h1>
<dl class="summary">
<dt>target</dt><dd><b>{html.escape(label)}</b>, {html.escape(direction)}{target_code}</dd>
<dt>oracle</dt><dd><code>{html.escape(report["oracle"])}</code></dd>
<dt>calls</dt><dd>{len(report["evaluated"])} oracle calls ({len(failed)} failed) on a pool of
{report["pool_size"]} molecules</dd>
<dt>status</dt><dd>{html.escape(str(report["status"]))}
({html.escape(str(report["stop_reason"]))})</dd>
<dt>written</dt><dd>{stamp}</dd>
<dt>download</dt><dd>{downloads}</dd>
</dl>
<div class="plots"><img src="{_learning_curve_png(report, label)}" alt="learning curve">
<img src="{_parity_png(report, label)}" alt="parity plot"></div>
<h2>Candidates, best first</h2>
{_candidates_table(report, inputs)}
<h2>Quantum checks: VQE beside CASCI of the same active space</h2>
<p class="note">Agreement within {MAX_VQE_ERROR_MHA} mHa means the optimiser reproduced CASCI
in that active space; it says nothing about basis-set or active-space error.</p>
{checks_html}
<h2>Rounds</h2>
{rounds_html}
<p class="note">Batch metrics: the surrogate that chose a batch against the values then
computed for it (prospective).</p>
<h2>Failed oracle calls (recorded, not retried)</h2>
{failed_html}
<h2>Provenance</h2>
<details><summary>settings, software versions, flow run</summary><pre>{provenance}</pre>
</details>
</body></html>
"""


def write_campaign_report(report: dict[str, Any], inputs: ReportInputs, out_dir: Path) -> Path:
    """Write the self-contained ``campaign-<id>.html`` into ``out_dir``; return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"campaign-{report['campaign_id']}.html"
    path.write_text(render_campaign_report(report, inputs))
    return path

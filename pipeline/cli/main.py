"""The ``qdp`` command line: one sub-command per module in this folder.

Heavy libraries (PySCF, DeepChem, Prefect) are imported inside the commands that need them,
so ``qdp --help`` stays fast. Domain errors become one line on stderr and their exit code.
"""

from __future__ import annotations

import os

# Prefect's server sends anonymous telemetry by default; these machines have no network and
# its heartbeat then fails on the ephemeral server's database. A user's own setting wins.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import logging  # noqa: E402
import sys
import warnings

import typer

from molecules.errors import MoleculesError
from pipeline.cli import (
    campaign,
    db,
    demo,
    energy,
    predict,
    serve,
    serve_flows,
    train_filters,
    triage,
)
from pipeline.errors import QdpError
from surrogates.errors import SurrogateError

app = typer.Typer(
    name="qdp",
    help="Quantum-enhanced drug discovery pipeline: triage, VQE energies, active learning.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.command("demo")(demo.demo)
app.command("triage")(triage.triage)
app.command("train-filters")(train_filters.train_filters)
app.command("energy")(energy.energy)
app.command("campaign")(campaign.campaign)
app.command("predict")(predict.predict)
app.command("serve")(serve.serve)
app.command("serve-flows")(serve_flows.serve_flows)


def main() -> None:
    """Console-script entry point: run the app, turning ``QdpError`` into a clean exit."""
    logging.basicConfig(level=logging.WARNING, format="qdp: %(levelname)s: %(message)s")
    # DeepChem reports every optional backend it lacks (DGL, JAX, TensorFlow, ...) and warns
    # from its own training loop; none of it concerns a qdp user.
    logging.getLogger("deepchem").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Converting a tensor with requires_grad")
    try:
        app()
    except (QdpError, MoleculesError, SurrogateError) as exc:
        typer.echo(f"qdp: error: {exc}", err=True)
        sys.exit(getattr(exc, "exit_code", 1))

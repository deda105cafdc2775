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

import typer

from molecules.errors import MoleculesError
from pipeline.cli import (
    campaign,
    db,
    demo,
    energy,
    predict,
    reactivity,
    serve,
    serve_flows,
    train_filters,
    triage,
)
from pipeline.errors import QdpError
from pipeline.quiet import silence_third_party
from surrogates.errors import SurrogateError

app = typer.Typer(
    name="qdp",
    help="Quantum-enhanced drug discovery pipeline: triage, VQE energies, active learning.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # help texts show "[api.host]" hints and SMILES literally
)
app.add_typer(db.app, name="db")
app.command("demo")(demo.demo)
app.command("triage")(triage.triage)
app.command("train-filters")(train_filters.train_filters)
app.command("energy")(energy.energy)
app.command("reactivity")(reactivity.reactivity)
app.command("campaign")(campaign.campaign)
app.command("predict")(predict.predict)
app.command("serve")(serve.serve)
app.command("serve-flows")(serve_flows.serve_flows)


def main() -> None:
    """Console-script entry point: run the app, turning ``QdpError`` into a clean exit."""
    logging.basicConfig(level=logging.WARNING, format="qdp: %(levelname)s: %(message)s")
    silence_third_party()
    try:
        code = app(standalone_mode=False)  # returns the exit code; 130 after Ctrl-C
    except typer.TyperException as exc:  # typer's click: bad option, unknown command, ...
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # type: ignore[attr-defined]  # the help text, as `qdp` alone printed
            sys.exit(exc.exit_code)
        ctx = getattr(exc, "ctx", None)
        hint = f" (see `{ctx.command_path if ctx is not None else 'qdp'} --help`)"
        _fail(RuntimeError(exc.format_message() + hint), exc.exit_code)
    except typer.Abort:
        code = 130
    except (QdpError, MoleculesError, SurrogateError) as exc:
        _fail(exc, getattr(exc, "exit_code", 1))
    except Exception as exc:  # a fault: one line, the traceback only with QDP_DEBUG=1
        if os.environ.get("QDP_DEBUG", "") not in ("", "0"):
            raise
        _fail(exc, 1, fault=True)
    if code == 130:
        typer.echo("qdp: interrupted", err=True)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(exc: BaseException, code: int, *, fault: bool = False) -> None:
    """Print ``qdp: error: ...`` (one line) for ``exc`` and exit with ``code``."""
    import sqlalchemy.exc

    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        message = f"store: {exc.orig}"  # e.g. "attempt to write a readonly database"
    elif isinstance(exc, OSError) and exc.strerror:
        message = exc.strerror + (f": {exc.filename}" if exc.filename else "")
    else:
        message = str(exc) or type(exc).__name__
    if fault and not isinstance(exc, OSError | sqlalchemy.exc.SQLAlchemyError):
        message = f"{type(exc).__name__}: {message} (QDP_DEBUG=1 shows the traceback)"
    typer.echo(f"qdp: error: {' '.join(message.split())[:500]}", err=True)
    sys.exit(code)

"""Deployments from ``prefect.yaml``, served from one process with ``prefect.serve``, and the
yaml's build step that versions every deployment with the installed qdp's version."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml
from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.flows import load_flow_from_entrypoint

from pipeline.errors import InputFileError
from pipeline.paths import shipped_file


def read_deployment_specs(path: Path) -> list[dict[str, Any]]:
    """The ``deployments`` list of a ``prefect.yaml``."""
    try:
        document = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise InputFileError(f"{path} is not valid YAML: {exc}") from None
    specs = (document or {}).get("deployments") or []
    if not specs:
        raise InputFileError(f"{path} defines no deployments")
    return specs


def qdp_version_step() -> dict[str, str]:
    """Build step of ``prefect.yaml`` (``prefect deploy`` runs it): the installed qdp's
    version, which the deployments name as ``{{ qdp_version }}``."""
    return {"qdp_version": version("qdp")}


def _schedule_kwargs(schedules: list[dict[str, Any]]) -> dict[str, Any]:
    crons = [s["cron"] for s in schedules if "cron" in s]
    intervals = [s["interval"] for s in schedules if "interval" in s]
    if crons and intervals:
        raise InputFileError("a qdp deployment takes cron or interval schedules, not both")
    return {"cron": crons} if crons else {"interval": intervals} if intervals else {}


def _resolve_entrypoint(entrypoint: str, base: Path) -> str:
    """``flows/x.py:flow`` relative to the yaml's folder; where that file is not there (an
    installed qdp), the module path ``flows.x.flow`` of the installed package."""
    file, _, name = entrypoint.rpartition(":")
    if Path(file).is_absolute():
        return entrypoint
    if (base / file).is_file():
        return f"{base / file}:{name}"
    return f"{file.removesuffix('.py').replace('/', '.')}.{name}"


def build_deployments(
    path: Path | None = None, only: list[str] | None = None
) -> list[RunnerDeployment]:
    """Runner deployments for the specs of ``path`` (optionally only the named ones), each
    versioned with the installed qdp's version (what ``{{ qdp_version }}`` stands for)."""
    path = path or shipped_file("prefect.yaml")
    deployments = []
    for spec in read_deployment_specs(path):
        if only and spec["name"] not in only:
            continue
        flow = load_flow_from_entrypoint(_resolve_entrypoint(spec["entrypoint"], path.parent))
        deployments.append(
            flow.to_deployment(
                name=spec["name"],
                description=spec.get("description"),
                tags=spec.get("tags"),
                version=version("qdp"),
                parameters=spec.get("parameters") or {},
                concurrency_limit=spec.get("concurrency_limit"),
                **_schedule_kwargs(spec.get("schedules", [])),
            )
        )
    if only and len(deployments) != len(only):
        known = [s["name"] for s in read_deployment_specs(path)]
        raise InputFileError(f"unknown deployment in {only}; {path} defines {known}")
    return deployments


def serve_deployments(
    path: Path | None = None, only: list[str] | None = None, limit: int | None = None
) -> None:
    """Serve the deployments until interrupted; schedules fire while this runs."""
    serve(*build_deployments(path, only), limit=limit, print_starting_message=True)

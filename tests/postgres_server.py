"""A throwaway PostgreSQL cluster for the tests: initdb in a temp dir, a free loopback port.

CI (``.ci/run``) starts one itself and passes ``QDP_TEST_POSTGRES_URL``; locally the test
session starts its own here when a server binary exists, and skips PostgreSQL tests (saying
so) only when none does. Run as root, the server runs as the ``postgres`` system user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PostgresServer:
    """A running cluster and how to stop it."""

    url: str
    data_dir: Path | None = None
    pg_bin: Path | None = None

    def stop(self) -> None:
        """Stop the server and delete its files (no-op for a server we did not start)."""
        if self.data_dir is None or self.pg_bin is None:
            return
        _run_as_pg(
            [
                str(self.pg_bin / "pg_ctl"),
                "-D",
                str(self.data_dir / "data"),
                "-m",
                "fast",
                "-w",
                "stop",
            ]
        )
        shutil.rmtree(self.data_dir, ignore_errors=True)


def find_pg_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` (Debian layout), or ``initdb`` on PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: float(p.split("/")[-2])
    )
    if candidates:
        return Path(candidates[-1])
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as_pg(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True)


def start_postgres() -> PostgresServer:
    """Start a cluster with trust auth for user ``qdp`` on a free loopback port.

    Raises:
        FileNotFoundError: no PostgreSQL server binary on this machine.
        RuntimeError: running as root without a ``postgres`` system user.
    """
    pg_bin = find_pg_bin()
    if pg_bin is None:
        raise FileNotFoundError("no PostgreSQL server binary (initdb) found")
    data_dir = Path(tempfile.mkdtemp(prefix="qdp-test-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root and no 'postgres' user exists") from None
        os.chown(data_dir, user.pw_uid, user.pw_gid)
    port = _free_port()
    _run_as_pg(
        [
            str(pg_bin / "initdb"),
            "-D",
            str(data_dir / "data"),
            "-U",
            "qdp",
            "--auth=trust",
            "-E",
            "UTF8",
        ]
    )
    _run_as_pg(
        [
            str(pg_bin / "pg_ctl"),
            "-D",
            str(data_dir / "data"),
            "-l",
            str(data_dir / "server.log"),
            "-w",
            "-o",
            f"-p {port} -k {data_dir} -c listen_addresses=127.0.0.1",
            "start",
        ]
    )
    return PostgresServer(f"postgresql+psycopg://qdp@127.0.0.1:{port}/postgres", data_dir, pg_bin)

"""Model weights: a directory per model version, fingerprinted by sha256, kept in the store.

A model version's weights are written to a directory, and registered (:func:`register_model`)
with that directory's path and sha256 and, in the same transaction, a deterministic archive
of it in the store's ``model_weights`` table. Every reader gets its weights through
:func:`weights_directory`: the recorded directory when this machine has it, else the archive
unpacked once into ``models_dir/cache/``; either is checked against the recorded sha256.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pipeline.errors import QdpError
from pipeline.store import Store
from pipeline.store.models import SurrogateModel

log = logging.getLogger(__name__)

CACHE_DIR = "cache"


class ModelIntegrityError(QdpError):
    """Stored weights are missing or differ from the sha256 recorded in the store."""


def _weight_files(directory: Path) -> list[Path]:
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    if not files:
        raise ModelIntegrityError(f"model directory {directory} holds no files")
    return files


def _digest(entries: Iterable[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in entries:
        digest.update(name.encode() + b"\0")
        digest.update(data)
        digest.update(b"\0")
    return digest.hexdigest()


def directory_sha256(directory: Path) -> str:
    """sha256 over every file of ``directory`` (relative names and contents, sorted)."""
    files = _weight_files(directory)
    return _digest((str(p.relative_to(directory)), p.read_bytes()) for p in files)


def verify_directory(directory: Path, expected_sha256: str, remedy: str = "") -> None:
    """Raise :class:`ModelIntegrityError` unless ``directory`` hashes to ``expected_sha256``
    (``remedy``, if given, ends the message)."""
    if not directory.is_dir():
        raise ModelIntegrityError(f"model directory {directory} is missing")
    actual = directory_sha256(directory)
    if actual != expected_sha256:
        raise ModelIntegrityError(
            f"model directory {directory} was modified: sha256 {actual[:12]}… differs from the "
            f"stored {expected_sha256[:12]}…{remedy}"
        )


def weights_archive(directory: Path) -> tuple[str, bytes]:
    """``directory``'s sha256 (:func:`directory_sha256`) and a gzipped tar of its files, read
    once; the tar is deterministic (sorted names, zero mtimes, no owners, mode 644)."""
    files = _weight_files(directory)
    entries = [(str(p.relative_to(directory)), p.read_bytes()) for p in files]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in entries:
            info = tarfile.TarInfo(Path(name).as_posix())
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    return _digest(entries), gzip.compress(buffer.getvalue(), mtime=0)


def register_model(store: Store, row: Mapping[str, Any], directory: Path) -> SurrogateModel:
    """Register the model version whose weights are in ``directory``: its store row (with
    the directory's absolute ``path`` and ``sha256``) and the weight archive, in one
    transaction.

    Raises:
        ModelIntegrityError: ``row`` names a ``sha256`` that ``directory`` does not have.
    """
    sha256, archive = weights_archive(directory)
    expected = row.get("sha256")
    if expected is not None and expected != sha256:
        raise ModelIntegrityError(
            f"model directory {directory} has sha256 {sha256[:12]}…, not the expected "
            f"{expected[:12]}…"
        )
    return store.add_model(
        {**row, "path": str(directory.resolve()), "sha256": sha256}, archive=archive
    )


def weights_directory(store: Store, record: SurrogateModel, models_dir: Path) -> Path:
    """A local directory holding model version ``record``'s weights, verified against its
    recorded sha256.

    That is the recorded ``path`` if this machine has it (the machine that trained the model,
    or any machine when ``models_dir`` is a shared folder); otherwise the weight archive from
    the store, unpacked once into ``models_dir/cache/<sha256[:16]>`` (into a temporary folder
    first, then renamed, so concurrent workers never see part of it).

    Raises:
        ModelIntegrityError: the directory found was modified, the store holds no archive
            (a version registered before weights went into the store) and the recorded
            directory is missing, or the archive cannot be unpacked or differs from the hash.
    """
    recorded = Path(record.path)
    if recorded.is_dir():
        verify_directory(recorded, record.sha256)
        return recorded
    cached = models_dir / CACHE_DIR / record.sha256[:16]
    if not cached.is_dir():
        _unpack_from_store(store, record, cached)
    verify_directory(
        cached, record.sha256, f"; delete {cached} to unpack model version {record.id} again"
    )
    return cached


def _unpack_from_store(store: Store, record: SurrogateModel, cached: Path) -> None:
    weights = store.model_weights(record.id)
    if weights is None:
        raise ModelIntegrityError(
            f"model version {record.id}: its weight directory {record.path} is missing and "
            "the store holds no copy of it (registered before weights were kept in the "
            "store); restore that directory on this machine or retrain the model"
        )
    if weights.sha256 != record.sha256:
        raise ModelIntegrityError(
            f"model version {record.id}: the store's weight archive is of sha256 "
            f"{weights.sha256[:12]}…, not the version's {record.sha256[:12]}…"
        )
    cached.parent.mkdir(parents=True, exist_ok=True)
    unpacking = Path(tempfile.mkdtemp(prefix=f".{cached.name}-", dir=cached.parent))
    try:
        _extract(weights.archive, unpacking, record.id)
        actual = directory_sha256(unpacking)
        if actual != record.sha256:
            raise ModelIntegrityError(
                f"model version {record.id}: the weights stored in the database hash to "
                f"{actual[:12]}…, not the recorded {record.sha256[:12]}…; retrain the model"
            )
        unpacking.chmod(0o755)
        try:
            unpacking.rename(cached)
        except OSError:
            if not cached.is_dir():
                raise
            # another worker unpacked it first; its copy is verified by the caller
        else:
            log.info("model version %d: weights unpacked from the store into %s", record.id, cached)
    finally:
        shutil.rmtree(unpacking, ignore_errors=True)


def _extract(archive: bytes, destination: Path, model_id: int) -> None:
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            members = tar.getmembers()
            odd = [m.name for m in members if not m.isfile()]
            if odd:
                raise ModelIntegrityError(
                    f"model version {model_id}: the store's weight archive holds entries that "
                    f"are not plain files ({', '.join(odd[:3])})"
                )
            tar.extractall(destination, members=members, filter="data")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise ModelIntegrityError(
            f"model version {model_id}: the store's weight archive cannot be unpacked "
            f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
        ) from None

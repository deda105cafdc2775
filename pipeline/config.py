"""The one validated settings object of qdp.

Sources, highest priority first: ``QDP_*`` environment variables (nested keys with ``__``,
e.g. ``QDP_QUANTUM__BASIS=6-31g``), then the TOML file (``--config``, else ``QDP_CONFIG``,
else ``./qdp.toml`` if it exists), then the defaults below. Every value is validated and
unknown keys are errors; :func:`load_settings` turns any problem into one
:class:`SettingsError` line naming the key, the value and what is allowed.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from molecules.settings import GNNTrainingSettings, TriageSettings, usable_cores
from pipeline.errors import SettingsError
from pipeline.quantum.reactivity.settings import ReactivitySettings
from pipeline.quantum.settings import QuantumSettings
from surrogates.settings import CampaignSettings, SurrogateSettings

DEFAULT_CONFIG_FILE = Path("qdp.toml")


class ApiSettings(BaseModel):
    """REST API server (``qdp serve``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64, description="server processes")
    max_smiles_per_request: int = Field(default=1000, ge=1)
    max_smiles_length: int = Field(default=500, ge=1)
    allowed_hosts: tuple[str, ...] = Field(
        default=("127.0.0.1", "localhost", "[::1]"),
        description="Host header values served (DNS-rebinding guard); add the server's name "
        "when binding beyond loopback; '*' allows any",
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="larger request bodies get 413, unread"
    )
    timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="deadline for a request's headers and for its body; idle keep-alive",
    )


class PredictSettings(BaseModel):
    """``qdp predict``: how long SMILES lists are spread over processes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    workers: int = Field(
        default=0, ge=0, description="processes for fingerprint models (rf, gp); 0 = all cores"
    )

    @property
    def resolved_workers(self) -> int:
        """``workers``, with 0 meaning every core of this machine."""
        return self.workers or usable_cores()


class FlowSettings(BaseModel):
    """Prefect orchestration: which task runner runs the fan-out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: Literal["local", "prefect"] = Field(
        default="local",
        description="how `qdp campaign` and `qdp demo` run: in this process, or as the "
        "Prefect flow campaign_flow (same driver, oracle calls as tasks)",
    )
    task_runner: Literal["threads", "processes", "dask"] = "threads"
    max_workers: int = Field(default=2, ge=1)
    dask_address: str | None = None
    quantum_concurrency: int = Field(
        default=2, ge=1, description="slots of the qdp-quantum limit when it is first created"
    )
    failure_notification_block: str | None = Field(
        default=None,
        description="a Prefect notification block (type/name) told of every failed flow run",
    )
    task_timeout_seconds: float | None = Field(
        default=3600.0,
        gt=0,
        description="a task running longer fails (process and Dask runners; threads cannot "
        "be interrupted)",
    )


class Settings(BaseSettings):
    """Everything configurable in qdp. Frozen: pass it in, never mutate or read globals."""

    model_config = SettingsConfigDict(
        env_prefix="QDP_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    home: Path = Field(default=Path(".qdp"), description="working state: database, models, reports")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite:///<home>/qdp.db"
    )
    models_dir: Path = Field(
        default_factory=lambda data: data["home"] / "models",
        description="trained model weights (default <home>/models); the store keeps a copy "
        "of each, so a shared folder is optional: point every machine at one to skip "
        "unpacking them from the store",
    )
    api_token: SecretStr | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    progress_interval_seconds: float = Field(
        default=5.0,
        ge=0,
        description="at most one progress log line per job this often, s (always one at the "
        "end; 0: a line per step); logs, pipes and Prefect runs, not terminals",
    )
    triage: TriageSettings = TriageSettings()
    gnn_training: GNNTrainingSettings = GNNTrainingSettings()
    quantum: QuantumSettings = QuantumSettings()
    reactivity: ReactivitySettings = ReactivitySettings()
    surrogate: SurrogateSettings = SurrogateSettings()
    campaign: CampaignSettings = CampaignSettings()
    api: ApiSettings = ApiSettings()
    predict: PredictSettings = PredictSettings()
    flows: FlowSettings = FlowSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the file; the file's values arrive as init arguments.
        return (env_settings, init_settings)

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file under :attr:`home`."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'qdp.db').resolve()}"

    def pinned(self) -> Settings:
        """The same settings with the working directory and the store URL made absolute, so a
        worker in another directory (a Prefect process, a Dask worker) reads and writes the
        very store and model folder of the process that loaded them."""
        return self.model_copy(
            update={
                "home": self.home.resolve(),
                "database_url": absolute_sqlite_url(self.resolved_database_url),
                "models_dir": self.models_dir.resolve(),
            }
        )

    @property
    def reports_dir(self) -> Path:
        """Directory of HTML reports and plots."""
        return self.home / "reports"


def absolute_sqlite_url(url: str) -> str:
    """``url`` with a relative SQLite file path made absolute (against the working
    directory); other URLs, and in-memory SQLite, unchanged."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    if database.startswith("file:") or Path(database).is_absolute():
        return url
    return parsed.set(database=str(Path(database).resolve())).render_as_string(hide_password=False)


def _config_path(explicit: str | Path | None) -> Path | None:
    if explicit is not None:
        return Path(explicit)
    from_env = os.environ.get("QDP_CONFIG")
    if from_env:
        return Path(from_env)
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.strerror}") from None


def _source_of(loc: tuple[Any, ...], path: Path | None) -> str:
    env_name = "QDP_" + "__".join(str(part) for part in loc).upper()
    if env_name in os.environ:
        return f"environment variable {env_name}"
    return f"config file {path}" if path else "defaults"


def _describe(error: dict[str, Any], path: Path | None) -> str:
    key = ".".join(str(part) for part in error["loc"])
    source = _source_of(error["loc"], path)
    if error["type"] == "extra_forbidden":
        return f"unknown setting '{key}' in {source}"
    allowed = error["msg"]
    if error["type"] == "literal_error":
        allowed = f"allowed: {error['ctx']['expected']}"
    return f"invalid setting {key}={error['input']!r} in {source}: {allowed}"


def load_settings(config: str | Path | None = None) -> Settings:
    """Build the validated settings from the environment, a TOML file and defaults.

    Args:
        config: path of a TOML file; ``None`` falls back to ``QDP_CONFIG`` then ``./qdp.toml``.

    Raises:
        SettingsError: the file is missing or malformed, or a value is invalid (one line).
    """
    path = _config_path(config)
    file_values = _read_toml(path) if path else {}
    try:
        return Settings(**file_values)
    except ValidationError as exc:
        raise SettingsError(_describe(exc.errors()[0], path)) from None

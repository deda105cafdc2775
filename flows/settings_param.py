"""Flow parameters shared by every qdp flow: where the settings come from."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from pipeline.config import Settings, load_settings


class SettingsRef(BaseModel):
    """How a flow finds its settings: a TOML path (else ``$QDP_CONFIG``/``./qdp.toml``),
    with the environment applied as everywhere else. Deployments pass this, not a
    settings object, so the schedule always runs with the current file."""

    model_config = ConfigDict(extra="forbid")

    config: str | None = None

    def load(self) -> Settings:
        """The validated settings, with the store and working directory fixed as absolute
        paths here (:meth:`Settings.pinned`): every task of the run, on whatever worker,
        uses this process's store."""
        return load_settings(self.config).pinned()

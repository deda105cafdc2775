"""Settings: defaults with no file, TOML file, environment precedence, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings, load_settings
from pipeline.errors import SettingsError


def test_defaults_work_with_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.home == Path(".qdp")
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / '.qdp' / 'qdp.db'}"
    assert settings.quantum.basis == "sto-3g"
    assert (settings.quantum.active_electrons, settings.quantum.active_orbitals) == (4, 4)


def test_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "qdp.toml"
    config.write_text('home = "/tmp/x"\n[quantum]\nbasis = "6-31g"\nactive_orbitals = 6\n')
    monkeypatch.setenv("QDP_QUANTUM__ACTIVE_ORBITALS", "8")
    settings = load_settings(config)
    assert settings.home == Path("/tmp/x")
    assert settings.quantum.basis == "6-31g"
    assert settings.quantum.active_orbitals == 8  # environment beats the file


def test_qdp_config_env_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "other.toml"
    config.write_text("[triage]\nqed_min = 0.4\n")
    monkeypatch.setenv("QDP_CONFIG", str(config))
    assert load_settings().triage.qed_min == 0.4


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QDP_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1/db")
    assert load_settings().resolved_database_url == "postgresql+psycopg://u@127.0.0.1/db"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[quantum]\nansatz = "magic"\n',
            "invalid setting quantum.ansatz='magic' in config file .*allowed: 'uccsd'",
        ),
        ("[triage]\nqed_min = 3\n", r"invalid setting triage.qed_min=3 .*less than or equal to 1"),
        ("[quantum]\nbassis = 1\n", "unknown setting 'quantum.bassis'"),
        ("[quantum\n", "is not valid TOML"),
    ],
)
def test_bad_file_values_give_one_line(tmp_path: Path, toml: str, message: str) -> None:
    config = tmp_path / "qdp.toml"
    config.write_text(toml)
    with pytest.raises(SettingsError, match=message) as caught:
        load_settings(config)
    assert "\n" not in str(caught.value)
    assert caught.value.exit_code == 2


def test_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QDP_TRIAGE__MIN_HEAVY_ATOMS", "many")
    with pytest.raises(SettingsError, match="environment variable QDP_TRIAGE__MIN_HEAVY_ATOMS"):
        load_settings()


def test_missing_file_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="config file not found"):
        load_settings(tmp_path / "absent.toml")


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(Exception, match="frozen"):
        settings.home = Path("/elsewhere")  # type: ignore[misc]


def test_models_dir_defaults_under_home_and_can_be_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings(home=Path("h")).models_dir == Path("h/models")
    config = tmp_path / "qdp.toml"
    config.write_text('models_dir = "shared/models"\n')
    assert load_settings(config).models_dir == Path("shared/models")
    monkeypatch.setenv("QDP_MODELS_DIR", "/mnt/qdp-models")
    assert load_settings(config).models_dir == Path("/mnt/qdp-models")  # environment wins
    monkeypatch.delenv("QDP_MODELS_DIR")
    monkeypatch.chdir(tmp_path)
    pinned = Settings(home=Path("h"), models_dir=Path("m")).pinned()
    assert pinned.models_dir == tmp_path / "m" and pinned.home == tmp_path / "h"
    # a relative SQLite file in database_url is pinned too (a worker elsewhere: same file)
    relative = Settings(database_url="sqlite:///stores/qdp.db").pinned()
    assert relative.database_url == f"sqlite:///{tmp_path / 'stores/qdp.db'}"
    for kept in ("sqlite://", "sqlite:///:memory:", "postgresql+psycopg://u:p@db/qdp"):
        assert Settings(database_url=kept).pinned().database_url == kept

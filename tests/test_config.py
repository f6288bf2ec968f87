"""config: mode, folders and yes/no flags read from the environment."""
from __future__ import annotations

import pytest

from siamlab import config


def test_config_reads_mode_and_folders(monkeypatch, tmp_path):
    monkeypatch.setenv("SIAMLAB_FULL", "1")
    assert config.full_mode() and config.pick(1, 2) == 2 and config.mode_name() == "full"
    monkeypatch.setenv("SIAMLAB_FULL", "0")
    assert config.pick(1, 2) == 1 and config.mode_name() == "default"
    monkeypatch.setenv("SIAMLAB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SIAMLAB_CACHE_DIR", str(tmp_path / "c"))
    assert config.data_dir() == tmp_path and config.cache_dir() == tmp_path / "c"


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("YES", True), (" on ", True),
                                             ("0", False), ("false", False), ("No", False), ("", False),
                                             ("off", False)])
def test_flags_accept_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("SIAMLAB_FULL", value)
    monkeypatch.setenv("SIAMLAB_OFFLINE", value)
    assert config.full_mode() is expected and config.offline() is expected


def test_unset_flags_are_false(monkeypatch):
    monkeypatch.delenv("SIAMLAB_FULL", raising=False)
    monkeypatch.delenv("SIAMLAB_OFFLINE", raising=False)
    assert not config.full_mode() and not config.offline()


@pytest.mark.parametrize("name, call", [("SIAMLAB_FULL", config.full_mode),
                                        ("SIAMLAB_OFFLINE", config.offline),
                                        ("SIAMLAB_FULL", config.mode_name)])
@pytest.mark.parametrize("value", ["banana", "2", "-1", "y e s"])
def test_other_values_are_an_error_naming_the_variable(monkeypatch, name, call, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=f"{name} must be one of .*; got '{value}'"):
        call()

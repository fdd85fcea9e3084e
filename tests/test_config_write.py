"""Saving one setting keeps the person's file as they wrote it and never half-writes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pxa.config import load_settings
from pxa.config.write import set_value
from pxa.errors import ConfigError

MINE = """# my cluster
[proxmox]
host = "pve.example.lan"  # the big one
user = "root@pam"

[ui]
refresh_seconds = 3.0
"""


def test_a_saved_setting_is_read_back(isolated: Path) -> None:
    path = set_value("ui.theme", "nord")
    assert path.parent == isolated / "config" and load_settings().ui.theme == "nord"


def test_comments_and_other_settings_are_kept(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text(MINE)
    set_value("ui.theme", "light", file)
    text = file.read_text()
    assert text.startswith(MINE.rstrip("\n"))
    assert "# the big one" in text and 'theme = "light"' in text
    assert load_settings(file).ui.refresh_seconds == 3.0


def test_a_new_file_is_private(tmp_path: Path) -> None:
    file = set_value("ui.theme", "nord", tmp_path / "config.toml")
    assert file.stat().st_mode & 0o777 == 0o600


def test_a_new_config_folder_is_private(tmp_path: Path) -> None:
    file = set_value("ui.theme", "nord", tmp_path / "pxa" / "config.toml")
    assert file.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("ui.colour", "x", "unknown setting 'ui.colour'"),
        ("ui.refresh_seconds", -1, "ui.refresh_seconds"),
    ],
)
def test_a_bad_key_or_value_is_refused_and_nothing_is_written(
    tmp_path: Path, key: str, value: object, message: str
) -> None:
    file = tmp_path / "config.toml"
    file.write_text(MINE)
    with pytest.raises(ConfigError, match=message):
        set_value(key, value, file)
    assert file.read_text() == MINE


def test_a_file_that_is_not_toml_is_left_alone(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text("this is [ not toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        set_value("ui.theme", "nord", file)
    assert file.read_text() == "this is [ not toml"

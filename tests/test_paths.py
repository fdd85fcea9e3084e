"""pxa.paths: where pxa's files live, and that private ones stay private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from pxa import paths

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_config_dir_comes_from_pxa_config_dir(isolated: Path) -> None:
    assert paths.config_dir() == isolated / "config"


def test_data_dir_comes_from_pxa_data_dir(isolated: Path) -> None:
    assert paths.data_dir() == isolated / "data"


def test_config_dir_defaults_to_platform_user_config_dir() -> None:
    assert paths.config_dir(env={}) == Path(platformdirs.user_config_dir("pxa"))


def test_data_dir_defaults_to_platform_user_data_dir() -> None:
    assert paths.data_dir(env={}) == Path(platformdirs.user_data_dir("pxa"))


def test_default_config_file_is_config_toml_in_config_dir(isolated: Path) -> None:
    assert paths.default_config_file() == isolated / "config" / "config.toml"


def test_pxa_config_file_overrides_default_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PXA_CONFIG_FILE", str(tmp_path / "elsewhere.toml"))
    assert paths.default_config_file() == tmp_path / "elsewhere.toml"


def test_empty_pxa_config_file_is_ignored(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PXA_CONFIG_FILE", "")
    assert paths.default_config_file() == isolated / "config" / "config.toml"


@posix_only
def test_ensure_private_dir_creates_directory_0700(tmp_path: Path) -> None:
    created = paths.ensure_private_dir(tmp_path / "a" / "b")
    assert created.is_dir()
    assert mode(created) == 0o700


@posix_only
def test_ensure_private_dir_tightens_existing_directory(tmp_path: Path) -> None:
    existing = tmp_path / "open"
    existing.mkdir(mode=0o755)
    paths.ensure_private_dir(existing)
    assert mode(existing) == 0o700


@posix_only
def test_private_file_creates_file_0600(tmp_path: Path) -> None:
    created = paths.private_file(tmp_path / "store.db")
    assert created.is_file()
    assert mode(created) == 0o600


@posix_only
def test_private_file_tightens_existing_file_and_keeps_content(tmp_path: Path) -> None:
    existing = tmp_path / "store.db"
    existing.write_text("keep me")
    existing.chmod(0o644)
    paths.private_file(existing)
    assert mode(existing) == 0o600
    assert existing.read_text() == "keep me"


@posix_only
def test_private_file_creates_missing_parent_0700(tmp_path: Path) -> None:
    paths.private_file(tmp_path / "new" / "store.db")
    assert mode(tmp_path / "new") == 0o700


def test_private_file_exclusive_refuses_existing_file(tmp_path: Path) -> None:
    existing = tmp_path / "config.toml"
    existing.write_text("mine")
    with pytest.raises(FileExistsError):
        paths.private_file(existing, exclusive=True)
    assert existing.read_text() == "mine"


def test_importing_paths_does_not_import_pydantic_or_platformdirs() -> None:
    code = (
        "import sys, pxa.paths; "
        "print(sorted(m for m in ('pydantic', 'platformdirs') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert result.stdout.strip() == "[]"

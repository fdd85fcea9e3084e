"""Where pxa keeps its files: the config dir, the data dir, and private (0700/0600) modes.

Imported by `pxa --help`, so it stays light: platformdirs is imported only when no env
override names the directory, and pydantic never.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "pxa"
CONFIG_FILE_NAME = "config.toml"

# Tests and unusual setups point these at their own dirs; they win over the platform dirs.
ENV_CONFIG_DIR = "PXA_CONFIG_DIR"
ENV_DATA_DIR = "PXA_DATA_DIR"
ENV_CONFIG_FILE = "PXA_CONFIG_FILE"


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """The directory holding config.toml: `PXA_CONFIG_DIR`, else the platform's user config dir."""
    override = _env(env).get(ENV_CONFIG_DIR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME))


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The directory for the SQLite store and logs: `PXA_DATA_DIR`, else the user data dir."""
    override = _env(env).get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME))


def explicit_config_file(env: Mapping[str, str] | None = None) -> Path | None:
    """The file `PXA_CONFIG_FILE` names, or None when it is unset or empty."""
    override = _env(env).get(ENV_CONFIG_FILE)
    return Path(override).expanduser() if override else None


def default_config_file(env: Mapping[str, str] | None = None) -> Path:
    """`PXA_CONFIG_FILE` if set, else `config_dir()/config.toml`."""
    return explicit_config_file(env) or config_dir(env) / CONFIG_FILE_NAME


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) and make it 0700, owner only.

    Meant for pxa's own directories: an existing one is tightened too, because the
    store and logs inside it can hold infrastructure details.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, stat.S_IRWXU)
    return path


def private_file(path: Path, *, exclusive: bool = False) -> Path:
    """Create `path` if missing and make it 0600, without touching its content.

    The file is created with mode 0600 from the start, so it is never readable by others,
    even for a moment. A missing parent directory is created 0700. With `exclusive`, an
    existing file raises FileExistsError (callers that must not overwrite use it, free
    of the race between checking and creating).
    """
    if not path.parent.exists():
        ensure_private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else 0)
    os.close(os.open(path, flags, 0o600))
    if os.name == "posix":
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return path

"""Where a sandbox keeps its world, certificate and process files."""

from __future__ import annotations

import os
from pathlib import Path

STATE_FILE = "state.json"
SERVER_FILE = "server.json"
LOG_FILE = "server.log"
LAUNCH_LOCK = "launch.lock"
RUN_LOCK = "server.lock"
TLS_DIR = "tls"


def default_state_dir() -> Path:
    """`$PXA_DATA_DIR/sandbox`, else the platform's user data dir for pxa."""
    base = os.environ.get("PXA_DATA_DIR")
    if base:
        return Path(base) / "sandbox"
    from platformdirs import user_data_dir

    return Path(user_data_dir("pxa")) / "sandbox"

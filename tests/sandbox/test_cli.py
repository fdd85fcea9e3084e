"""`pxa sandbox`: foreground run with --json, status, and a clean Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from pxa.cli.main import main

KEYS = {"url", "ca_cert", "fingerprint", "user", "password", "token_id", "token_secret"}


def test_json_first_line_then_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    state_dir = tmp_path / "cli"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pxa",
            "sandbox",
            "--json",
            "--speed",
            "50",
            "--state-dir",
            str(state_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = json.loads(proc.stdout.readline())
        assert set(first) >= KEYS
        assert main(["sandbox", "status", "--state-dir", str(state_dir)]) == 0
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
    assert not (state_dir / "server.json").exists()


def test_status_without_a_sandbox_says_so(tmp_path: Path) -> None:
    assert main(["sandbox", "status", "--state-dir", str(tmp_path)]) == 1

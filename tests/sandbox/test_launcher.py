"""`ensure_running` attaches to the live sandbox of a state dir instead of starting another."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pxa.sandbox.launcher import ensure_running, read_running, stop_running
from pxa.sandbox.server import SandboxInfo

from .helpers import token_client


@pytest.fixture
def launched(tmp_path: Path) -> Iterator[tuple[Path, SandboxInfo]]:
    state_dir = tmp_path / "detached"
    info = ensure_running(state_dir, speed=50)
    yield state_dir, info
    stop_running(state_dir)


def _ensure_in_subprocess(state_dir: Path) -> int:
    code = (
        "import sys; from pathlib import Path; from pxa.sandbox.launcher import "
        "ensure_running; print(ensure_running(Path(sys.argv[1])).pid)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(state_dir)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return int(out.stdout.strip())


def test_detached_sandbox_answers_over_https(launched: tuple[Path, SandboxInfo]) -> None:
    _, info = launched
    assert token_client(info).version.get()["release"] == "9.1"


def test_second_caller_attaches_instead_of_starting_another(
    launched: tuple[Path, SandboxInfo],
) -> None:
    state_dir, info = launched
    assert _ensure_in_subprocess(state_dir) == info.pid


def test_server_file_is_private(launched: tuple[Path, SandboxInfo]) -> None:
    state_dir, info = launched
    server_file = state_dir / "server.json"
    assert server_file.stat().st_mode & 0o077 == 0
    assert json.loads(server_file.read_text())["token_secret"] == info.token_secret


def test_stop_running_stops_it(launched: tuple[Path, SandboxInfo]) -> None:
    state_dir, _ = launched
    assert stop_running(state_dir) is True
    assert read_running(state_dir) is None


def test_read_running_without_a_server_is_none(tmp_path: Path) -> None:
    assert read_running(tmp_path) is None

"""Fixtures: a real sandbox over HTTPS on a free loopback port, and clients for it.

`sandbox` is a fresh server per test (speed 50, so a 2 s start takes 40 ms); the
certificate is made once per session and copied in, to keep start-up cheap.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from proxmoxer import ProxmoxAPI

from pxa.sandbox import paths, tls
from pxa.sandbox.server import SandboxInfo, SandboxServer

from .helpers import token_client

SPEED = 50.0


@pytest.fixture(scope="session")
def tls_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tls")
    tls.ensure_certificate(folder)
    return folder


@pytest.fixture(scope="session")
def reaper() -> Iterator[list[threading.Thread]]:
    """Stops finished tests' sandboxes in the background; uvicorn takes ~0.2 s to wind down."""
    stopping: list[threading.Thread] = []
    yield stopping
    for thread in stopping:
        thread.join(15)


@pytest.fixture
def make_sandbox(
    tmp_path: Path, tls_dir: Path, reaper: list[threading.Thread]
) -> Iterator[Callable[..., SandboxServer]]:
    """Start sandboxes (stopped after the test); each call may pass SandboxServer options."""
    started: list[SandboxServer] = []

    def make(state_dir: Path | None = None, **kw: Any) -> SandboxServer:
        state_dir = state_dir or tmp_path / f"sandbox-{len(started)}"
        if not (state_dir / paths.TLS_DIR).exists():
            shutil.copytree(tls_dir, state_dir / paths.TLS_DIR)
        kw.setdefault("speed", SPEED)
        srv = SandboxServer(state_dir, **kw)
        srv.start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        thread = threading.Thread(target=srv.stop, daemon=True)
        thread.start()
        reaper.append(thread)


@pytest.fixture
def sandbox(make_sandbox: Callable[..., SandboxServer]) -> SandboxServer:
    return make_sandbox()


@pytest.fixture
def info(sandbox: SandboxServer) -> SandboxInfo:
    assert sandbox.info is not None
    return sandbox.info


@pytest.fixture
def pve(info: SandboxInfo) -> ProxmoxAPI:
    """proxmoxer with the root API token."""
    return token_client(info)


@pytest.fixture
def pve_ticket(info: SandboxInfo) -> ProxmoxAPI:
    """proxmoxer logged in with root's password (ticket + CSRF token)."""
    return ProxmoxAPI(
        "127.0.0.1",
        port=info.port,
        user=info.user,
        password=info.password,
        verify_ssl=info.ca_cert,
        timeout=10,
    )


@pytest.fixture
def pve_readonly(info: SandboxInfo) -> ProxmoxAPI:
    """proxmoxer with the auditor's read-only token."""
    return token_client(info, readonly=True)

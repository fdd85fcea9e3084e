"""The /v1 API served by real uvicorn over a real sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support import SPEED, LiveApi, no_rate_limits, start_api

from pxa.sandbox.server import SandboxServer


@pytest.fixture(scope="module")
def module_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """One sandbox for a whole module of tests that only read or that tidy up after
    themselves."""
    server = SandboxServer(tmp_path_factory.mktemp("module") / "sandbox", speed=SPEED)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def unlimited_api(
    module_sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveApi]:
    """/v1 over the module's sandbox with rate limits out of the way (many calls, few
    tokens)."""
    live = start_api(
        module_sandbox,
        tmp_path_factory.mktemp("module-db") / "api.db",
        rate_limits=no_rate_limits(),
    )
    yield live
    live.stop()


@pytest.fixture
def api(sandbox: SandboxServer, tmp_path: Path) -> Iterator[LiveApi]:
    live = start_api(sandbox, tmp_path / "api.db")
    yield live
    live.stop()


@pytest.fixture
def http(api: LiveApi) -> Iterator[httpx.Client]:
    """An httpx client with the admin token; base URL ends in /v1."""
    with httpx.Client(
        base_url=api.url, timeout=30, headers={"Authorization": f"Bearer {api.admin_token}"}
    ) as client:
        yield client


@pytest.fixture
def anon(api: LiveApi) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=30) as client:
        yield client

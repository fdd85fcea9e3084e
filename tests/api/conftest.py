"""The /v1 API served by real uvicorn over a real sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support import LiveApi, start_api

from pxa.sandbox.server import SandboxServer


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

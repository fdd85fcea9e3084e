"""The SDK against the real /v1 API: uvicorn in its own thread over a fresh sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from support import LiveApi, start_api

from pxa.sandbox.server import SandboxServer
from pxa.sdk import AsyncProxmoxAIClient, ProxmoxAIClient


@pytest.fixture
def api(sandbox: SandboxServer, tmp_path: Path) -> Iterator[LiveApi]:
    live = start_api(sandbox, tmp_path / "api.db")
    yield live
    live.stop()


@pytest.fixture
def client(api: LiveApi) -> Iterator[ProxmoxAIClient]:
    with ProxmoxAIClient(api_token=api.admin_token, base_url=api.url, backoff_base=0.01) as c:
        yield c


@pytest.fixture
async def aclient(api: LiveApi) -> AsyncIterator[AsyncProxmoxAIClient]:
    async with AsyncProxmoxAIClient(
        api_token=api.admin_token, base_url=api.url, backoff_base=0.01
    ) as c:
        yield c


@pytest.fixture
def routes(api: LiveApi) -> set[str]:
    """The routes the server serves now, as 'GET /v1/vms/{vm_id}'."""
    spec = httpx.get(api.url + "/openapi.json", timeout=10).json()
    return {f"{m.upper()} {p}" for p, ops in spec["paths"].items() for m in ops}


@pytest.fixture
def needs(routes: set[str]) -> Callable[..., None]:
    """Skip, naming them, when routes the test drives are not on the server yet."""

    def check(*wanted: str) -> None:
        missing = [r for r in wanted if r not in routes]
        if missing:
            pytest.skip(f"server does not serve {', '.join(missing)} yet")

    return check

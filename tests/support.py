"""Helpers the test suite shares (importable as `support`: tests/ is on pythonpath)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pxa.core.infra import Infra
    from pxa.proxmox.client import PveTarget
    from pxa.sandbox.server import SandboxServer


SPEED = 40.0  # sandbox tasks run 40× faster than on a real cluster


def no_rate_limits() -> dict[str, tuple[int, int]]:
    """Every rate-limit category out of the way, for tests that make many calls."""
    from pxa.api.ratelimit import DEFAULTS

    return {category: (1_000_000, 60) for category in DEFAULTS}


def target_for(sandbox: SandboxServer, **overrides: Any) -> PveTarget:
    from pxa.proxmox.client import PveTarget

    info = sandbox.info
    user, _, token = info.token_id.partition("!")
    fields: dict[str, Any] = {
        "host": info.host,
        "port": info.port,
        "user": user,
        "token_name": token,
        "token_secret": info.token_secret,
        "ca_cert": Path(info.ca_cert),
        "timeout": 5.0,
    }
    fields.update(overrides)
    return PveTarget(**fields)


def make_infra(sandbox: SandboxServer, db_path: Path, **kwargs: Any) -> Infra:
    from pxa.core.infra import Infra
    from pxa.proxmox.adapter import ProxmoxAdapter
    from pxa.proxmox.client import PveClient
    from pxa.store.db import Database

    return Infra(
        ProxmoxAdapter(PveClient(target_for(sandbox))),
        Database(db_path),
        sandbox=True,
        poll_interval=0.05,
        **kwargs,
    )


@dataclass
class LiveApi:
    """The /v1 API served by uvicorn in its own thread and event loop, as in a real process."""

    url: str
    infra: Infra
    admin_token: str
    loop: asyncio.AbstractEventLoop
    stop: Any

    def run(self, coro: Any, timeout: float = 60) -> Any:
        """Run a coroutine on the server's loop (to reach its core from a test)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


def start_api(sandbox: SandboxServer, db_path: Path, **app_options: Any) -> LiveApi:
    from pxa.api.app import create_app
    from pxa.api.server import ApiServer
    from pxa.core.tokens import Principal, all_scopes
    from pxa.models.token import TokenCreate

    ready = threading.Event()
    box: dict[str, Any] = {}

    async def main() -> None:
        infra = make_infra(sandbox, db_path)
        server = ApiServer(create_app(infra, **app_options), port=0)
        server.prepare()
        task = await server.start()
        box.update(infra=infra, server=server, loop=asyncio.get_running_loop())
        ready.set()
        try:
            await task
        finally:
            await infra.close()

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # surface start-up failures to the waiting test
            box["error"] = exc
            ready.set()

    thread = threading.Thread(target=run, name="pxa-api", daemon=True)
    thread.start()
    ready.wait(30)
    if "error" in box:
        raise box["error"]
    infra: Infra = box["infra"]
    admin = Principal(id="test-admin", scopes=frozenset(all_scopes()), kind="user")
    token = infra.tokens.create(TokenCreate(name="test-admin", permissions=all_scopes()), admin)

    def stop() -> None:
        box["loop"].call_soon_threadsafe(setattr, box["server"].server, "should_exit", True)
        thread.join(15)

    return LiveApi(
        url=box["server"].url,
        infra=infra,
        admin_token=token.access_token,
        loop=box["loop"],
        stop=stop,
    )


def wait_job(http: Any, job_id: str, timeout: float = 60) -> dict[str, Any]:
    """Poll GET /v1/jobs/{id} until the job ends; the finished job's data."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = http.get(f"/jobs/{job_id}").json()["data"]["job"]
        if job["status"] in ("completed", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout}s")


def error(response: Any) -> dict[str, Any]:
    """The error object of a failed /v1 response (asserting it is the seed's envelope)."""
    body: dict[str, Any] = response.json()
    assert body["success"] is False
    return body["error"]  # type: ignore[no-any-return]


def cluster_env(info: Any, *, with_secret: bool = True) -> dict[str, str]:
    """The environment of a `pxa` subprocess that uses the test's sandbox as a real cluster
    (configured entirely through PXA_* variables; `info` is the sandbox's SandboxInfo)."""
    import os

    user, _, token = info.token_id.partition("!")
    env = {
        **os.environ,
        "PXA_PROXMOX__HOST": info.host,
        "PXA_PROXMOX__PORT": str(info.port),
        "PXA_PROXMOX__USER": user,
        "PXA_PROXMOX__TOKEN_NAME": token,
        "PXA_PROXMOX__CA_CERT": str(info.ca_cert),
    }
    if with_secret:
        env["PXA_PROXMOX_TOKEN_SECRET"] = info.token_secret
    return env

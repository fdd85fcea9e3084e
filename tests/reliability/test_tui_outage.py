"""The TUI while Proxmox misbehaves: gone for a while, answering only errors, or slow.

With its embedded /v1 API serving and the Proxmox API gone, the header says the cluster
is unreachable and why; the VMs pane keeps showing the last rows it had; keys still work;
/v1 answers a clear 503 rather than hanging or crashing; and once Proxmox is back the
header says connected again and the rows are live — nobody pressing anything to make it
so. A slow Proxmox never holds up a key.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
from support import make_infra
from tui.helpers import pane_settled, tui_settings

from pxa.core.tokens import Principal, all_scopes
from pxa.models.token import TokenCreate
from pxa.sandbox.server import SandboxServer

SIZE = (120, 40)


def health(app: Any) -> str:
    return str(app.query_one("#health").content)


def shown(app: Any) -> list[str]:
    rows = app.panes["vms"].table.rows
    return [rows.vms[i].name for i in rows.order]


async def wait_for(pilot: Any, done: Any, what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"{what}: not after {timeout} s"
        await pilot.pause(0.05)


async def test_the_tui_rides_out_a_proxmox_outage_and_recovers_by_itself(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    from pxa.tui.app import PxaApp

    infra = make_infra(sandbox, tmp_path / "pxa.db", refresh_seconds=0.3)
    settings = tui_settings(api={"enabled": True, "port": 0})
    app = PxaApp(settings, infra=infra, api=True)
    admin = Principal(id="test-admin", scopes=frozenset(all_scopes()), kind="user")
    token = infra.tokens.create(TokenCreate(name="t", permissions=["vm:read"]), admin)
    headers = {"Authorization": f"Bearer {token.access_token}"}
    try:
        async with app.run_test(size=SIZE) as pilot:
            pane = app.panes["vms"]
            await wait_for(pilot, lambda: bool(shown(app)) and pane_settled(pane), "the rows")
            await wait_for(pilot, lambda: app.core.api_url is not None, "/v1")
            url = app.core.api_url
            before = shown(app)
            assert health(app) == "● connected"

            sandbox.faults.api_down = True
            await wait_for(pilot, lambda: health(app).startswith("✕ unreachable"), "the banner")
            assert "Proxmox" in health(app) or "refused" in health(app)
            assert shown(app) == before  # the last rows stay on screen
            await pilot.press("slash", "w", "e", "b")  # keys still work on what is shown
            await pilot.pause()
            assert shown(app) and all("web" in name for name in shown(app))
            await pilot.press("escape")
            async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10) as http:
                infra.inventory.invalidate()
                r = await http.get("/vms")
                assert r.status_code == 503, r.text
                assert r.json()["error"]["code"] == "PROXMOX_UNAVAILABLE"
            assert app.is_running

            sandbox.faults.api_down = False
            await wait_for(pilot, lambda: health(app) == "● connected", "reconnecting")
            back = lambda: pane_settled(pane) and len(shown(app)) == len(before)  # noqa: E731
            await wait_for(pilot, back, "the rows, live again")
            assert sorted(shown(app)) == sorted(before)
            async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10) as http:
                assert (await http.get("/vms")).status_code == 200
    finally:
        sandbox.faults.api_down = False
        await infra.close()


async def test_the_tui_says_so_when_proxmox_answers_only_errors_and_recovers(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    from pxa.tui.app import PxaApp

    infra = make_infra(sandbox, tmp_path / "pxa.db", refresh_seconds=0.3)
    app = PxaApp(tui_settings(), infra=infra, api=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            pane = app.panes["vms"]
            await wait_for(pilot, lambda: bool(shown(app)) and pane_settled(pane), "the rows")
            before = shown(app)
            sandbox.faults.error_rate = 1.0  # every call: 500 simulated fault
            await wait_for(pilot, lambda: infra.inventory.error is not None, "a failed refresh")
            await wait_for(pilot, lambda: health(app) != "● connected", "the banner", 2)
            assert shown(app) == before and app.is_running
            sandbox.faults.error_rate = 0.0
            await wait_for(pilot, lambda: health(app) == "● connected", "reconnecting")
    finally:
        sandbox.faults.error_rate = 0.0
        await infra.close()


async def test_keys_are_answered_while_a_slow_proxmox_holds_a_refresh(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    from pxa.tui.app import PxaApp

    infra = make_infra(sandbox, tmp_path / "pxa.db", refresh_seconds=3600)
    app = PxaApp(tui_settings(), infra=infra, api=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            pane = app.panes["vms"]
            await wait_for(pilot, lambda: bool(shown(app)) and pane_settled(pane), "the rows")
            before = len(shown(app))
            sandbox.faults.latency_ms = 1500  # every PVE call now takes 1.5 s
            refresh = asyncio.create_task(infra.inventory.refresh())
            await pilot.pause(0.1)
            await pilot.press("slash", "d", "b")
            filtered = lambda: "db-01" in shown(app) and len(shown(app)) < before  # noqa: E731
            await wait_for(pilot, filtered, "the filter", 1.2)
            assert not refresh.done()  # the keys did not wait for Proxmox
            sandbox.faults.latency_ms = 0
            await refresh
            assert app.is_running and shown(app)
    finally:
        sandbox.faults.latency_ms = 0
        await infra.close()

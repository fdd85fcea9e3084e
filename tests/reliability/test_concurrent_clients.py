"""Twenty API clients at once, each with its own token, creating, starting and deleting VMs.

Each client creates its own VM, waits for it, starts it, and every other client then
deletes it again — all twenty at the same time against one live /v1 over one SQLite
database. Afterwards: no answer was a 5xx, nothing anywhere said "database is locked",
every job any client was given is completed, the audit log has one entry per accepted
call, and the VMs left are exactly the ones nobody deleted — each once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import LiveApi, make_infra, no_rate_limits, start_api, wait_job

from pxa.core.context import CallContext
from pxa.core.tokens import Principal, all_scopes
from pxa.models.token import TokenCreate
from pxa.sandbox.server import SandboxServer

CLIENTS = 20


@dataclass
class Outcome:
    name: str
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    answers: list[tuple[int, str]] = field(default_factory=list)
    error: BaseException | None = None


@pytest.fixture
def api(sandbox: SandboxServer, tmp_path: Path) -> Iterator[LiveApi]:
    live = start_api(sandbox, tmp_path / "api.db", rate_limits=no_rate_limits())
    yield live
    live.stop()


def client_run(api: LiveApi, token: str, outcome: Outcome, delete: bool) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=api.url, headers=headers, timeout=60) as http:

        def call(method: str, url: str, **kwargs: Any) -> dict[str, Any]:
            r = http.request(method, url, **kwargs)
            outcome.answers.append((r.status_code, r.text))
            assert r.status_code < 300, r.text
            return r.json()["data"]  # type: ignore[no-any-return]

        def follow(job_id: str, step: str) -> None:
            job = wait_job(http, job_id, timeout=120)
            outcome.jobs[f"{step}:{job_id}"] = job

        body = {"name": outcome.name, "template": "debian-12", "start": False}
        created = call("POST", "/vms", json=body)["vm"]
        follow(created["creation_job_id"], "create")
        follow(call("POST", f"/vms/{created['id']}/start")["job"]["job_id"], "start")
        if delete:
            deleted = call("DELETE", f"/vms/{created['id']}", params={"force": "true"})
            follow(deleted["job"]["job_id"], "delete")


def test_twenty_clients_at_once_leave_a_consistent_state(
    api: LiveApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    admin = Principal(id="test-admin", scopes=frozenset(all_scopes()), kind="user")
    tokens = [
        api.infra.tokens.create(TokenCreate(name=f"client-{i}", permissions=all_scopes()), admin)
        for i in range(CLIENTS)
    ]
    outcomes = [Outcome(name=f"conc-{i:02d}") for i in range(CLIENTS)]
    start = threading.Barrier(CLIENTS)

    def run(i: int) -> None:
        try:
            start.wait(30)
            client_run(api, tokens[i].access_token, outcomes[i], delete=i % 2 == 0)
        except BaseException as exc:
            outcomes[i].error = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)

    said = [text for o in outcomes for _, text in o.answers] + [caplog.text]
    assert not any("database is locked" in text for text in said)
    assert [(o.name, status) for o in outcomes for status, _ in o.answers if status >= 500] == []
    assert [(o.name, repr(o.error)) for o in outcomes if o.error] == []
    unfinished = {k: j["status"] for o in outcomes for k, j in o.jobs.items()}
    assert set(unfinished.values()) == {"completed"}, unfinished
    # Every job a client was handed is in the store, once, and finished.
    job_ids = [k.split(":", 1)[1] for o in outcomes for k in o.jobs]
    assert len(job_ids) == len(set(job_ids)) == CLIENTS * 2 + CLIENTS // 2
    for job_id in job_ids:
        assert api.infra.jobs.get(job_id).status.value == "completed"

    headers = {"Authorization": f"Bearer {api.admin_token}"}
    with httpx.Client(base_url=api.url, headers=headers, timeout=60) as http:
        vms = http.get("/vms", params={"limit": 200, "search": "conc-"}).json()["data"]["vms"]
    names = sorted(v["name"] for v in vms if v["name"].startswith("conc-"))
    assert names == [o.name for i, o in enumerate(outcomes) if i % 2 == 1]
    running = {v["name"]: v["status"] for v in vms}
    assert all(running[name] == "running" for name in names)


async def test_concurrent_reads_of_a_stale_inventory_refresh_it_once(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    infra = make_infra(sandbox, tmp_path / "stale.db")
    try:
        await infra.inventory.refresh()
        infra.inventory.invalidate()
        before = infra.inventory.requests
        reads = [infra.call("vm.list", {"limit": 50}, CallContext.of("api")) for _ in range(8)]
        await asyncio.gather(*reads)
        assert infra.inventory.requests - before == 1
    finally:
        await infra.close()

"""Idempotency-Key on POST: a retry returns the first response instead of running twice."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from support import LiveApi, wait_job

from pxa.sandbox.server import SandboxServer


@pytest.fixture
def new_vm() -> dict:
    return {
        "name": "idem-web-01",
        "template": "ubuntu-24.04",
        "environment": "development",
        "configuration": {"cpu_cores": 2, "memory_mb": 2048},
    }


@pytest.fixture
def scan() -> dict:
    return {"scan_type": "configuration", "targets": ["vm-105"]}


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


def token(api: LiveApi, name: str) -> str:
    from pxa.core.tokens import Principal, all_scopes
    from pxa.models.token import TokenCreate

    admin = Principal(id="t", scopes=frozenset(all_scopes()))
    return api.infra.tokens.create(
        TokenCreate(name=name, permissions=all_scopes()), admin
    ).access_token


def test_a_retried_post_vms_with_the_same_key_creates_one_vm(
    http: httpx.Client, new_vm: dict
) -> None:
    first = http.post("/vms", json=new_vm, headers=key("create-idem-web-01"))
    retry = http.post("/vms", json=new_vm, headers=key("create-idem-web-01"))
    assert first.status_code == retry.status_code == 201
    assert retry.json()["data"] == first.json()["data"]
    wait_job(http, first.json()["data"]["vm"]["creation_job_id"])
    jobs = http.get("/jobs", params={"type": "vm_creation"}).json()["data"]["jobs"]
    assert len(jobs) == 1
    vms = http.get("/vms", params={"search": "idem-web-01"}).json()["data"]["vms"]
    assert [v["name"] for v in vms] == ["idem-web-01"]


def test_a_replay_repeats_the_first_response_and_says_so(http: httpx.Client, scan: dict) -> None:
    first = http.post("/security/scans", json=scan, headers=key("scan-1"))
    retry = http.post("/security/scans", json=scan, headers=key("scan-1"))
    assert retry.status_code == first.status_code == 202
    assert retry.content == first.content
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["location"] == first.headers["location"]
    assert "idempotent-replayed" not in first.headers


def test_the_same_key_with_a_different_body_is_422_idempotency_key_reused(
    http: httpx.Client, scan: dict
) -> None:
    http.post("/security/scans", json=scan, headers=key("scan-2"))
    r = http.post("/security/scans", json={**scan, "targets": ["vm-103"]}, headers=key("scan-2"))
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "IDEMPOTENCY_KEY_REUSED" and err["details"]["field"] == "Idempotency-Key"


def test_a_duplicate_while_the_first_is_in_flight_is_409(
    api: LiveApi, sandbox: SandboxServer, new_vm: dict
) -> None:
    sandbox.faults.latency_ms = 300  # every Proxmox call of the first request now takes 0.3 s
    headers = {"Authorization": f"Bearer {api.admin_token}", **key("slow-create")}

    def post(delay: float) -> httpx.Response:
        time.sleep(delay)
        with httpx.Client(base_url=api.url, timeout=30, headers=headers) as client:
            return client.post("/vms", json=new_vm)

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(post, (0.0, 0.15))
    sandbox.faults.latency_ms = 0
    assert first.status_code == 201, first.text
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "RESOURCE_CONFLICT"
    assert second.headers["retry-after"] == "1"


def test_the_same_key_from_another_token_runs_again(
    api: LiveApi, http: httpx.Client, anon: httpx.Client, scan: dict
) -> None:
    mine = http.post("/security/scans", json=scan, headers=key("shared-key"))
    other = {"Authorization": f"Bearer {token(api, 'other')}", **key("shared-key")}
    theirs = anon.post("/security/scans", json=scan, headers=other)
    assert theirs.status_code == 202 and "idempotent-replayed" not in theirs.headers
    assert theirs.json()["data"]["scan"]["id"] != mine.json()["data"]["scan"]["id"]


def test_a_key_is_forgotten_after_24_hours(api: LiveApi, http: httpx.Client, scan: dict) -> None:
    first = http.post("/security/scans", json=scan, headers=key("old-key"))
    db = api.infra.database
    with db.lock:
        db.db.execute("update idempotency_keys set created_at = created_at - 86401")
        db.db.conn.commit()
    later = http.post("/security/scans", json=scan, headers=key("old-key"))
    assert later.status_code == 202 and "idempotent-replayed" not in later.headers
    assert later.json()["data"]["scan"]["id"] != first.json()["data"]["scan"]["id"]


def test_a_retry_after_a_server_side_failure_runs(
    http: httpx.Client, sandbox: SandboxServer, new_vm: dict
) -> None:
    sandbox.faults.api_down = True
    try:
        down = http.post("/vms", json=new_vm, headers=key("while-down"))
    finally:
        sandbox.faults.api_down = False
    assert down.status_code >= 500
    retry = http.post("/vms", json=new_vm, headers=key("while-down"))
    assert retry.status_code == 201, retry.text


def test_a_revoked_token_gets_401_not_the_stored_response(
    api: LiveApi, anon: httpx.Client, scan: dict
) -> None:
    secret = token(api, "short-lived")
    headers = {"Authorization": f"Bearer {secret}", **key("revoked")}
    assert anon.post("/security/scans", json=scan, headers=headers).status_code == 202
    tok = next(t for t in api.infra.tokens.list() if t.name == "short-lived")
    api.infra.tokens.revoke(tok.token_id)
    r = anon.post("/security/scans", json=scan, headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"


def test_a_malformed_key_is_422(http: httpx.Client, scan: dict) -> None:
    r = http.post("/security/scans", json=scan, headers=key("x" * 300))
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "Idempotency-Key"


def test_posts_without_a_key_run_each_time(http: httpx.Client, scan: dict) -> None:
    a = http.post("/security/scans", json=scan).json()["data"]["scan"]["id"]
    b = http.post("/security/scans", json=scan).json()["data"]["scan"]["id"]
    assert a != b

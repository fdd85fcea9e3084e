"""/v1/webhooks: configuration in the seed's shapes, signed deliveries, retries, a queue that
survives a restart. Receivers are tiny HTTP servers on 127.0.0.1 that record what they get."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import LiveApi, start_api

from pxa.sandbox.server import SandboxServer
from pxa.webhooks import RetryPolicy

SECRET = "whsec-test-0123456789abcdef"
FAST = RetryPolicy(base_seconds=0.3, cap_seconds=1.0, timeout_seconds=2.0)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers each POST with the next of `answers`, then 200; records every request."""

    port: int = 0
    answers: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)

    def __enter__(self) -> Receiver:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                owner.requests.append(Received(headers, body, time.monotonic()))
                self.send_response(owner.answers.pop(0) if owner.answers else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def wait_for(self, count: int, event: str | None = None, timeout: float = 10) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = [r for r in self.requests if event is None or r.headers["x-pxa-event"] == event]
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"receiver got {len(self.requests)} requests, wanted {count} {event}")


def verify(secret: str, received: Received, tolerance: int = 300) -> bool:
    """The recipe from docs/webhooks.md, as a receiver would write it."""
    timestamp = received.headers["x-pxa-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    signed = timestamp.encode() + b"." + received.body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.headers["x-pxa-signature"])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


@pytest.fixture
def sending(api: LiveApi) -> LiveApi:
    """The API with its webhook dispatcher running, on short backoff."""
    api.run(api.infra.webhooks.start(retry=FAST))
    return api


def create(http: httpx.Client, url: str, events: list[str] | None = None, **extra: Any) -> str:
    body = {"url": url, "events": events or ["vm.created"], "secret": SECRET, **extra}
    r = http.post("/webhooks", json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["data"]["webhook"]["id"])


def wait_delivery(
    http: httpx.Client, webhook_id: str, done: Callable[[dict[str, Any]], bool], timeout: float = 10
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deliveries = http.get(f"/webhooks/{webhook_id}/deliveries").json()["data"]["deliveries"]
        if deliveries and done(deliveries[0]):
            return dict(deliveries[0])
        time.sleep(0.05)
    raise AssertionError(f"delivery did not get there: {deliveries}")


def running_vms(http: httpx.Client) -> set[str]:
    vms = http.get("/vms", params={"status": "running", "limit": 200}).json()["data"]["vms"]
    return {v["id"] for v in vms}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- configuration ------------------------------------------------------------------------
def test_create_returns_201_with_the_webhook(http: httpx.Client, receiver: Receiver) -> None:
    body = {"url": receiver.url, "events": ["vm.created", "vm.status_changed"], "secret": SECRET}
    r = http.post("/webhooks", json={**body, "active": True})
    assert r.status_code == 201
    hook = r.json()["data"]["webhook"]
    assert set(hook) == {"id", "url", "events", "active", "created_at"}
    assert hook["id"].startswith("wh_") and hook["url"] == receiver.url
    assert hook["events"] == ["vm.created", "vm.status_changed"] and hook["active"] is True


def test_list_and_get_show_the_webhook(http: httpx.Client, receiver: Receiver) -> None:
    webhook_id = create(http, receiver.url)
    listed = http.get("/webhooks").json()["data"]["webhooks"]
    assert [w["id"] for w in listed] == [webhook_id]
    r = http.get(f"/webhooks/{webhook_id}")
    assert r.status_code == 200 and r.json()["data"]["webhook"] == listed[0]


def test_delete_answers_a_message_and_the_webhook_is_gone(
    http: httpx.Client, receiver: Receiver
) -> None:
    webhook_id = create(http, receiver.url)
    r = http.delete(f"/webhooks/{webhook_id}")
    assert r.status_code == 200 and r.json()["success"] is True and r.json()["message"]
    assert http.get(f"/webhooks/{webhook_id}").json()["error"]["code"] == "RESOURCE_NOT_FOUND"
    assert http.get(f"/webhooks/{webhook_id}/deliveries").status_code == 404


def test_the_secret_is_never_returned(http: httpx.Client, receiver: Receiver) -> None:
    created = http.post(
        "/webhooks", json={"url": receiver.url, "events": ["vm.created"], "secret": SECRET}
    )
    webhook_id = created.json()["data"]["webhook"]["id"]
    for r in (created, http.get("/webhooks"), http.get(f"/webhooks/{webhook_id}")):
        assert SECRET not in r.text and '"secret"' not in r.text


def test_a_short_secret_is_refused_without_being_echoed(
    http: httpx.Client, receiver: Receiver
) -> None:
    r = http.post(
        "/webhooks", json={"url": receiver.url, "events": ["vm.created"], "secret": "tooshort-xyz"}
    )
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "secret"
    assert "tooshort-xyz" not in r.text


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.com/pxa", "https_required"),
        ("ftp://127.0.0.1/pxa", "unsupported_scheme"),
        ("https://user:hunter2@hooks.example.com/pxa", "credentials_in_url"),
        ("/relative/hook", "not_absolute"),
    ],
)
def test_a_url_that_is_not_https_or_loopback_http_is_refused_naming_url(
    http: httpx.Client, url: str, reason: str
) -> None:
    r = http.post("/webhooks", json={"url": url, "events": ["vm.created"], "secret": SECRET})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["field"] == "url" and error["details"]["reason"] == reason
    assert "hunter2" not in r.text


def test_http_is_accepted_on_loopback_and_https_anywhere(http: httpx.Client) -> None:
    for url in ("http://127.0.0.1:9/h", "http://localhost:9/h", "http://[::1]:9/h"):
        create(http, url, active=False)
    create(http, "https://hooks.example.com/pxa", active=False)  # inactive: nothing is sent
    assert len(http.get("/webhooks").json()["data"]["webhooks"]) == 4


def test_an_unknown_event_is_refused_naming_events(http: httpx.Client, receiver: Receiver) -> None:
    r = http.post(
        "/webhooks",
        json={"url": receiver.url, "events": ["vm.created", "vm.exploded"], "secret": SECRET},
    )
    assert r.status_code == 422
    details = r.json()["error"]["details"]
    assert details["field"] == "events" and details["reason"] == "unknown_event"
    assert "vm.exploded" in r.json()["error"]["message"]


def test_webhook_routes_need_the_webhook_scopes(api: LiveApi, anon: httpx.Client) -> None:
    from pxa.core.tokens import Principal
    from pxa.models.token import TokenCreate

    admin = Principal(id="t", scopes=frozenset({"webhook:read"}))
    ro = api.infra.tokens.create(TokenCreate(name="ro", permissions=["webhook:read"]), admin)
    auth = {"Authorization": f"Bearer {ro.access_token}"}
    assert anon.get("/webhooks", headers=auth).status_code == 200
    r = anon.post(
        "/webhooks",
        headers=auth,
        json={"url": "https://hooks.example.com/x", "events": ["vm.created"], "secret": SECRET},
    )
    assert r.status_code == 403 and r.json()["error"]["details"]["required"] == "webhook:write"


# --- deliveries ---------------------------------------------------------------------------
def test_an_event_is_queued_for_each_active_subscribed_webhook(
    api: LiveApi, http: httpx.Client, receiver: Receiver
) -> None:
    subscribed = create(http, receiver.url, ["vm.created"])
    inactive = create(http, receiver.url, ["vm.created"], active=False)
    other = create(http, receiver.url, ["vm.deleted"])
    api.infra.bus.emit("vm.created", vm={"id": "vm-900", "name": "x", "status": "stopped"})
    counts = {
        w: len(http.get(f"/webhooks/{w}/deliveries").json()["data"]["deliveries"])
        for w in (subscribed, inactive, other)
    }
    assert counts == {subscribed: 1, inactive: 0, other: 0}


def test_a_started_vm_fires_signed_status_changed_and_job_completed(
    sending: LiveApi, http: httpx.Client, receiver: Receiver
) -> None:
    create(http, receiver.url, ["vm.status_changed", "job.completed"])
    vm = http.get("/vms", params={"status": "stopped", "type": "qemu"}).json()["data"]["vms"][0]
    job_id = http.post(f"/vms/{vm['id']}/start").json()["data"]["job"]["job_id"]
    deadline = time.monotonic() + 20
    while vm["id"] not in running_vms(http):  # listing refreshes the inventory, which publishes
        assert time.monotonic() < deadline, "the VM did not start"
        time.sleep(0.1)
    [completed] = receiver.wait_for(1, "job.completed")
    changed = receiver.wait_for(1, "vm.status_changed")
    job = completed.payload["data"]["job"]
    assert job["id"] == job_id and job["status"] == "completed"
    assert any(r.payload["data"]["vm"]["id"] == vm["id"] for r in changed)
    assert all(verify(SECRET, r) for r in receiver.requests)
    assert not verify("some-other-secret-value", completed)


def test_a_ping_is_delivered_with_the_seed_payload_and_headers(
    sending: LiveApi, http: httpx.Client, receiver: Receiver
) -> None:
    webhook_id = create(http, receiver.url)
    r = http.post(f"/webhooks/{webhook_id}/test")
    assert r.status_code == 202
    delivery = r.json()["data"]["delivery"]
    assert delivery["event"] == "webhook.ping" and delivery["status"] == "pending"
    [got] = receiver.wait_for(1)
    assert set(got.payload) == {"event", "timestamp", "data", "webhook"}
    assert got.payload["event"] == "webhook.ping"
    assert got.payload["webhook"] == {"id": webhook_id, "attempt": 1}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", got.payload["timestamp"])
    assert got.headers["content-type"] == "application/json"
    assert got.headers["x-pxa-event"] == "webhook.ping"
    assert got.headers["x-pxa-delivery"] == delivery["id"]
    assert verify(SECRET, got)


def test_a_receiver_answering_500_is_retried_with_backoff_until_it_succeeds(
    sending: LiveApi, http: httpx.Client, receiver: Receiver
) -> None:
    receiver.answers = [500, 500]
    webhook_id = create(http, receiver.url)
    http.post(f"/webhooks/{webhook_id}/test")
    first, second, third = receiver.wait_for(3)
    assert [r.payload["webhook"]["attempt"] for r in (first, second, third)] == [1, 2, 3]
    assert len({r.headers["x-pxa-delivery"] for r in (first, second, third)}) == 1
    assert second.at - first.at >= FAST.base_seconds * 0.9
    assert third.at - second.at >= 2 * FAST.base_seconds * 0.9  # the wait doubles
    delivery = wait_delivery(http, webhook_id, lambda d: d["status"] != "pending")
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3


def test_deliveries_log_each_attempt_with_status_code_and_response_time(
    sending: LiveApi, http: httpx.Client, receiver: Receiver
) -> None:
    receiver.answers = [500]
    webhook_id = create(http, receiver.url)
    http.post(f"/webhooks/{webhook_id}/test")
    d = wait_delivery(http, webhook_id, lambda d: d["status"] == "delivered")
    assert d["last_status_code"] == 200 and d["last_error"] is None
    assert isinstance(d["last_response_ms"], int) and d["next_attempt_at"] is None
    assert [(a["attempt"], a["status_code"], a["error"]) for a in d["history"]] == [
        (1, 500, "HTTP 500"),
        (2, 200, None),
    ]
    assert all(a["response_ms"] >= 0 for a in d["history"])


def test_a_delivery_to_a_receiver_that_is_down_is_sent_after_a_restart(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    port, db = free_port(), tmp_path / "api.db"
    first = start_api(sandbox, db)
    try:
        auth = {"Authorization": f"Bearer {first.admin_token}"}
        with httpx.Client(base_url=first.url, headers=auth, timeout=30) as http:
            webhook_id = create(http, f"http://127.0.0.1:{port}/hook")
            first.run(first.infra.webhooks.start(retry=RetryPolicy(base_seconds=1.0)))
            http.post(f"/webhooks/{webhook_id}/test")
            queued = wait_delivery(http, webhook_id, lambda d: d["attempts"] >= 1)
        assert queued["status"] == "pending" and queued["last_status_code"] is None
        assert queued["last_error"] and queued["next_attempt_at"]
    finally:
        first.stop()
    with Receiver(port=port) as receiver:
        second = start_api(sandbox, db)
        try:
            second.run(second.infra.webhooks.start(retry=FAST))
            [got] = receiver.wait_for(1)
        finally:
            second.stop()
    assert got.headers["x-pxa-delivery"] == queued["id"]
    assert got.payload["webhook"]["attempt"] == queued["attempts"] + 1

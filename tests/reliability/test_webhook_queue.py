"""The webhook queue: a receiver that is down gets every delivery later, each exactly once,
whether pxa keeps running meanwhile or is restarted in between.

Events happen while the receiver is down; the dispatcher keeps them queued in SQLite and
retries with backoff. When the receiver comes up it gets each event once — the same
delivery id as the failed attempts, a higher attempt number — and the deliveries log says
delivered. After a restart on the same database the queue is picked up where it was.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import LiveApi, start_api

from pxa.sandbox.server import SandboxServer
from pxa.webhooks import RetryPolicy

SECRET = "whsec-reliability-0123456789"
FAST = RetryPolicy(base_seconds=0.2, cap_seconds=0.5, timeout_seconds=2.0, max_attempts=50)
PINGS = 5


class Receiver:
    """A receiver on a fixed port that can be started after the deliveries were queued."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.got: list[dict[str, Any]] = []

    def __enter__(self) -> Receiver:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                owner.got.append(
                    {"delivery": self.headers["X-PXA-Delivery"], "payload": json.loads(body)}
                )
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def port() -> int:
    return free_port()


def client(api: LiveApi) -> httpx.Client:
    headers = {"Authorization": f"Bearer {api.admin_token}"}
    return httpx.Client(base_url=api.url, headers=headers, timeout=30)


def queue_pings(http: httpx.Client, port: int) -> tuple[str, list[str]]:
    r = http.post(
        "/webhooks",
        json={"url": f"http://127.0.0.1:{port}/hook", "events": ["vm.created"], "secret": SECRET},
    )
    assert r.status_code == 201, r.text
    webhook_id = r.json()["data"]["webhook"]["id"]
    ids = [http.post(f"/webhooks/{webhook_id}/test").json()["data"]["delivery"]["id"]
           for _ in range(PINGS)]  # fmt: skip
    return webhook_id, ids


def deliveries(http: httpx.Client, webhook_id: str) -> dict[str, dict[str, Any]]:
    listed = http.get(f"/webhooks/{webhook_id}/deliveries", params={"limit": 100})
    return {d["id"]: d for d in listed.json()["data"]["deliveries"]}


def wait_until(done: Any, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"{what}: not after {timeout} s"
        time.sleep(0.05)


@pytest.fixture
def api(sandbox: SandboxServer, tmp_path: Path) -> Iterator[LiveApi]:
    live = start_api(sandbox, tmp_path / "api.db")
    live.run(live.infra.webhooks.start(retry=FAST))
    yield live
    live.stop()


def test_a_receiver_down_for_a_while_gets_every_delivery_once_it_is_up(
    api: LiveApi, port: int
) -> None:
    with client(api) as http:
        webhook_id, ids = queue_pings(http, port)
        wait_until(
            lambda: all(d["attempts"] >= 2 for d in deliveries(http, webhook_id).values()),
            "two failed attempts each",
        )
        assert {d["status"] for d in deliveries(http, webhook_id).values()} == {"pending"}
        with Receiver(port) as receiver:
            wait_until(
                lambda: (
                    {d["status"] for d in deliveries(http, webhook_id).values()} == {"delivered"}
                ),
                "every delivery delivered",
            )
            time.sleep(FAST.cap_seconds * 2)  # a duplicate would arrive in this time
        assert sorted(g["delivery"] for g in receiver.got) == sorted(ids)  # each once
        assert all(g["payload"]["webhook"]["attempt"] >= 3 for g in receiver.got)


def test_deliveries_queued_by_one_pxa_are_sent_by_the_next_on_the_same_database(
    sandbox: SandboxServer, tmp_path: Path, port: int
) -> None:
    db = tmp_path / "queue.db"
    first = start_api(sandbox, db)
    with client(first) as http:
        webhook_id, ids = queue_pings(http, port)
    # No dispatcher ran in the first process: it stops holding the whole queue, unsent.
    first.stop()
    with Receiver(port) as receiver:
        second = start_api(sandbox, db)
        try:
            second.run(second.infra.webhooks.start(retry=FAST))
            with client(second) as http:
                wait_until(
                    lambda: (
                        {d["status"] for d in deliveries(http, webhook_id).values()}
                        == {"delivered"}
                    ),
                    "the queued deliveries sent by the restarted pxa",
                )
            time.sleep(FAST.cap_seconds * 2)
        finally:
            second.stop()
    assert sorted(g["delivery"] for g in receiver.got) == sorted(ids)

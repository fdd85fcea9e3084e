"""Retries, backoff and error mapping, against stub servers on 127.0.0.1 (no sandbox).

Most use `httpx.MockTransport`; one runs a real HTTP server that answers 429 with a
Retry-After, to show the wait is honoured over a real socket.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from pxa.sdk import (
    AsyncProxmoxAIClient,
    ConflictError,
    ProxmoxAIClient,
    PxaConnectionError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
)

META = {"request_id": "req_stub", "timestamp": "2026-01-01T00:00:00Z"}
JOBS = {"success": True, "data": {"jobs": [], "total": 0}, "meta": META}
CREATED = {
    "success": True,
    "data": {
        "vm": {
            "id": "vm-102",
            "vmid": 102,
            "name": "app-server-01",
            "status": "creating",
            "creation_job_id": "job_create_vm_102",
        }
    },
    "meta": META,
}


def error(code: str, message: str = "stub error") -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message}, "meta": META}


Answer = tuple[int, dict[str, Any] | str, dict[str, str]]


class Script:
    """Answers requests in order (the last answer repeats) and records them."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body, headers = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(body, str):
            return httpx.Response(status, text=body, headers=headers)
        return httpx.Response(status, json=body, headers=headers)


def stub(
    script: Script | Callable[[httpx.Request], httpx.Response], **options: Any
) -> ProxmoxAIClient:
    options = {"backoff_base": 0.001, "max_retries": 3, **options}
    return ProxmoxAIClient(
        api_token="pxa_stub",
        base_url="http://127.0.0.1:1/v1",
        transport=httpx.MockTransport(script),
        **options,
    )


def test_429_then_success_is_retried_and_returns_the_result() -> None:
    script = Script((429, error("RATE_LIMIT_EXCEEDED"), {"Retry-After": "0"}), (200, JOBS, {}))
    assert stub(script).jobs.list().total == 0
    assert len(script.requests) == 2


def test_503_until_retries_run_out_raises_service_unavailable() -> None:
    script = Script((503, error("SERVICE_UNAVAILABLE", "Proxmox is unreachable"), {}))
    with pytest.raises(ServiceUnavailableError) as caught:
        stub(script, max_retries=2).jobs.list()
    assert len(script.requests) == 3  # the first try and two retries
    assert isinstance(caught.value, ServerError) and caught.value.code == "SERVICE_UNAVAILABLE"
    assert caught.value.request_id == "req_stub"


def test_a_post_is_not_retried_on_500_without_an_idempotency_key() -> None:
    script = Script((500, error("INTERNAL_ERROR"), {}), (201, CREATED, {}))
    with pytest.raises(ServerError) as caught:
        stub(script).vms.create(name="app-server-01", template="ubuntu-22.04")
    assert caught.value.status == 500 and len(script.requests) == 1


def test_a_post_with_an_idempotency_key_is_retried_on_500_with_the_same_key() -> None:
    script = Script((500, error("INTERNAL_ERROR"), {}), (201, CREATED, {}))
    vm = stub(script).vms.create(
        name="app-server-01", template="ubuntu-22.04", idempotency_key="create-app-01"
    )
    assert vm.creation_job_id == "job_create_vm_102"
    assert [r.headers["idempotency-key"] for r in script.requests] == ["create-app-01"] * 2
    assert script.requests[0].content == script.requests[1].content


def test_a_post_is_retried_on_429_and_503_even_without_a_key() -> None:
    script = Script(
        (429, error("RATE_LIMIT_EXCEEDED"), {}),
        (503, error("SERVICE_UNAVAILABLE"), {}),
        (201, CREATED, {}),
    )
    assert stub(script).vms.create(name="app-server-01", template="ubuntu-22.04").id == "vm-102"
    assert len(script.requests) == 3
    assert "idempotency-key" not in script.requests[0].headers


def test_a_keyed_post_still_in_progress_on_the_server_is_retried() -> None:
    busy = (409, error("RESOURCE_CONFLICT", "still being processed"), {"Retry-After": "0"})
    script = Script(busy, (201, CREATED, {}))
    vm = stub(script).vms.create(name="app-server-01", template="x", idempotency_key="k1")
    assert vm.id == "vm-102" and len(script.requests) == 2


def test_a_conflict_without_a_key_is_raised_at_once() -> None:
    script = Script((409, error("RESOURCE_CONFLICT", "already running"), {"Retry-After": "0"}))
    with pytest.raises(ConflictError):
        stub(script).vms.start("vm-100")
    assert len(script.requests) == 1


def test_a_get_is_retried_on_connection_errors_a_plain_post_is_not() -> None:
    calls: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) == 1 or request.method == "POST":
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json=JOBS)

    client = stub(flaky)
    assert client.jobs.list().total == 0 and calls == ["GET", "GET"]
    with pytest.raises(PxaConnectionError) as caught:
        client.vms.start("vm-100")
    assert calls == ["GET", "GET", "POST"] and caught.value.code == "CONNECTION_ERROR"
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def test_a_non_json_answer_is_a_connection_error() -> None:
    script = Script((502, "<html>Bad gateway</html>", {"Content-Type": "text/html"}))
    with pytest.raises(PxaConnectionError) as caught:
        stub(script).vms.create(name="x-01", template="y")
    assert caught.value.status == 502 and caught.value.code == "INVALID_RESPONSE"


def test_a_retry_after_longer_than_max_retry_wait_is_raised_with_its_value() -> None:
    script = Script((429, error("RATE_LIMIT_EXCEEDED"), {"Retry-After": "3600"}))
    with pytest.raises(RateLimitError) as caught:
        stub(script, max_retry_wait=5).jobs.list()
    assert caught.value.retry_after == 3600 and len(script.requests) == 1


def test_backoff_grows_exponentially_with_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    script = Script((503, error("SERVICE_UNAVAILABLE"), {}))
    with pytest.raises(ServiceUnavailableError):
        stub(script, backoff_base=1.0, backoff_max=100, max_retries=4).jobs.list()
    assert len(slept) == 4
    assert all(0 <= s <= 2**i for i, s in enumerate(slept))


def test_requests_carry_the_token_api_version_and_quoted_ids() -> None:
    script = Script((404, error("RESOURCE_NOT_FOUND"), {}))
    with pytest.raises(Exception, match="RESOURCE_NOT_FOUND"):
        stub(script).vms.get("a/../b")
    sent = script.requests[0]
    assert sent.headers["authorization"] == "Bearer pxa_stub"
    assert sent.headers["api-version"] == "v1"
    assert sent.url.raw_path == b"/v1/vms/a%2F..%2Fb"


def test_a_secret_in_a_request_model_is_sent_in_clear() -> None:
    from pxa.models.storage import StorageCreate

    pool = {"id": "p", "name": "p", "type": "pbs", "content": [], "shared": True}
    answer = {"success": True, "data": {"storage": {**pool, "enabled": True, "nodes": []}}}
    script = Script((201, {**answer, "meta": META}, {}))
    spec = StorageCreate(name="pbs2", type="pbs", server="h", datastore="d", password="s3cret")
    stub(script).storage.create(spec)
    assert json.loads(script.requests[0].content)["password"] == "s3cret"


# ---- a real HTTP server --------------------------------------------------------------


@pytest.fixture
def rate_limited() -> Iterator[tuple[str, list[float]]]:
    """A server on 127.0.0.1 answering 429 with Retry-After: 1, then 200; and when."""
    seen: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(time.monotonic())
            first = len(seen) == 1
            body = json.dumps(error("RATE_LIMIT_EXCEEDED") if first else JOBS).encode()
            self.send_response(429 if first else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if first:
                self.send_header("Retry-After", "1")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", seen
    server.shutdown()
    server.server_close()


def test_a_real_server_429_with_retry_after_is_waited_out_then_succeeds(
    rate_limited: tuple[str, list[float]],
) -> None:
    url, seen = rate_limited
    with ProxmoxAIClient(api_token="pxa_stub", base_url=url, backoff_base=0.001) as client:
        assert client.jobs.list().total == 0
    assert len(seen) == 2 and seen[1] - seen[0] >= 0.95


async def test_the_async_client_retries_the_same_way() -> None:
    script = Script((503, error("SERVICE_UNAVAILABLE"), {}), (200, JOBS, {}))

    async def handler(request: httpx.Request) -> httpx.Response:
        return script(request)

    async with AsyncProxmoxAIClient(
        api_token="pxa_stub",
        base_url="http://127.0.0.1:1/v1",
        transport=httpx.MockTransport(handler),
        backoff_base=0.001,
    ) as client:
        assert (await client.jobs.list()).total == 0
    assert len(script.requests) == 2

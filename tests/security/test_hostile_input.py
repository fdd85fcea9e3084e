"""Hostile requests get a clean 4xx in the error envelope, never a 5xx, on every operation.

The operations that take a JSON body come from the app's OpenAPI document, so a new route
is covered without editing this file. Each gets, with a valid admin token (authentication
comes before validation, so anonymous tries would only prove the 401): a body over the
limit (declared, and streamed without a length), JSON nested 100,000 deep, and bytes that
are not UTF-8. Names with path traversal (`../`) are refused wherever a name is given: in
a body, in the URL path, and as an upload's filename.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from support import SPEED, LiveApi, error, no_rate_limits, start_api

from pxa.api.app import create_app
from pxa.sandbox.server import SandboxServer

LIMIT = 64 * 1024  # a small body limit, so "over the limit" is cheap to send
# Operations that reach beyond this machine once their body is valid; bodies here never are.
DOCUMENT = create_app(None).openapi()  # type: ignore[arg-type]
PATH_VALUES = {"vm_id": "web-server-01", "storage_id": "local", "network_id": "vmbr0"}


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "x-1"), path)


def json_body_operations() -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, item in DOCUMENT["paths"].items()
        for method, op in item.items()
        if "application/json" in op.get("requestBody", {}).get("content", {})
    ]


OPERATIONS = json_body_operations()
IDS = [f"{m} {p}" for m, p in OPERATIONS]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    server = SandboxServer(tmp_path_factory.mktemp("hostile") / "sandbox", speed=SPEED)
    server.start()
    api = start_api(
        server,
        tmp_path_factory.mktemp("hostile-db") / "api.db",
        rate_limits=no_rate_limits(),
        max_body_bytes=LIMIT,
        max_upload_bytes=LIMIT,
    )
    yield api
    api.stop()
    server.stop()


@pytest.fixture(scope="module")
def http(live: LiveApi) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {live.admin_token}"}
    with httpx.Client(base_url=live.url.removesuffix("/v1"), headers=headers, timeout=30) as c:
        yield c


def send(http: httpx.Client, method: str, path: str, content: Any) -> httpx.Response:
    return http.request(
        method, concrete(path), content=content, headers={"Content-Type": "application/json"}
    )


def assert_clean_4xx(r: httpx.Response, *allowed: int) -> dict[str, Any]:
    assert r.status_code in allowed, (r.status_code, r.text[:500])
    return error(r)


def test_the_document_has_operations_with_json_bodies() -> None:
    # Guards the parametrisation below: an empty list would make every case vanish.
    assert ("POST", "/v1/vms") in OPERATIONS and len(OPERATIONS) >= 10


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=IDS)
def test_a_body_over_the_limit_is_413(http: httpx.Client, method: str, path: str) -> None:
    r = send(http, method, path, b'{"name": "' + b"a" * (LIMIT + 1) + b'"}')
    assert assert_clean_4xx(r, 413)["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=IDS)
def test_a_streamed_body_over_the_limit_is_413(http: httpx.Client, method: str, path: str) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted as it arrives
        yield b'{"name": "'
        for _ in range(LIMIT // 4096 + 2):
            yield b"a" * 4096
        yield b'"}'

    r = send(http, method, path, chunks())
    assert assert_clean_4xx(r, 413)["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=IDS)
@pytest.mark.parametrize("depth", [1000, 5000])  # under the body limit
def test_deeply_nested_json_is_a_clean_4xx(
    http: httpx.Client, method: str, path: str, depth: int
) -> None:
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        assert_clean_4xx(send(http, method, path, body.encode()), 400, 422)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=IDS)
def test_a_body_that_is_not_utf8_is_a_clean_4xx(http: httpx.Client, method: str, path: str) -> None:
    for body in (b'{"name": "\xff\xfe"}', b"\xc3\x28", b'{"name": "\xed\xa0\x80"}'):
        assert assert_clean_4xx(send(http, method, path, body), 400)["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=IDS)
def test_a_lone_surrogate_escape_is_400(http: httpx.Client, method: str, path: str) -> None:
    # Valid JSON text, but no string holding it can be stored, sent to PVE or echoed back.
    for body in (b'{"name": "\\ud800"}', b'{"description": "x\\udfff", "name": "a"}'):
        assert assert_clean_4xx(send(http, method, path, body), 400)["code"] == "BAD_REQUEST"


def test_a_surrogate_pair_escape_is_a_character_not_an_error(http: httpx.Client) -> None:
    r = send(http, "POST", "/v1/vms", b'{"name": "\\ud83d\\ude00", "template": "debian-12"}')
    assert assert_clean_4xx(r, 422)["details"]["field"] == "name"  # refused as a name only


@pytest.mark.parametrize(
    "path",
    ["/v1/vms?name=%FF", "/v1/vms/%FF%FE", "/v1/jobs?status=%00", "/v1/vms?tags=%ED%A0%80"],
)
def test_bytes_that_are_not_utf8_in_the_url_are_a_clean_4xx(http: httpx.Client, path: str) -> None:
    r = http.get(path)
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        error(r)


TRAVERSAL = ["../etc", "..", "a/../../b", "..%2f..%2fetc", "/etc/passwd", "..\\windows"]


@pytest.mark.parametrize("name", TRAVERSAL)
def test_a_vm_name_with_path_traversal_is_422_naming_name(http: httpx.Client, name: str) -> None:
    r = http.post("/v1/vms", json={"name": name, "template": "debian-12", "start": False})
    assert assert_clean_4xx(r, 422)["details"]["field"] == "name"


@pytest.mark.parametrize("name", TRAVERSAL)
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/storage", {"type": "dir", "path": "/srv/pxa", "content": ["iso"]}),
        ("/v1/networks", {}),
    ],
    ids=["storage", "network"],
)
def test_a_storage_or_network_name_with_path_traversal_is_422_naming_name(
    http: httpx.Client, path: str, body: dict[str, Any], name: str
) -> None:
    r = http.post(path, json={"name": name, **body})
    assert assert_clean_4xx(r, 422)["details"]["field"] == "name"


@pytest.mark.parametrize("name", TRAVERSAL)
def test_a_snapshot_name_with_path_traversal_is_refused(http: httpx.Client, name: str) -> None:
    r = http.post("/v1/vms/web-server-01/snapshots", json={"name": name})
    assert_clean_4xx(r, 400, 422)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/vms/..%2F..%2Fetc",
        "/v1/vms/%2E%2E",
        "/v1/storage/..%2F..%2Fetc/content",
        "/v1/networks/..%2Fvmbr0",
        "/v1/jobs/..%2F..%2Fjobs",
        "/v1/backups/..%2F..%2Fbackup",
    ],
)
def test_path_traversal_in_the_url_is_a_clean_4xx(http: httpx.Client, path: str) -> None:
    r = http.get(path)
    assert_clean_4xx(r, 400, 404, 422)


@pytest.mark.parametrize(
    "filename",
    ["../../etc/passwd.iso", "..\\..\\evil.iso", "/etc/evil.iso", "a/../../evil.iso"],
)
def test_an_upload_filename_with_path_traversal_is_refused(
    http: httpx.Client, filename: str
) -> None:
    files = {"file": (filename, b"\0" * 1024, "application/octet-stream")}
    r = http.post("/v1/storage/local/upload", data={"content": "iso"}, files=files)
    assert_clean_4xx(r, 400, 422)


def test_an_upload_over_its_limit_is_413(http: httpx.Client) -> None:
    files = {"file": ("big.iso", b"\0" * (LIMIT + 1), "application/octet-stream")}
    r = http.post("/v1/storage/local/upload", data={"content": "iso"}, files=files)
    assert assert_clean_4xx(r, 413)["code"] == "PAYLOAD_TOO_LARGE"

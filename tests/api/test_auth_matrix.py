"""Every /v1 operation refuses callers without a valid token holding its permission.

The operations come from the app's OpenAPI document, so a new route is covered without
editing this file. Each operation meets six callers: no token, a malformed one, an unknown
`pxa_` token, an expired one, a revoked one (each → 401 INVALID_TOKEN with its
`details.reason`) and a valid token lacking the operation's permission (→ 403
INSUFFICIENT_PERMISSIONS). Authentication comes before validation, so path values are merely
plausible and every body is `{}`.
"""

from __future__ import annotations

import importlib
import re
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from support import LiveApi

from pxa.api.app import ROUTERS, create_app
from pxa.api.deps import Allowed
from pxa.core.catalogue import load_all
from pxa.core.tokens import Principal, all_scopes
from pxa.models.token import TokenCreate

# Operations anyone may call, and why. Every other operation in the document needs a token.
PUBLIC = {
    # Liveness and readiness probes (load balancers, monitors) carry no credentials.
    ("GET", "/v1/health"): "probe",
    # What a client discovers before it has a token: API versions and the permission names
    # it may ask for. (It also shows proxmox_url, telling anyone where the cluster is: a
    # candidate for leaving out of the anonymous answer.)
    ("GET", "/v1/info"): "discovery",
    # Built only from the OpenAPI document, which is public itself.
    ("GET", "/v1/postman/collection.json"): "derived from the public OpenAPI document",
}
# Served but not operations of the document: the document itself and its Swagger UI.
PUBLIC_DOCUMENTS = ("/v1/openapi.json", "/v1/docs")

# Plausible values for path parameters, by name; anything else gets FALLBACK_VALUE.
PATH_VALUES = {
    "vm_id": "vm-100",
    "token_id": "tok_0000000000000000",
    "job_id": "job_0000000000000000",
    "snapshot_id": "pre-upgrade",
    "network_id": "vmbr0",
    "rule_id": "1",
    "storage_id": "local",
    "backup_id": "backup-0000",
    "schedule_id": "backup-0000",
    "scan_id": "scan_0000000000000000",
    "finding_id": "1",
    "webhook_id": "wh_0000000000000000",
}
FALLBACK_VALUE = "x-1"

# The app without a core describes the same routes as the served one (checked below).
DOCUMENT = create_app(None).openapi()  # type: ignore[arg-type]


def operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "patch")
    ]


PROTECTED = [op for op in operations(DOCUMENT) if op not in PUBLIC]
CALLERS = {
    # caller → the details.reason the 401 must carry (None: a 403 is expected instead)
    "no_token": "missing_token",
    "malformed": "malformed",
    "wrong": "unknown_token",
    "expired": "expired",
    "revoked": "revoked",
    "missing_scope": None,
}


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), FALLBACK_VALUE), path)


@pytest.fixture(scope="module")
def api(unlimited_api: LiveApi) -> LiveApi:
    return unlimited_api


@pytest.fixture(scope="module")
def client(api: LiveApi) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url.removesuffix("/v1"), timeout=30) as http:
        yield http


@pytest.fixture(scope="module")
def tokens(api: LiveApi) -> dict[str, str]:
    """A token (the Authorization value) for each kind of caller."""
    service = api.infra.tokens
    admin = Principal(id="matrix-admin", scopes=frozenset(all_scopes()), kind="user")

    def make(name: str, scopes: list[str], expires_in: int | None = None) -> tuple[str, str]:
        made = service.create(
            TokenCreate(name=name, permissions=scopes, expires_in=expires_in), admin
        )
        return made.token_id, made.access_token

    expired_id, expired = make("expired", ["vm:read"], expires_in=60)
    past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    with api.infra.database.lock:
        api.infra.database.db.table("tokens").update(expired_id, {"expires_at": past})
    revoked_id, revoked = make("revoked", all_scopes())
    service.revoke(revoked_id)
    return {
        "malformed": "Bearer nope",
        "wrong": "Bearer pxa_" + secrets.token_hex(16),
        "expired": f"Bearer {expired}",
        "revoked": f"Bearer {revoked}",
        "monitoring:read": f"Bearer {make('monitoring-only', ['monitoring:read'])[1]}",
        "vm:read": f"Bearer {make('vm-read-only', ['vm:read'])[1]}",
    }


def declared_scopes() -> dict[tuple[str, str], str]:
    """(method, path) → the permission the route's `Allowed` dependency asks for."""
    found: dict[tuple[str, str], str] = {}
    for name in ROUTERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue  # a domain create_app skips too
        for route in module.router.routes:
            if not isinstance(route, APIRoute):
                continue
            pending = list(route.dependant.dependencies)
            while pending:
                dep = pending.pop()
                if isinstance(dep.call, Allowed):
                    allowed = dep.call
                    scope = allowed.scope or load_all()[str(allowed.operation)].scope
                    for method in route.methods:
                        found[(method, f"/v1{route.path}")] = scope
                pending.extend(dep.dependencies)
    return found


SCOPES = declared_scopes()
# Protected operations that authenticate in their handler instead of through `Allowed`.
SELF_AUTHENTICATING = {
    # Accepts Basic (the local admin) as well as a bearer token holding token:write.
    ("POST", "/v1/auth/tokens"): "token:write",
}
# Operations that validate the request before they authenticate: an anonymous `{}` gets 422.
# The handler should authenticate first; until it does these cases are expected to fail.
VALIDATES_FIRST: dict[tuple[str, str], str] = {}  # routes that validate before auth: none


def authorization_for(caller: str, scope: str, tokens: dict[str, str]) -> str | None:
    if caller == "no_token":
        return None
    if caller == "missing_scope":
        # A valid token whose one permission is not the one the operation needs.
        return tokens["vm:read" if scope == "monitoring:read" else "monitoring:read"]
    return tokens[caller]


def matrix() -> list[Any]:
    cases = []
    for method, path in PROTECTED:
        for caller in CALLERS:
            marks = []
            if (method, path) in VALIDATES_FIRST:
                marks = [pytest.mark.xfail(strict=True, reason=VALIDATES_FIRST[(method, path)])]
            cases.append(
                pytest.param(method, path, caller, marks=marks, id=f"{method} {path} {caller}")
            )
    return cases


def assert_refused(r: httpx.Response, caller: str) -> None:
    error = r.json()["error"]
    reason = CALLERS[caller]
    if reason is None:
        assert (r.status_code, error["code"]) == (403, "INSUFFICIENT_PERMISSIONS"), r.text
    else:
        assert (r.status_code, error["code"]) == (401, "INVALID_TOKEN"), r.text
        assert error["details"]["reason"] == reason, r.text


@pytest.mark.parametrize(("method", "path", "caller"), matrix())
def test_operation_refuses_the_caller(
    client: httpx.Client, tokens: dict[str, str], method: str, path: str, caller: str
) -> None:
    scope = SCOPES.get((method, path)) or SELF_AUTHENTICATING[(method, path)]
    authorization = authorization_for(caller, scope, tokens)
    headers = {"Authorization": authorization} if authorization else {}
    body = {} if method in ("POST", "PUT", "PATCH") else None
    assert_refused(client.request(method, concrete(path), headers=headers, json=body), caller)


@pytest.mark.parametrize("caller", list(CALLERS))
def test_token_creation_with_a_valid_body_refuses_the_caller(
    client: httpx.Client, tokens: dict[str, str], caller: str
) -> None:
    authorization = authorization_for(caller, "token:write", tokens)
    headers = {"Authorization": authorization} if authorization else {}
    body = {"name": "matrix", "permissions": ["vm:read"]}
    assert_refused(client.post("/v1/auth/tokens", headers=headers, json=body), caller)


@pytest.mark.parametrize(("method", "path"), PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_every_protected_operation_declares_its_permission(method: str, path: str) -> None:
    assert (method, path) in SCOPES or (method, path) in SELF_AUTHENTICATING


@pytest.mark.parametrize(("method", "path"), list(PUBLIC), ids=[f"{m} {p}" for m, p in PUBLIC])
def test_public_operation_answers_without_a_token(
    client: httpx.Client, method: str, path: str
) -> None:
    assert client.request(method, path).status_code == 200


@pytest.mark.parametrize("path", PUBLIC_DOCUMENTS)
def test_api_documents_are_public(client: httpx.Client, path: str) -> None:
    assert client.get(path).status_code == 200


def test_public_operations_exist(client: httpx.Client) -> None:
    # A public entry for a route that is gone would silently stop protecting nothing.
    assert set(PUBLIC) <= set(operations(client.get("/v1/openapi.json").json()))


def test_the_matrix_covers_the_served_document(client: httpx.Client) -> None:
    served = operations(client.get("/v1/openapi.json").json())
    assert sorted(served) == sorted(operations(DOCUMENT))


def test_token_creation_accepts_the_admin_password(client: httpx.Client, api: LiveApi) -> None:
    api.infra.tokens.set_password("admin", "correct horse battery")
    r = client.post(
        "/v1/auth/tokens",
        json={"name": "via-basic", "permissions": ["vm:read"]},
        auth=("admin", "correct horse battery"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["data"]["access_token"].startswith("pxa_")


def test_token_creation_with_a_wrong_password_is_401_invalid_credentials(
    client: httpx.Client, api: LiveApi
) -> None:
    api.infra.tokens.set_password("admin", "correct horse battery")
    r = client.post(
        "/v1/auth/tokens",
        json={"name": "via-basic", "permissions": ["vm:read"]},
        auth=("admin", "wrong horse battery"),
    )
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "INVALID_CREDENTIALS"


def test_basic_auth_is_refused_everywhere_else(client: httpx.Client, api: LiveApi) -> None:
    api.infra.tokens.set_password("admin", "correct horse battery")
    r = client.get("/v1/vms", auth=("admin", "correct horse battery"))
    assert r.status_code == 401
    assert r.json()["error"]["details"]["reason"] == "malformed"

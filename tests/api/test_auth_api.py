"""/v1/auth/tokens: Basic auth as the local admin, scopes never beyond the creator's, revoke."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
from support import LiveApi

from pxa.core.tokens import Principal
from pxa.models.token import TokenCreate

BODY = {
    "name": "deployment-automation",
    "description": "Token for CI/CD deployment automation",
    "expires_in": 2592000,
    "permissions": ["vm:read", "vm:write", "network:read"],
}


def test_the_admin_creates_a_token_with_basic_auth_in_the_seeds_shape(
    api: LiveApi, anon: httpx.Client
) -> None:
    api.infra.tokens.set_password("admin", "correct horse battery")
    r = anon.post("/auth/tokens", json=BODY, auth=("admin", "correct horse battery"))
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert data["token_id"].startswith("tok_") and len(data["token_id"]) == 20
    assert data["access_token"].startswith("pxa_") and len(data["access_token"]) == 36
    assert data["token_type"] == "bearer" and data["permissions"] == sorted(BODY["permissions"])
    assert data["expires_at"]
    listed = anon.get("/vms", headers={"Authorization": f"Bearer {data['access_token']}"})
    assert listed.status_code == 200


def test_a_wrong_password_is_invalid_credentials(api: LiveApi, anon: httpx.Client) -> None:
    api.infra.tokens.set_password("admin", "correct horse battery")
    r = anon.post("/auth/tokens", json=BODY, auth=("admin", "wrong"))
    assert r.status_code == 401
    err = r.json()["error"]
    assert err["code"] == "INVALID_CREDENTIALS"
    assert err["details"] == {"field": "password", "reason": "authentication_failed"}


def test_an_unknown_user_looks_the_same_as_a_wrong_password(anon: httpx.Client) -> None:
    r = anon.post("/auth/tokens", json=BODY, auth=("nobody", "whatever-it-is"))
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_CREDENTIALS"


def test_a_token_cannot_grant_scopes_its_creator_lacks(api: LiveApi, anon: httpx.Client) -> None:
    limited = api.infra.tokens.create(
        TokenCreate(name="limited", permissions=["token:write", "vm:read"]),
        Principal(id="t", scopes=frozenset({"token:write", "vm:read"})),
    )
    headers = {"Authorization": f"Bearer {limited.access_token}"}
    r = anon.post("/auth/tokens", json=BODY, headers=headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
    ok = anon.post("/auth/tokens", json={**BODY, "permissions": ["vm:read"]}, headers=headers)
    assert ok.status_code == 201


def test_an_unknown_permission_is_a_validation_error(http: httpx.Client) -> None:
    r = http.post("/auth/tokens", json={**BODY, "permissions": ["vm:destroy-everything"]})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "permissions"


def test_a_revoked_token_is_refused_with_its_reason(http: httpx.Client, anon: httpx.Client) -> None:
    made = http.post("/auth/tokens", json=BODY).json()["data"]
    r = http.delete(f"/auth/tokens/{made['token_id']}")
    assert r.status_code == 200 and r.json()["message"] == "Token revoked successfully"
    refused = anon.get("/vms", headers={"Authorization": f"Bearer {made['access_token']}"})
    assert refused.status_code == 401
    assert refused.json()["error"]["details"]["reason"] == "revoked"


def test_tokens_are_stored_only_as_hashes(api: LiveApi, http: httpx.Client) -> None:
    made = http.post("/auth/tokens", json=BODY).json()["data"]
    rows = list(api.infra.database.db.query("select * from tokens"))
    assert made["access_token"] not in str(rows)
    listed = http.get("/auth/tokens").json()["data"]["tokens"]
    assert all("access_token" not in t for t in listed)


def test_the_command_line_creates_a_usable_token(api: LiveApi, anon: httpx.Client) -> None:
    # The CLI opens <PXA_DATA_DIR>/pxa.db: point it at the running API's database.
    db_dir = api.infra.database.path.parent
    env = {**os.environ, "PXA_DATA_DIR": str(db_dir)}
    (db_dir / "pxa.db").unlink(missing_ok=True)
    (db_dir / "pxa.db").symlink_to(api.infra.database.path)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pxa",
            "token",
            "create",
            "--name",
            "cli",
            "--permissions",
            "vm:read",
            "--expires-in",
            "3600",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip()
    assert token.startswith("pxa_")
    assert anon.get("/vms", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_tokens_last_use_is_recorded_at_most_once_a_minute(api: LiveApi) -> None:
    from datetime import UTC, datetime, timedelta

    admin = Principal(id="test-admin", scopes=frozenset(["vm:read"]), kind="user")
    made = api.infra.tokens.create(TokenCreate(name="seen", permissions=["vm:read"]), admin)

    def last_used() -> str | None:
        return api.infra.tokens.repo.row(made.token_id)["last_used_at"]  # type: ignore[index]

    assert last_used() is None
    api.infra.tokens.verify(made.access_token)
    first = last_used()
    assert first is not None
    api.infra.tokens.verify(made.access_token)
    assert last_used() == first  # a second use within the minute writes nothing
    earlier = (datetime.now(UTC) - timedelta(minutes=2)).isoformat()
    with api.infra.database.lock:
        api.infra.database.db.table("tokens").update(made.token_id, {"last_used_at": earlier})
    api.infra.tokens.verify(made.access_token)
    assert last_used() not in (None, earlier)

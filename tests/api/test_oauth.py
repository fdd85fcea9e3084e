"""OAuth 2.0 bearer tokens: the API verifies an issuer's JWTs against its JWKS.

The issuer is simulated: RSA and EC keys made here, their JWKS served on a loopback port by
a tiny HTTP server in a thread, tokens signed with PyJWT (or forged by hand).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from support import SPEED, LiveApi, start_api

from pxa.api.oauth import AuthProviderUnavailable, OAuthVerifier
from pxa.config import ApiSection, Settings
from pxa.core.tokens import InvalidToken
from pxa.sandbox.server import SandboxServer

ISSUER = "https://id.example.test/realms/infra"
AUDIENCE = "pxa-api"


# --- the simulated issuer ---------------------------------------------------------------


@dataclass
class Issuer:
    """Signing keys by kid, and the JWKS the server publishes (a subset, or none when down)."""

    keys: dict[str, Any]
    published: list[str]
    down: bool = False
    hits: int = 0
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def jwks(self) -> dict[str, Any]:
        out = []
        for kid in self.published:
            public = self.keys[kid].public_key()
            algo = RSAAlgorithm if isinstance(public, rsa.RSAPublicKey) else ECAlgorithm
            out.append({**algo.to_jwk(public, as_dict=True), "kid": kid, "use": "sig"})
        return {"keys": out}

    def token(
        self, kid: str | None = "rsa-1", alg: str = "RS256", lifetime: int = 300, **claims: Any
    ) -> str:
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "alice",
            "iat": now,
            "exp": now + lifetime,
            "scope": "vm:read",
            **claims,
        }
        payload = {k: v for k, v in payload.items() if v is not None}  # None: leave it out
        headers = {"kid": kid} if kid else {}
        signing_kid = kid or "rsa-1"
        return jwt.encode(payload, self.keys[signing_kid], algorithm=alg, headers=headers)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(header: dict[str, Any], payload: dict[str, Any], secret: bytes | None) -> str:
    """A JWT built by hand: unsigned (`secret` None) or HMAC-SHA256 with `secret`."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    if secret is None:
        return signing_input + "."
    digest = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(digest)}"


def claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": ISSUER, "aud": AUDIENCE, "sub": "mallory", "exp": now + 300, **extra}


class _Handler(BaseHTTPRequestHandler):
    issuer: Issuer

    def do_GET(self) -> None:
        with self.issuer.lock:
            self.issuer.hits += 1
            down, body = self.issuer.down, json.dumps(self.issuer.jwks()).encode()
        if down:
            self.send_response(503)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def serve_issuer(issuer: Issuer) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"issuer": issuer})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    issuer.url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    return server


def dead_url() -> str:
    """A loopback URL on which nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/jwks.json"


@pytest.fixture(scope="module")
def signing_keys() -> dict[str, Any]:
    return {
        "rsa-1": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "rsa-2": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "rsa-rogue": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ec-1": ec.generate_private_key(ec.SECP256R1()),
    }


@pytest.fixture
def issuer(signing_keys: dict[str, Any]) -> Iterator[Issuer]:
    """A fresh issuer for tests that drive a verifier directly."""
    made = Issuer(keys=signing_keys, published=["rsa-1", "ec-1"])
    server = serve_issuer(made)
    yield made
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def shared_issuer(signing_keys: dict[str, Any]) -> Iterator[Issuer]:
    made = Issuer(keys=signing_keys, published=["rsa-1", "ec-1"])
    server = serve_issuer(made)
    yield made
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def module_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    server = SandboxServer(tmp_path_factory.mktemp("oauth") / "sandbox", speed=SPEED)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def oauth_api(
    module_sandbox: SandboxServer, shared_issuer: Issuer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveApi]:
    # No refetch interval, so the key-rotation test sees a new kid at once; the interval
    # itself is tested on a verifier of its own.
    verifier = OAuthVerifier(
        issuer=ISSUER, audience=AUDIENCE, jwks_url=shared_issuer.url, min_refetch_seconds=0
    )
    live = start_api(module_sandbox, tmp_path_factory.mktemp("oauth-db") / "api.db", oauth=verifier)
    yield live
    live.stop()


@pytest.fixture
def client(oauth_api: LiveApi) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=oauth_api.url, timeout=30) as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_invalid(response: httpx.Response, reason: str) -> None:
    assert response.status_code == 401, response.text
    error = response.json()["error"]
    assert error["code"] == "INVALID_TOKEN"
    assert error["details"]["reason"] == reason


# --- through the API --------------------------------------------------------------------


def test_rs256_token_with_vm_read_lists_vms(client: httpx.Client, shared_issuer: Issuer) -> None:
    r = client.get("/vms", params={"limit": 2}, headers=bearer(shared_issuer.token()))
    assert r.status_code == 200, r.text
    assert len(r.json()["data"]["vms"]) == 2


def test_es256_token_is_accepted(client: httpx.Client, shared_issuer: Issuer) -> None:
    token = shared_issuer.token(kid="ec-1", alg="ES256")
    assert client.get("/vms", params={"limit": 1}, headers=bearer(token)).status_code == 200


def test_expired_token_is_401_expired(client: httpx.Client, shared_issuer: Issuer) -> None:
    token = shared_issuer.token(lifetime=-120)  # beyond the 30 s leeway
    assert_invalid(client.get("/vms", headers=bearer(token)), "expired")


def test_token_expired_within_the_leeway_is_still_accepted(
    client: httpx.Client, shared_issuer: Issuer
) -> None:
    token = shared_issuer.token(lifetime=-5)
    assert client.get("/vms", params={"limit": 1}, headers=bearer(token)).status_code == 200


@pytest.mark.parametrize(
    ("claim", "value", "reason"),
    [
        ("iss", "https://evil.example.test/", "wrong_issuer"),
        ("aud", "another-api", "wrong_audience"),
        ("iss", None, "wrong_issuer"),
        ("aud", None, "wrong_audience"),
    ],
    ids=["wrong-issuer", "wrong-audience", "no-issuer", "no-audience"],
)
def test_token_for_another_issuer_or_audience_is_401(
    client: httpx.Client, shared_issuer: Issuer, claim: str, value: str | None, reason: str
) -> None:
    token = shared_issuer.token(**{claim: value})
    assert_invalid(client.get("/vms", headers=bearer(token)), reason)


def test_token_signed_by_a_key_the_issuer_never_published_is_401_unknown_key(
    client: httpx.Client, shared_issuer: Issuer
) -> None:
    token = shared_issuer.token(kid="rsa-rogue")
    assert_invalid(client.get("/vms", headers=bearer(token)), "unknown_key")


def test_token_naming_a_known_kid_but_signed_by_another_key_is_401_bad_signature(
    client: httpx.Client, shared_issuer: Issuer, signing_keys: dict[str, Any]
) -> None:
    payload = claims(scope="vm:read")
    token = jwt.encode(
        payload, signing_keys["rsa-rogue"], algorithm="RS256", headers={"kid": "rsa-1"}
    )
    assert_invalid(client.get("/vms", headers=bearer(token)), "bad_signature")


def test_unsigned_alg_none_token_is_401(client: httpx.Client) -> None:
    token = forged({"alg": "none", "typ": "JWT", "kid": "rsa-1"}, claims(scope="vm:read"), None)
    assert_invalid(client.get("/vms", headers=bearer(token)), "bad_signature")


def test_hs256_token_signed_with_the_public_key_is_401(
    client: httpx.Client, signing_keys: dict[str, Any]
) -> None:
    public_pem = (
        signing_keys["rsa-1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    token = forged(
        {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}, claims(scope="vm:read"), public_pem
    )
    assert_invalid(client.get("/vms", headers=bearer(token)), "bad_signature")


def test_garbage_bearer_token_is_401_malformed(client: httpx.Client) -> None:
    assert_invalid(client.get("/vms", headers=bearer("not.a.jwt")), "malformed")


def test_token_without_the_scope_is_403_insufficient_permissions(
    client: httpx.Client, shared_issuer: Issuer
) -> None:
    token = shared_issuer.token(scope="vm:read")
    r = client.post("/vms/vm-100/start", headers=bearer(token))
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"


def test_scopes_pxa_does_not_know_grant_nothing(
    client: httpx.Client, shared_issuer: Issuer
) -> None:
    token = shared_issuer.token(scope="openid profile admin vm:*")
    assert client.get("/vms", headers=bearer(token)).status_code == 403


def test_a_key_rotated_in_later_is_found_by_refetching(
    client: httpx.Client, shared_issuer: Issuer
) -> None:
    token = shared_issuer.token(kid="rsa-2")
    assert (
        client.get("/vms", params={"limit": 1}, headers=bearer(shared_issuer.token())).status_code
        == 200
    )
    shared_issuer.published.append("rsa-2")
    try:
        r = client.get("/vms", params={"limit": 1}, headers=bearer(token))
    finally:
        shared_issuer.published.remove("rsa-2")
    assert r.status_code == 200, r.text


def test_token_created_by_an_oauth_caller_names_its_subject(
    client: httpx.Client, oauth_api: LiveApi, shared_issuer: Issuer
) -> None:
    token = shared_issuer.token(sub="bob", scope="vm:read token:write")
    r = client.post(
        "/auth/tokens", json={"name": "from-sso", "permissions": ["vm:read"]}, headers=bearer(token)
    )
    assert r.status_code == 201, r.text
    created = oauth_api.infra.tokens.repo.row(r.json()["data"]["token_id"])
    assert created is not None and created["created_by"] == "oauth:bob"


def test_pxa_tokens_still_work_next_to_oauth(client: httpx.Client, oauth_api: LiveApi) -> None:
    r = client.get("/vms", params={"limit": 1}, headers=bearer(oauth_api.admin_token))
    assert r.status_code == 200


def test_jwks_endpoint_down_is_503_auth_provider_unavailable(
    module_sandbox: SandboxServer, shared_issuer: Issuer, tmp_path: Path
) -> None:
    verifier = OAuthVerifier(issuer=ISSUER, audience=AUDIENCE, jwks_url=dead_url())
    live = start_api(module_sandbox, tmp_path / "down.db", oauth=verifier)
    try:
        r = httpx.get(f"{live.url}/vms", headers=bearer(shared_issuer.token()), timeout=30)
    finally:
        live.stop()
    assert r.status_code == 503, r.text
    assert r.json()["success"] is False
    assert r.json()["error"]["code"] == "AUTH_PROVIDER_UNAVAILABLE"
    assert "Errno" not in r.text  # the cause is logged, not told the caller


# --- the verifier on its own ------------------------------------------------------------


def verifier_for(issuer: Issuer, **options: Any) -> OAuthVerifier:
    return OAuthVerifier(issuer=ISSUER, audience=AUDIENCE, jwks_url=issuer.url, **options)


async def reason_of(verifier: OAuthVerifier, token: str) -> str:
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(token)
    return caught.value.details["reason"]


async def test_principal_is_the_subject_with_the_known_scopes(issuer: Issuer) -> None:
    principal = await verifier_for(issuer).verify(issuer.token(scope="vm:read openid vm:write"))
    assert principal.id == "oauth:alice"
    assert principal.kind == "oauth"
    assert principal.scopes == {"vm:read", "vm:write"}


@pytest.mark.parametrize("claim", ["scp", "permissions"])
async def test_scopes_can_come_from_a_list_claim(issuer: Issuer, claim: str) -> None:
    verifier = verifier_for(issuer, scopes_claim=claim)
    token = issuer.token(scope=None, **{claim: ["vm:read", "backup:read", "email"]})
    assert (await verifier.verify(token)).scopes == {"vm:read", "backup:read"}


async def test_keys_are_fetched_once_while_cached(issuer: Issuer) -> None:
    verifier = verifier_for(issuer)
    for _ in range(5):
        await verifier.verify(issuer.token())
        await verifier.verify(issuer.token(kid="ec-1", alg="ES256"))
    assert issuer.hits == 1


async def test_concurrent_first_requests_share_one_fetch(issuer: Issuer) -> None:
    verifier = verifier_for(issuer)
    principals = await asyncio.gather(*(verifier.verify(issuer.token()) for _ in range(10)))
    assert {p.id for p in principals} == {"oauth:alice"}
    assert issuer.hits == 1


async def test_concurrent_first_requests_all_see_the_issuer_down(issuer: Issuer) -> None:
    issuer.down = True
    verifier = verifier_for(issuer)
    results = await asyncio.gather(
        *(verifier.verify(issuer.token()) for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, AuthProviderUnavailable) for r in results), results
    assert issuer.hits == 1


async def test_a_flood_of_unknown_kids_fetches_at_most_once_per_interval(issuer: Issuer) -> None:
    verifier = verifier_for(issuer, min_refetch_seconds=60)
    await verifier.verify(issuer.token())
    for n in range(50):
        token = jwt.encode(
            claims(), issuer.keys["rsa-rogue"], algorithm="RS256", headers={"kid": f"k{n}"}
        )
        assert await reason_of(verifier, token) == "unknown_key"
    assert issuer.hits == 1


async def test_unknown_kid_refetches_once_the_interval_has_passed(issuer: Issuer) -> None:
    verifier = verifier_for(issuer, min_refetch_seconds=0.2)
    await verifier.verify(issuer.token())
    issuer.published.append("rsa-2")
    assert await reason_of(verifier, issuer.token(kid="rsa-2")) == "unknown_key"
    await asyncio.sleep(0.25)
    assert (await verifier.verify(issuer.token(kid="rsa-2"))).id == "oauth:alice"
    assert issuer.hits == 2


async def test_token_without_kid_is_checked_against_each_key(issuer: Issuer) -> None:
    assert (await verifier_for(issuer).verify(issuer.token(kid=None))).id == "oauth:alice"


async def test_cached_keys_outlive_an_issuer_outage(issuer: Issuer) -> None:
    verifier = verifier_for(issuer, cache_seconds=0, min_refetch_seconds=0)
    await verifier.verify(issuer.token())
    issuer.down = True
    assert (await verifier.verify(issuer.token())).id == "oauth:alice"
    assert issuer.hits == 2


async def test_issuer_answering_an_error_is_unavailable(issuer: Issuer) -> None:
    issuer.down = True
    with pytest.raises(AuthProviderUnavailable) as caught:
        await verifier_for(issuer).verify(issuer.token())
    assert caught.value.http_status == 503
    assert caught.value.cause == "HTTP 503"


async def test_unreachable_issuer_is_not_retried_on_every_request() -> None:
    verifier = OAuthVerifier(issuer=ISSUER, audience=AUDIENCE, jwks_url=dead_url())
    for _ in range(3):
        with pytest.raises(AuthProviderUnavailable):
            await verifier.verify(forged({"alg": "RS256", "kid": "x"}, claims(), b"x"))
    assert verifier.jwks.fetches == 1


async def test_token_not_yet_valid_is_refused(issuer: Issuer) -> None:
    token = issuer.token(nbf=int(time.time()) + 600)
    assert await reason_of(verifier_for(issuer), token) == "not_yet_valid"


async def test_token_without_exp_is_malformed(issuer: Issuer) -> None:
    token = jwt.encode(
        {k: v for k, v in claims().items() if k != "exp"},
        issuer.keys["rsa-1"],
        algorithm="RS256",
        headers={"kid": "rsa-1"},
    )
    assert await reason_of(verifier_for(issuer), token) == "malformed"


async def test_algorithm_not_configured_is_refused(issuer: Issuer) -> None:
    verifier = verifier_for(issuer, algorithms=["RS256"])
    assert await reason_of(verifier, issuer.token(kid="ec-1", alg="ES256")) == "bad_signature"


async def test_key_of_the_wrong_type_for_the_algorithm_is_refused(issuer: Issuer) -> None:
    # Signed with the RSA key but claiming the EC key's kid: the EC key cannot verify RS256.
    token = jwt.encode(claims(), issuer.keys["rsa-1"], algorithm="RS256", headers={"kid": "ec-1"})
    assert await reason_of(verifier_for(issuer), token) == "bad_signature"


@pytest.mark.parametrize("algorithms", [["none"], ["HS256"], ["RS256", "HS512"], []])
def test_verifier_refuses_symmetric_or_no_algorithms(algorithms: list[str]) -> None:
    with pytest.raises(ValueError, match="refused"):
        OAuthVerifier(
            issuer=ISSUER, audience=AUDIENCE, jwks_url="https://x/", algorithms=algorithms
        )


# --- settings ---------------------------------------------------------------------------


def test_no_oauth_settings_means_no_verifier() -> None:
    assert OAuthVerifier.from_settings(Settings().api) is None


def test_settings_build_the_verifier() -> None:
    api = ApiSection(
        oauth_issuer=ISSUER,
        oauth_audience=AUDIENCE,
        oauth_jwks_url="https://id.example.test/jwks.json",
        oauth_algorithms="ES256, PS256",
        oauth_scopes_claim="scp",
    )
    verifier = OAuthVerifier.from_settings(api)
    assert verifier is not None
    assert verifier.algorithms == ("ES256", "PS256")
    assert (verifier.issuer, verifier.audience, verifier.scopes_claim) == (ISSUER, AUDIENCE, "scp")


@pytest.mark.parametrize(
    "url",
    ["http://id.example.test/jwks.json", "ftp://id.example.test/jwks", "id.example.test/jwks"],
)
def test_jwks_url_must_be_https_or_loopback_http(url: str) -> None:
    with pytest.raises(ValueError, match="https"):
        ApiSection(oauth_issuer=ISSUER, oauth_audience=AUDIENCE, oauth_jwks_url=url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/jwks", "http://localhost/jwks", "http://[::1]:9/k"]
)
def test_jwks_url_may_be_plain_http_on_loopback(url: str) -> None:
    ApiSection(oauth_issuer=ISSUER, oauth_audience=AUDIENCE, oauth_jwks_url=url)


@pytest.mark.parametrize("algorithms", ["none", "HS256", "RS256 HS384", ""])
def test_settings_refuse_symmetric_algorithms(algorithms: str) -> None:
    with pytest.raises(ValueError, match="never accepted"):
        ApiSection(oauth_algorithms=algorithms)


def test_issuer_without_audience_and_keys_is_refused() -> None:
    with pytest.raises(ValueError, match="go together"):
        ApiSection(oauth_issuer=ISSUER)

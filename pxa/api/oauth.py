"""OAuth 2.0 bearer tokens: the /v1 API as a resource server for an external issuer.

`OAuthVerifier.verify(token)` checks a JWT access token's signature against the issuer's
published keys (its JWKS), then `iss`, `aud`, `exp`/`nbf` and `sub`, and returns a `Principal`
whose scopes are the token's scope claim intersected with pxa's own. `authenticate`
(deps.py) hands it every bearer token that is not a `pxa_` token.

Only asymmetric algorithms are accepted — never `none`, never HS*: an HMAC "signed" with the
issuer's public key is the classic forgery. Keys are cached for `cache_seconds`; a key id the
cache lacks (the issuer rotated its keys) triggers a refetch, but fetches are at least
`min_refetch_seconds` apart, so a flood of made-up key ids cannot hammer the issuer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import httpx
import jwt

from pxa.config.settings import OAUTH_ALGORITHMS
from pxa.core.tokens import InvalidToken, Principal, all_scopes
from pxa.errors import BackendUnavailable

if TYPE_CHECKING:
    from pxa.config.settings import ApiSection

log = logging.getLogger(__name__)

KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}  # alg prefix → JWK kty
MAX_JWKS_BYTES = 1 << 20
MAX_KEYS = 64  # issuers publish a handful; a token without kid is tried against each
MIN_REFETCH_SECONDS = 10.0
REQUIRED_CLAIMS = ["exp", "iss", "aud", "sub"]


class AuthProviderUnavailable(BackendUnavailable):
    """The OAuth issuer's keys cannot be fetched, so none of its tokens can be checked.

    `cause` (refused, timeout, HTTP 500...) is logged for the operator, not told the caller.
    """

    code = "AUTH_PROVIDER_UNAVAILABLE"
    cause = ""


def _invalid(reason: str, message: str) -> InvalidToken:
    return InvalidToken(message, details={"reason": reason})


class JwksCache:
    """The issuer's signing keys (JWK dicts), fetched with httpx and cached."""

    def __init__(
        self,
        url: str,
        *,
        cache_seconds: float = 300.0,
        min_refetch_seconds: float = MIN_REFETCH_SECONDS,
        timeout_seconds: float = 5.0,
    ) -> None:
        self.url, self.cache_seconds = url, cache_seconds
        self.min_refetch_seconds, self.timeout_seconds = min_refetch_seconds, timeout_seconds
        self.fetches = 0
        self._keys: list[dict[str, Any]] | None = None
        self._fetched_at = self._attempted_at = -math.inf
        self._completed = 0  # fetches finished, well or not
        self._lock = asyncio.Lock()

    async def keys(self, kid: str | None) -> list[dict[str, Any]]:
        """The keys that may have signed a token naming `kid` (all keys when it names none)."""
        if self._keys is None:
            if self._may_fetch() or self._lock.locked():
                await self._refresh(keep_stale=False)
            if self._keys is None:  # this fetch, or the one this request waited for, failed
                raise _unavailable("the issuer's key set could not be fetched")
        elif time.monotonic() - self._fetched_at >= self.cache_seconds and self._may_fetch():
            await self._refresh(keep_stale=True)
        found = self._matching(kid)
        if not found and kid is not None and (self._may_fetch() or self._lock.locked()):
            await self._refresh(keep_stale=False)  # a new kid: the issuer may have rotated keys
            found = self._matching(kid)
        return found

    def _matching(self, kid: str | None) -> list[dict[str, Any]]:
        return [k for k in self._keys or [] if kid is None or k.get("kid") == kid]

    def _may_fetch(self) -> bool:
        return time.monotonic() - self._attempted_at >= self.min_refetch_seconds

    async def _refresh(self, *, keep_stale: bool) -> None:
        seen = self._completed
        async with self._lock:
            if self._completed != seen:
                return  # a fetch finished while this request waited: share its outcome
            self._attempted_at = time.monotonic()
            self.fetches += 1
            try:
                keys = await self._fetch()
            except AuthProviderUnavailable as exc:
                log.warning("OAuth JWKS %s: %s", self.url, exc.cause)
                if keep_stale and self._keys is not None:
                    return  # the issuer is down: go on trusting the keys it published last
                raise
            finally:
                self._completed += 1
            self._keys, self._fetched_at = keys, self._attempted_at

    async def _fetch(self) -> list[dict[str, Any]]:
        body = bytearray()
        try:
            async with (
                httpx.AsyncClient(timeout=self.timeout_seconds) as client,
                client.stream("GET", self.url, headers={"Accept": "application/json"}) as resp,
            ):
                resp.raise_for_status()
                async for chunk in resp.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_JWKS_BYTES:
                        raise _unavailable("the issuer's key set is too large", "over 1 MiB")
            document = json.loads(body)
        except httpx.HTTPStatusError as exc:
            cause = f"HTTP {exc.response.status_code}"
            raise _unavailable("the issuer's key set could not be fetched", cause) from None
        except httpx.HTTPError as exc:
            cause = f"{type(exc).__name__}: {exc}".rstrip(": ")
            raise _unavailable("the issuer's key set could not be fetched", cause) from None
        except ValueError:
            raise _unavailable("the issuer's key set is not JSON", "not JSON") from None
        keys = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(keys, list):
            raise _unavailable("the issuer's key set is not a JWK set", "no 'keys' list")
        signing = [k for k in keys if isinstance(k, dict) and k.get("use", "sig") == "sig"]
        return signing[:MAX_KEYS]


def _unavailable(message: str, cause: str = "") -> AuthProviderUnavailable:
    error = AuthProviderUnavailable(
        f"cannot check OAuth tokens now: {message}; try again shortly",
        details={"reason": "jwks_unavailable"},
    )
    error.cause = cause or message
    return error


class OAuthVerifier:
    """Checks an issuer's JWT access tokens; `app.state.oauth` for `create_app(oauth=...)`."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str,
        algorithms: Iterable[str] = ("RS256", "ES256"),
        scopes_claim: str = "scope",
        leeway_seconds: float = 30,
        cache_seconds: float = 300,
        min_refetch_seconds: float = MIN_REFETCH_SECONDS,
        timeout_seconds: float = 5.0,
    ) -> None:
        self.algorithms = tuple(algorithms)
        refused = [a for a in self.algorithms if a not in OAUTH_ALGORITHMS]
        if refused or not self.algorithms:
            raise ValueError(f"algorithms {refused} refused; choose from {OAUTH_ALGORITHMS}")
        self.issuer, self.audience, self.scopes_claim = issuer, audience, scopes_claim
        self.leeway = leeway_seconds
        self.jwks = JwksCache(
            jwks_url,
            cache_seconds=cache_seconds,
            min_refetch_seconds=min_refetch_seconds,
            timeout_seconds=timeout_seconds,
        )
        self._known = frozenset(all_scopes())

    @classmethod
    def from_settings(cls, api: ApiSection) -> OAuthVerifier | None:
        """The verifier `api.oauth_*` describe, or None when OAuth is not configured."""
        if api.oauth_issuer is None or api.oauth_audience is None or api.oauth_jwks_url is None:
            return None
        return cls(
            issuer=api.oauth_issuer,
            audience=api.oauth_audience,
            jwks_url=api.oauth_jwks_url,
            algorithms=api.oauth_algorithms.split(),
            scopes_claim=api.oauth_scopes_claim,
            leeway_seconds=api.oauth_leeway_seconds,
            cache_seconds=api.oauth_jwks_cache_seconds,
        )

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _invalid(
                "malformed", "the bearer token is neither a pxa token nor a JWT"
            ) from None
        alg, kid = header.get("alg"), header.get("kid")
        if not isinstance(alg, str) or not (kid is None or isinstance(kid, str)):
            raise _invalid("malformed", "the token's header has no usable alg or kid")
        if alg not in self.algorithms:
            accepted = ", ".join(self.algorithms)
            raise _invalid(
                "bad_signature",
                f"tokens signed with {alg!r} are not accepted (accepted: {accepted})",
            )
        candidates = await self.jwks.keys(kid)
        if not candidates:
            which = f"key {kid!r}" if kid else "any key (the token names no kid)"
            raise _invalid("unknown_key", f"the issuer's key set has no {which}")
        kty = KEY_TYPES[alg[:2]]
        usable = [k for k in candidates if k.get("kty") == kty and k.get("alg", alg) == alg]
        claims = self._decode(token, alg, usable)
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise _invalid("malformed", "the token's sub claim is empty")
        return Principal(id=f"oauth:{sub}", scopes=self._scopes(claims), kind="oauth")

    def _decode(self, token: str, alg: str, keys: list[dict[str, Any]]) -> dict[str, Any]:
        for jwk_data in keys:
            try:
                key = jwt.PyJWK(jwk_data, algorithm=alg)
            except jwt.PyJWTError:
                continue  # a key pyjwt cannot use (unknown curve, broken numbers)
            try:
                return jwt.decode(
                    token,
                    key,
                    algorithms=[alg],
                    audience=self.audience,
                    issuer=self.issuer,
                    leeway=self.leeway,
                    options={"require": REQUIRED_CLAIMS},
                )
            except jwt.InvalidSignatureError:
                continue  # without a kid several keys may apply; try the next
            except jwt.PyJWTError as exc:
                raise self._translate(exc) from None
        raise _invalid("bad_signature", "the token's signature does not verify")

    def _translate(self, exc: jwt.PyJWTError) -> InvalidToken:
        if isinstance(exc, jwt.ExpiredSignatureError):
            return _invalid("expired", "the OAuth token has expired")
        if isinstance(exc, jwt.ImmatureSignatureError):
            return _invalid("not_yet_valid", "the OAuth token is not valid yet (nbf or iat)")
        claim = exc.claim if isinstance(exc, jwt.MissingRequiredClaimError) else None
        if isinstance(exc, jwt.InvalidIssuerError) or claim == "iss":
            return _invalid("wrong_issuer", f"the token was not issued by {self.issuer}")
        if isinstance(exc, jwt.InvalidAudienceError) or claim == "aud":
            return _invalid("wrong_audience", f"the token is not meant for {self.audience}")
        if claim:
            return _invalid("malformed", f"the token lacks the {claim} claim")
        if isinstance(exc, jwt.InvalidAlgorithmError | jwt.InvalidKeyError):
            return _invalid("bad_signature", f"the token's signature does not verify: {exc}")
        return _invalid("malformed", f"the OAuth token is malformed: {exc}")

    def _scopes(self, claims: dict[str, Any]) -> frozenset[str]:
        value = claims.get(self.scopes_claim)
        if isinstance(value, str):
            granted = value.split()  # RFC 8693 `scope`: space-separated
        elif isinstance(value, list):
            granted = [s for s in value if isinstance(s, str)]  # `scp`, `permissions`
        else:
            granted = []
        return frozenset(granted) & self._known

"""TokenService: pxa's own API tokens and the local admin account.

Tokens are `pxa_` + 32 hex digits, shown once and stored as SHA-256 hashes (they are
random, so a plain hash is enough; passwords get scrypt). A token carries scopes from
the operations catalogue and can never be given a scope its creator lacks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pxa.errors import Forbidden, Invalid, NotFound, PxaError
from pxa.models.token import Token, TokenCreate, TokenCreated
from pxa.store.db import Database
from pxa.store.tokens import TokenRepo, UserRepo

EXTRA_SCOPES = ("token:write", "webhook:read", "webhook:write", "ai:generate")
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class InvalidToken(PxaError):
    code = "INVALID_TOKEN"
    http_status = 401


class InvalidCredentials(PxaError):
    code = "INVALID_CREDENTIALS"
    http_status = 401


@dataclass(frozen=True)
class Principal:
    """Who is calling the API: a token, the admin account, or an OAuth subject."""

    id: str
    scopes: frozenset[str]
    kind: str = "token"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


def all_scopes() -> list[str]:
    from pxa.core.catalogue import scopes

    return sorted({*scopes(), *EXTRA_SCOPES})


# A token's last use is recorded at most once a minute: a write on every request cost
# more than the rest of answering a cached list.
TOUCH_EVERY = timedelta(seconds=60)


def _touch_due(last_used_at: str | None) -> bool:
    return not last_used_at or datetime.now(UTC) - datetime.fromisoformat(last_used_at) >= (
        TOUCH_EVERY
    )


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
    except ValueError:
        return False
    got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **SCRYPT)
    return hmac.compare_digest(got.hex(), digest)


class TokenService:
    def __init__(self, database: Database) -> None:
        self.repo = TokenRepo(database)
        self.users = UserRepo(database)

    def create(self, req: TokenCreate, creator: Principal) -> TokenCreated:
        known = set(all_scopes())
        unknown = [p for p in req.permissions if p not in known]
        if unknown:
            raise Invalid(
                f"unknown permission(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}",
                field="permissions",
                reason="unknown_scope",
                provided_value=unknown,
            )
        beyond = [p for p in req.permissions if not creator.allows(p)]
        if beyond:
            raise Forbidden(
                f"a token cannot be given permissions its creator lacks: {', '.join(beyond)}",
                details={"permissions": beyond},
            )
        secret = "pxa_" + secrets.token_hex(16)
        token_id = "tok_" + secrets.token_hex(8)
        now = datetime.now(UTC)
        expires = now + timedelta(seconds=req.expires_in) if req.expires_in else None
        self.repo.insert(
            {
                "id": token_id,
                "name": req.name,
                "description": req.description,
                "token_hash": _hash(secret),
                "prefix": secret[:8],
                "permissions": json.dumps(sorted(set(req.permissions))),
                "created_at": now.isoformat(),
                "expires_at": expires.isoformat() if expires else None,
                "created_by": creator.id,
            }
        )
        return TokenCreated(
            token_id=token_id,
            access_token=secret,
            expires_at=expires,
            permissions=sorted(set(req.permissions)),
        )

    def verify(self, secret: str) -> Principal:
        if not secret.startswith("pxa_") or len(secret) != 36:
            raise InvalidToken("malformed API token", details={"reason": "malformed"})
        row = self.repo.by_hash(_hash(secret))
        if row is None:
            raise InvalidToken("API token is invalid", details={"reason": "unknown_token"})
        if row.get("revoked_at"):
            raise InvalidToken("API token was revoked", details={"reason": "revoked"})
        if row.get("expires_at") and datetime.fromisoformat(row["expires_at"]) <= datetime.now(UTC):
            raise InvalidToken("API token has expired", details={"reason": "expired"})
        if _touch_due(row.get("last_used_at")):
            self.repo.touch(row["id"])
        return Principal(id=row["id"], scopes=frozenset(json.loads(row["permissions"])))

    def list(self) -> list[Token]:
        return self.repo.all()

    def revoke(self, token_id: str) -> Token:
        if self.repo.row(token_id) is None:
            raise NotFound(f"token {token_id} does not exist")
        self.repo.revoke(token_id)
        row = self.repo.row(token_id)
        assert row is not None
        return self.repo.to_model(row)

    # --- the local admin account (Basic auth, for creating tokens only) ----------------
    def set_password(self, username: str, password: str) -> None:
        if len(password) < 12:
            raise Invalid("use at least 12 characters", field="password", reason="too_short")
        self.users.set(username, hash_password(password), all_scopes())

    def check_user(self, username: str, password: str) -> Principal:
        row = self.users.get(username)
        # Hash even for an unknown user, so timing does not tell which names exist.
        stored = row["password_hash"] if row else hash_password("not-a-user-placeholder")
        if not check_password(password, stored) or row is None:
            raise InvalidCredentials(
                "Invalid username or password",
                details={"field": "password", "reason": "authentication_failed"},
            )
        return Principal(
            id=f"user:{username}", scopes=frozenset(json.loads(row["scopes"])), kind="user"
        )

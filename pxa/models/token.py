"""API tokens in the seed's shape (`tok_` ids, `pxa_` + 32 hex secrets)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from pxa.models.common import Model


class TokenCreate(Model):
    name: str = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=500)
    expires_in: int | None = Field(
        default=None, ge=60, le=10 * 365 * 86400, description="seconds; none: never expires"
    )
    permissions: list[str] = Field(min_length=1, description="scopes such as vm:read, vm:write")


class TokenCreated(BaseModel):
    """Shown once: the access token is stored only as a hash."""

    token_id: str
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime | None
    permissions: list[str]


class Token(BaseModel):
    token_id: str
    name: str
    description: str | None = None
    permissions: list[str]
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    created_by: str | None = None
    prefix: str = Field(description="the first characters of the secret, to recognise it")


class TokenList(BaseModel):
    tokens: list[Token]


class TokenRef(Model):
    token_id: str = Field(pattern=r"^tok_[0-9a-f]{16}$")

"""Dependencies: the core, who is calling, and whether their scopes and rate allow it.

Routes name the catalogue operation they serve; its scope comes from the catalogue, so a
route can never ask for less than the operation needs.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import Depends, Request

from pxa.api.errors import ApiError
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.core.tokens import Principal
from pxa.models.common import Actor


def get_infra(request: Request) -> Infra:
    return request.app.state.infra  # type: ignore[no-any-return]


InfraDep = Annotated[Infra, Depends(get_infra)]


def _unauthorized(message: str, reason: str) -> ApiError:
    return ApiError(
        401,
        "INVALID_TOKEN",
        message,
        {"reason": reason},
        headers={"WWW-Authenticate": 'Bearer realm="pxa"'},
    )


async def authenticate(request: Request, infra: InfraDep) -> Principal:
    header = request.headers.get("authorization", "")
    if not header:
        raise _unauthorized(
            "authentication required: send Authorization: Bearer <token>", "missing_token"
        )
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        raise _unauthorized("use Authorization: Bearer <token>", "malformed")
    if value.startswith("pxa_"):
        return infra.tokens.verify(value)
    oauth = getattr(request.app.state, "oauth", None)
    if oauth is not None:
        return await oauth.verify(value)
    raise _unauthorized("malformed API token", "malformed")


def basic_user(request: Request, infra: Infra) -> Principal | None:
    """The admin account from Basic auth; only the token-creation route accepts it."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, _, password = base64.b64decode(value.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise _unauthorized("malformed Basic credentials", "malformed") from None
    return infra.tokens.check_user(username, password)


def limit(request: Request, who: str, category: str) -> None:
    verdict = request.app.state.ratelimiter.hit(who, category)
    request.state.ratelimit = verdict.headers()
    if not verdict.allowed:
        raise ApiError(
            429,
            "RATE_LIMIT_EXCEEDED",
            f"rate limit of {verdict.limit} {category} requests per "
            f"{verdict.window}s exceeded; retry after the window resets",
            {"category": category, "limit": verdict.limit},
            headers={k: str(v) for k, v in verdict.headers().items()},
        )


class Allowed:
    """`Depends(Allowed("vm.list"))`: authenticated, holding the operation's scope, in rate."""

    def __init__(
        self, operation: str | None = None, *, scope: str | None = None, category: str | None = None
    ) -> None:
        self.operation, self.scope, self.category = operation, scope, category

    def _scope_and_category(self, infra: Infra, method: str) -> tuple[str, str]:
        if self.operation:
            op = infra.catalogue[self.operation]
            scope = op.scope
            category = self.category or (
                "read" if op.risk.value == "read" else "vm_ops" if op.area == "vm" else "bulk"
            )
            return scope, category
        assert self.scope
        return self.scope, self.category or ("read" if method == "GET" else "bulk")

    async def __call__(
        self,
        request: Request,
        infra: InfraDep,
        principal: Annotated[Principal, Depends(authenticate)],
    ) -> CallContext:
        scope, category = self._scope_and_category(infra, request.method)
        limit(request, principal.id, category)
        if not principal.allows(scope):
            raise ApiError(
                403,
                "INSUFFICIENT_PERMISSIONS",
                f"this token lacks the {scope} permission",
                {"required": scope, "granted": sorted(principal.scopes)},
            )
        return CallContext(actor=Actor(kind="api", id=principal.id), extra={"principal": principal})


def ctx_of(ctx: CallContext) -> Principal:
    return ctx.extra["principal"]  # type: ignore[no-any-return]


def call_args(**values: Any) -> dict[str, Any]:
    """Query parameters left unset are not sent, so the operation's defaults apply."""
    return {k: v for k, v in values.items() if v is not None}

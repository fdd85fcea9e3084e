"""/v1/auth/tokens: issue (Basic auth as the local admin, or a token with token:write),
list and revoke API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError

from pxa.api.deps import Allowed, InfraDep, authenticate, basic_user, ctx_of, limit
from pxa.api.envelope import Envelope, MessageEnvelope, message, ok
from pxa.api.errors import ApiError, invalid
from pxa.core.context import CallContext
from pxa.models.token import TokenCreate, TokenCreated, TokenList, TokenRef

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/tokens",
    status_code=201,
    response_model=Envelope[TokenCreated],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": TokenCreate.model_json_schema(
                        ref_template="#/components/schemas/{model}"
                    )
                }
            },
        }
    },
)
async def create_token(request: Request, infra: InfraDep) -> Envelope[TokenCreated]:
    client = request.client.host if request.client else "?"
    limit(request, f"ip:{client}", "auth")
    # Who is asking comes first: an anonymous caller learns nothing from validation errors.
    creator = basic_user(request, infra)
    if creator is None:
        creator = await authenticate(request, infra)
        if not creator.allows("token:write"):
            raise ApiError(
                403,
                "INSUFFICIENT_PERMISSIONS",
                "this token lacks token:write",
                {"required": "token:write"},
            )
    try:
        body = TokenCreate.model_validate_json(await request.body())
    except ValidationError as exc:
        raise invalid(exc) from None
    created = infra.tokens.create(body, creator)
    infra.audit.record(
        actor=f"api:{creator.id}",
        operation="token.create",
        target=created.token_id,
        arguments=body.model_dump(mode="json"),
        result="ok",
    )
    return ok(request, created)


@router.get("/tokens", response_model=Envelope[TokenList])
async def list_tokens(
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed(scope="token:write", category="read"))],
) -> Envelope[TokenList]:
    return ok(request, TokenList(tokens=infra.tokens.list()))


@router.delete("/tokens/{token_id}", response_model=MessageEnvelope)
async def revoke_token(
    token_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed(scope="token:write", category="auth"))],
) -> MessageEnvelope:
    try:
        TokenRef(token_id=token_id)
    except ValidationError as exc:
        raise invalid(exc) from None
    infra.tokens.revoke(token_id)
    infra.audit.record(
        actor=f"api:{ctx_of(ctx).id}",
        operation="token.revoke",
        target=token_id,
        arguments={},
        result="ok",
    )
    return message(request, "Token revoked successfully")

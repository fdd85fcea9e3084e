"""/v1/webhooks: the seed's webhook configuration, plus each webhook's delivery log and a ping."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from pxa.api.deps import Allowed, InfraDep
from pxa.api.envelope import Envelope, MessageEnvelope, message, ok
from pxa.core.context import CallContext
from pxa.models.webhook import Delivery, DeliveryStatus, Webhook, WebhookCreate

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

Reader = Annotated[CallContext, Depends(Allowed(scope="webhook:read", category="read"))]
Writer = Annotated[CallContext, Depends(Allowed(scope="webhook:write"))]


class WebhookData(BaseModel):
    webhook: Webhook


class WebhookList(BaseModel):
    webhooks: list[Webhook]


class DeliveryList(BaseModel):
    deliveries: list[Delivery]


class DeliveryData(BaseModel):
    delivery: Delivery


@router.post("", status_code=201, response_model=Envelope[WebhookData])
async def create_webhook(
    body: WebhookCreate, request: Request, infra: InfraDep, ctx: Writer
) -> Envelope[WebhookData]:
    webhook = infra.webhooks.create(body, actor=str(ctx.actor))
    return ok(request, WebhookData(webhook=webhook))


@router.get("", response_model=Envelope[WebhookList])
async def list_webhooks(request: Request, infra: InfraDep, ctx: Reader) -> Envelope[WebhookList]:
    return ok(request, WebhookList(webhooks=infra.webhooks.all()))


@router.get("/{webhook_id}", response_model=Envelope[WebhookData])
async def get_webhook(
    webhook_id: str, request: Request, infra: InfraDep, ctx: Reader
) -> Envelope[WebhookData]:
    return ok(request, WebhookData(webhook=infra.webhooks.get(webhook_id)))


@router.delete("/{webhook_id}", response_model=MessageEnvelope)
async def delete_webhook(
    webhook_id: str, request: Request, infra: InfraDep, ctx: Writer
) -> MessageEnvelope:
    infra.webhooks.delete(webhook_id, actor=str(ctx.actor))
    return message(request, f"Webhook {webhook_id} deleted successfully")


@router.get("/{webhook_id}/deliveries", response_model=Envelope[DeliveryList])
async def list_deliveries(
    webhook_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Reader,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Envelope[DeliveryList]:
    deliveries = infra.webhooks.deliveries(webhook_id, limit=limit, status=status)
    return ok(request, DeliveryList(deliveries=deliveries))


@router.post("/{webhook_id}/test", status_code=202, response_model=Envelope[DeliveryData])
async def ping_webhook(
    webhook_id: str, request: Request, infra: InfraDep, ctx: Writer
) -> Envelope[DeliveryData]:
    delivery = infra.webhooks.ping(webhook_id, actor=str(ctx.actor))
    return ok(request, DeliveryData(delivery=delivery))

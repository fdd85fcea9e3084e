"""WebhookService: configure webhooks, turn bus events into queued deliveries, run the sender.

Bus handlers run in the publisher's thread, so `_on_event` does one quick SQLite insert per
subscribed webhook and wakes the dispatcher; it never touches the network. Events are queued
even when no dispatcher runs in this process (a one-shot CLI command): the next long-lived
pxa process on the same database sends them.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from pxa.errors import Invalid, NotFound
from pxa.events import EventBus
from pxa.models.event import Event
from pxa.models.webhook import (
    PING_EVENT,
    SECRET_MAX_LENGTH,
    SECRET_MIN_LENGTH,
    WEBHOOK_EVENTS,
    Delivery,
    DeliveryStatus,
    Webhook,
    WebhookCreate,
)
from pxa.store.audit import AuditRepo
from pxa.store.db import Database
from pxa.store.webhooks import WebhookRepo
from pxa.webhooks.dispatcher import Dispatcher, RetryPolicy
from pxa.webhooks.urls import check_url


class WebhookService:
    def __init__(
        self,
        database: Database,
        bus: EventBus,
        *,
        audit: AuditRepo | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.repo = WebhookRepo(database)
        self.audit = audit
        self.dispatcher = Dispatcher(self.repo, retry or RetryPolicy())
        self._unsubscribe = bus.subscribe(self._on_event, set(WEBHOOK_EVENTS))
        self._task: asyncio.Task[None] | None = None

    # --- configuration --------------------------------------------------------------------
    def create(self, spec: WebhookCreate | dict[str, Any], *, actor: str = "system") -> Webhook:
        spec = _validated(spec)
        url = check_url(spec.url)
        secret = spec.secret.get_secret_value()
        if not SECRET_MIN_LENGTH <= len(secret) <= SECRET_MAX_LENGTH:
            # No provided_value: the secret is never echoed, not even a wrong one.
            raise Invalid(
                f"secret: must be {SECRET_MIN_LENGTH} to {SECRET_MAX_LENGTH} characters",
                field="secret",
                reason="too_short" if len(secret) < SECRET_MIN_LENGTH else "too_long",
            )
        webhook_id = "wh_" + uuid.uuid4().hex[:16]
        self.repo.insert(
            {
                "id": webhook_id,
                "url": url,
                "events": spec.events,
                "secret": secret,
                "active": int(spec.active),
                "created_at": datetime.now(UTC).isoformat(),
                "created_by": actor,
            }
        )
        self._audit(actor, "webhook.create", webhook_id, url=url, events=spec.events)
        return self.get(webhook_id)

    def all(self) -> list[Webhook]:
        return self.repo.all()

    def get(self, webhook_id: str) -> Webhook:
        webhook = self.repo.get(webhook_id)
        if webhook is None:
            raise NotFound(f"webhook {webhook_id} does not exist")
        return webhook

    def delete(self, webhook_id: str, *, actor: str = "system") -> None:
        """Remove the webhook, its pending deliveries and its delivery log."""
        if not self.repo.delete(webhook_id):
            raise NotFound(f"webhook {webhook_id} does not exist")
        self._audit(actor, "webhook.delete", webhook_id)

    def deliveries(
        self, webhook_id: str, *, limit: int = 50, status: DeliveryStatus | None = None
    ) -> list[Delivery]:
        self.get(webhook_id)
        return self.repo.deliveries(webhook_id, limit=limit, status=status)

    def ping(self, webhook_id: str, *, actor: str = "system") -> Delivery:
        """Queue a `webhook.ping` to this webhook, whatever its events and even if inactive."""
        webhook = self.get(webhook_id)
        data = {"message": "ping from pxa", "webhook": {"id": webhook.id, "url": webhook.url}}
        delivery_id = self.repo.enqueue(webhook.id, PING_EVENT, _stamp(datetime.now(UTC)), data)
        self.dispatcher.wake()
        self._audit(actor, "webhook.ping", webhook_id)
        delivery = self.repo.delivery(delivery_id)
        assert delivery is not None
        return delivery

    # --- events to deliveries -------------------------------------------------------------
    def _on_event(self, event: Event) -> None:
        subscribers = self.repo.subscribers(event.type)
        if not subscribers:
            return
        occurred = _stamp(event.timestamp)
        for webhook_id in subscribers:
            self.repo.enqueue(webhook_id, event.type, occurred, event.data)
        self.dispatcher.wake()

    # --- the sender -----------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self, *, retry: RetryPolicy | None = None) -> None:
        """Run the dispatcher on this loop (idempotent); `retry` replaces the policy."""
        if retry is not None:
            self.dispatcher.policy = retry
        if not self.running:
            self._task = asyncio.create_task(self.dispatcher.run(), name="pxa-webhooks")

    async def stop(self) -> None:
        """Stop sending; unfinished deliveries stay queued for the next start."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def close(self) -> None:
        self._unsubscribe()

    def _audit(self, actor: str, operation: str, target: str, **arguments: Any) -> None:
        if self.audit is not None:
            self.audit.record(
                actor=actor, operation=operation, target=target, arguments=arguments, result="ok"
            )


def _stamp(moment: datetime) -> str:
    """The seed's timestamp form: `2025-07-29T12:00:00Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _validated(spec: WebhookCreate | dict[str, Any]) -> WebhookCreate:
    if isinstance(spec, WebhookCreate):
        return spec
    try:
        return WebhookCreate.model_validate(spec)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        value = first.get("input")
        echo = field != "secret" and isinstance(value, str | int | float | bool)
        raise Invalid(
            f"{field}: {first['msg']}" if field else first["msg"],
            field=field,
            reason=first["type"],
            provided_value=value if echo else None,
        ) from None

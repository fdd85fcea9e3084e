"""client.webhooks: where pxa posts events, each webhook's delivery log, and a ping."""

from __future__ import annotations

from collections.abc import Iterable

from pxa.models.common import Message
from pxa.models.webhook import Delivery, Webhook
from pxa.sdk.models import DeliveryList, WebhookList
from pxa.sdk.resources._base import Resource, seg


class Webhooks(Resource):
    """client.webhooks"""

    def create(
        self,
        url: str,
        events: Iterable[str],
        secret: str,
        *,
        active: bool = True,
        idempotency_key: str | None = None,
    ) -> Webhook:
        """Register `url` for `events`; every delivery is signed with `secret`."""
        body = {"url": url, "events": list(events), "secret": secret, "active": active}
        return self._model(
            "POST", "/webhooks", Webhook, "webhook", json=body, idempotency_key=idempotency_key
        )

    def list(self) -> WebhookList:
        return self._model("GET", "/webhooks", WebhookList)

    def get(self, webhook_id: str) -> Webhook:
        return self._model("GET", f"/webhooks/{seg(webhook_id)}", Webhook, "webhook")

    def delete(self, webhook_id: str) -> Message:
        return self._ack("DELETE", f"/webhooks/{seg(webhook_id)}")

    def deliveries(
        self, webhook_id: str, *, status: str | None = None, limit: int | None = None
    ) -> DeliveryList:
        params = {"status": status, "limit": limit}
        path = f"/webhooks/{seg(webhook_id)}/deliveries"
        return self._model("GET", path, DeliveryList, params=params)

    def test(self, webhook_id: str) -> Delivery:
        """Send a `webhook.ping` delivery now; returns the delivery to follow."""
        return self._model("POST", f"/webhooks/{seg(webhook_id)}/test", Delivery, "delivery")

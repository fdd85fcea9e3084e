"""Webhooks out: configuration, the persisted delivery queue and its dispatcher."""

from pxa.webhooks.dispatcher import RetryPolicy
from pxa.webhooks.service import WebhookService

__all__ = ["RetryPolicy", "WebhookService"]

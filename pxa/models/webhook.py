"""Webhooks: what a caller configures, what pxa sends, and the log of each delivery."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_core import PydanticCustomError

from pxa.models.common import Model

# The seed's events, then the bus events worth an outside notification. Chatty ones
# (`job.progressed`, `inventory.refreshed`) are left out: they fire every few seconds.
WEBHOOK_EVENTS: tuple[str, ...] = (
    "vm.created",
    "vm.deleted",
    "vm.status_changed",
    "backup.completed",
    "security.scan_completed",
    "job.completed",
    "system.alert",
    "job.created",
    "backend.health_changed",
)
PING_EVENT = "webhook.ping"
SECRET_MIN_LENGTH = 16
SECRET_MAX_LENGTH = 256


class WebhookCreate(Model):
    url: str = Field(
        max_length=2048,
        description="https:// URL; plain http only for a receiver on this machine",
        examples=["https://your-app.com/webhooks/proxmox-ai"],
    )
    events: list[str] = Field(min_length=1, examples=[["vm.created", "vm.status_changed"]])
    # Length is checked by the service, not here: a pydantic error would echo the value.
    secret: SecretStr = Field(
        description=f"signs every delivery; {SECRET_MIN_LENGTH}–{SECRET_MAX_LENGTH} characters, "
        "never returned after creation",
        json_schema_extra={"minLength": SECRET_MIN_LENGTH, "maxLength": SECRET_MAX_LENGTH},
    )
    active: bool = True

    @field_validator("events")
    @classmethod
    def _known_events(cls, events: list[str]) -> list[str]:
        unknown = [e for e in events if e not in WEBHOOK_EVENTS]
        if unknown:
            raise PydanticCustomError(
                "unknown_event",
                "unknown event(s) {unknown}; known: {known}",
                {"unknown": ", ".join(unknown), "known": ", ".join(WEBHOOK_EVENTS)},
            )
        return list(dict.fromkeys(events))  # keep the caller's order, drop repeats


class Webhook(BaseModel):
    """A webhook as every reader sees it: the secret is never part of it."""

    id: str = Field(examples=["wh_3f9c2a1b7d4e5f60"])
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class DeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class DeliveryAttempt(BaseModel):
    attempt: int
    at: datetime
    status_code: int | None = None
    response_ms: int | None = None
    error: str | None = None


class Delivery(BaseModel):
    id: str = Field(examples=["dlv_0a1b2c3d4e5f6071"])
    event: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None = None
    last_response_ms: int | None = None
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    created_at: datetime
    history: list[DeliveryAttempt] = Field(default_factory=list, description="oldest first")


class PayloadWebhook(BaseModel):
    id: str
    attempt: int


class WebhookPayload(BaseModel):
    """The body of every POST to a receiver, exactly the seed's shape."""

    event: str
    timestamp: str = Field(description="when the event happened, ISO 8601 UTC with Z")
    data: dict[str, Any]
    webhook: PayloadWebhook

"""Domain events published on the in-process bus (and, later, to webhooks)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

EVENT_TYPES: tuple[str, ...] = (
    "vm.created",
    "vm.deleted",
    "vm.status_changed",
    "vm.updated",
    "inventory.refreshed",
    "backend.health_changed",
    "job.created",
    "job.progressed",
    "job.completed",
    "backup.completed",
    "security.scan_completed",
    "system.alert",
)


class Event(BaseModel):
    type: str
    timestamp: datetime = Field(default_factory=lambda: datetime.now(UTC))
    data: dict[str, Any] = Field(default_factory=dict)

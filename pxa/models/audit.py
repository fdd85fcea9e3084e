"""The audit log's rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditEntry(BaseModel):
    timestamp: datetime
    actor: str
    operation: str
    target: str | None = None
    arguments: dict[str, Any]
    result: str
    error: str | None = None
    job_id: str | None = None

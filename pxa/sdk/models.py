"""Result shapes the SDK reads that are not domain models in `pxa.models`.

They mirror the server's /v1/health and /v1/info answers and keep fields the server adds
later (`extra="allow"`), so a newer server never breaks an older SDK.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pxa.models.backup import Backup
from pxa.models.common import Pagination
from pxa.models.webhook import Delivery, Webhook


class Health(BaseModel):
    model_config = ConfigDict(extra="allow")

    status: str = Field(description="healthy, degraded or unhealthy")
    version: str
    uptime_seconds: int
    components: dict[str, str]
    messages: dict[str, str] = Field(default_factory=dict)


class ApiInfo(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    version: str
    api_versions: list[str]
    sandbox: bool
    read_only: bool
    proxmox_url: str | None = None
    scopes: list[str] = Field(default_factory=list)
    operations: int | None = None


class WebhookList(BaseModel):
    webhooks: list[Webhook]


class DeliveryList(BaseModel):
    deliveries: list[Delivery]


class BackupPage(BaseModel):
    """A page of GET /backups: newest first."""

    backups: list[Backup]
    pagination: Pagination


class SecurityAnalysis(BaseModel):
    model_config = ConfigDict(extra="allow")

    passed: bool | None = None
    issues: list[Any] = Field(default_factory=list)
    recommendations: list[str] = Field(default_factory=list)


class GeneratedCode(BaseModel):
    """The seed's `generated_code` of POST /v1/ai/generate."""

    model_config = ConfigDict(extra="allow")

    format: str
    code: str
    validation_score: int | None = None
    security_analysis: SecurityAnalysis | None = None


class ExportedCode(BaseModel):
    """POST /v1/ai/export: the module for the selected live VMs, with `import {}` blocks."""

    model_config = ConfigDict(extra="allow")

    generated_code: GeneratedCode
    vms: list[str]

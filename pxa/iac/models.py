"""The shapes of Terraform generation and export, as the core returns them.

`GeneratedCode` is the seed's `generated_code` (format, code, validation_score,
security_analysis) with what pxa adds: every file, the validation report, the spec,
what the prompt was understood to ask for and what was not understood.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from pxa.iac.security import SecurityAnalysis
from pxa.iac.spec import InfraSpec
from pxa.iac.validate import ValidationReport
from pxa.models.common import Model
from pxa.policy.catalogue import framework_name

ProviderName = Literal["bpg", "telmate"]


class GenerateContext(Model):
    environment: str | None = Field(default=None, max_length=40)
    compliance_requirements: list[str] = Field(default_factory=list, max_length=5)

    @field_validator("compliance_requirements")
    @classmethod
    def _frameworks(cls, names: list[str]) -> list[str]:
        return [framework_name(name) for name in names]  # ValueError names the unknown one


class GenerateRequest(Model):
    """The seed's POST /v1/ai/generate body, plus the Terraform provider to write for."""

    prompt: str = Field(min_length=1, max_length=4000)
    context: GenerateContext = Field(default_factory=GenerateContext)
    output_format: Literal["terraform"] = "terraform"
    provider: ProviderName = "bpg"

    @field_validator("prompt")
    @classmethod
    def _not_blank(cls, prompt: str) -> str:
        if not prompt.strip():
            raise ValueError("the prompt is empty: say what to build")
        return prompt.strip()


class GeneratedCode(BaseModel):
    format: Literal["terraform"] = "terraform"
    provider: str = Field(description="the required_providers source: bpg/proxmox or …")
    code: str = Field(description="main.tf; every file is in `files`")
    files: dict[str, str] = Field(description="relative path → content")
    validation_score: int = Field(ge=0, le=100)
    validation: ValidationReport
    security_analysis: SecurityAnalysis
    spec: InfraSpec
    understood: list[str] = Field(default_factory=list)
    unresolved: list[str] = Field(default_factory=list, description="words not understood")
    notes: list[str] = Field(default_factory=list, description="choices made, and limits")


class GenerateResult(BaseModel):
    generated_code: GeneratedCode
    ai_model: str = Field(description="the model that drafted the spec, or pxa-offline-parser")
    tokens_used: int = 0


class ExportRequest(Model):
    """Which live VMs to export: every filter given must match (names are exact)."""

    names: list[str] = Field(default_factory=list, max_length=200)
    tags: list[str] = Field(default_factory=list, max_length=20)
    node: str | None = None
    provider: ProviderName = "bpg"


class ExportResult(BaseModel):
    generated_code: GeneratedCode
    vms: list[str] = Field(description="the exported VMs' names")

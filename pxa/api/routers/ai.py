"""/v1/ai: the seed's AI Integration API — natural language → Terraform — and export.

`POST /ai/generate` answers the seed's shape: `data.generated_code` (format, code,
validation_score, security_analysis, plus every file, the validation report and the
spec) and `meta.ai_model` / `meta.tokens_used`. `POST /ai/export` turns live VMs into
the same module with `import {}` blocks.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from pxa.api.deps import Allowed, InfraDep
from pxa.api.envelope import Envelope, Meta, meta, ok
from pxa.core.context import CallContext
from pxa.iac.models import ExportRequest, ExportResult, GeneratedCode, GenerateRequest

router = APIRouter(prefix="/ai", tags=["ai"])


class AiMeta(Meta):
    ai_model: str
    tokens_used: int


class GeneratedData(BaseModel):
    generated_code: GeneratedCode


class GenerateEnvelope(BaseModel):
    success: bool = True
    data: GeneratedData
    meta: AiMeta


@router.post("/generate", response_model=GenerateEnvelope)
async def generate(
    body: GenerateRequest,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("terraform.generate", category="ai"))],
) -> GenerateEnvelope:
    result = await infra.call("terraform.generate", body, ctx)
    base = meta(request)
    return GenerateEnvelope(
        data=GeneratedData(generated_code=result.generated_code),
        meta=AiMeta(**base.model_dump(), ai_model=result.ai_model, tokens_used=result.tokens_used),
    )


@router.post("/export", response_model=Envelope[ExportResult])
async def export(
    body: ExportRequest,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("terraform.export", category="read"))],
) -> Envelope[ExportResult]:
    return ok(request, await infra.call("terraform.export", body, ctx))

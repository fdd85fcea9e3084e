"""client.ai: natural language to infrastructure code, validated and security-checked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pxa.sdk.models import ExportedCode, GeneratedCode
from pxa.sdk.resources._base import Resource, payload


class Ai(Resource):
    """client.ai"""

    def generate(
        self,
        prompt: str,
        *,
        context: Mapping[str, Any] | None = None,
        output_format: str = "terraform",
        provider: str | None = None,
        idempotency_key: str | None = None,
    ) -> GeneratedCode:
        """The seed's POST /v1/ai/generate: code for `prompt` in `output_format`.

        `provider`: "bpg" (the server's default) or "telmate".
        """
        body: dict[str, Any] = {"prompt": prompt, "output_format": output_format}
        if context is not None:
            body["context"] = dict(context)
        if provider is not None:
            body["provider"] = provider
        return self._model(
            "POST",
            "/ai/generate",
            GeneratedCode,
            "generated_code",
            json=body,
            idempotency_key=idempotency_key,
        )

    def export(
        self,
        *,
        names: Sequence[str] = (),
        tags: Sequence[str] = (),
        node: str | None = None,
        provider: str | None = None,
    ) -> ExportedCode:
        """POST /v1/ai/export: live VMs (by name, tag, node) as Terraform with import blocks."""
        body = payload(None, {"node": node, "provider": provider})
        body.update({k: list(v) for k, v in (("names", names), ("tags", tags)) if v})
        return self._model("POST", "/ai/export", ExportedCode, json=body)

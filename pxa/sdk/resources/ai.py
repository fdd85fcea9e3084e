"""client.ai: natural language to infrastructure code, validated and security-checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pxa.sdk.models import GeneratedCode
from pxa.sdk.resources._base import Resource


class Ai(Resource):
    """client.ai"""

    def generate(
        self,
        prompt: str,
        *,
        context: Mapping[str, Any] | None = None,
        output_format: str = "terraform",
        idempotency_key: str | None = None,
    ) -> GeneratedCode:
        """The seed's POST /v1/ai/generate: code for `prompt` in `output_format`."""
        body: dict[str, Any] = {"prompt": prompt, "output_format": output_format}
        if context is not None:
            body["context"] = dict(context)
        return self._model(
            "POST",
            "/ai/generate",
            GeneratedCode,
            "generated_code",
            json=body,
            idempotency_key=idempotency_key,
        )

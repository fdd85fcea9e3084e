"""The Claude path of terraform.generate: the real SDK against the fake Messages API.

Claude answers with a tool_use whose input is a spec; the core grounds, renders and
validates it as it does the offline parser's draft.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from messages_server import MessagesServer, Usage, error_reply, text_reply, tool_use_reply
from support import start_api

from pxa.ai.spec_drafter import TOOL, AiUnavailable, ClaudeSpecDrafter, from_settings
from pxa.config import Settings
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import Invalid
from pxa.iac.spec import InfraSpec
from pxa.models.common import Actor
from pxa.sandbox.server import SandboxServer

MODEL = "claude-sonnet-5-5"
CTX = CallContext(actor=Actor(kind="api", id="test"))
SPEC = {
    "vms": [
        {
            "name": "shop-web",
            "os": "ubuntu-22.04",
            "cores": 2,
            "memory_mb": 4096,
            "cloud_init": {"services": ["nginx"], "tls": True, "tls_domain": "shop.example.com"},
            "firewall": {
                "rules": [
                    {"port": "22", "source": "admin"},
                    {"port": "80,443", "comment": "web"},
                ]
            },
            "protection": True,
            "tags": ["production", "web"],
        }
    ],
    "environment": "production",
}


def drafter(api: MessagesServer) -> ClaudeSpecDrafter:
    return ClaudeSpecDrafter(api_key="test-key", model=MODEL, base_url=api.base_url, max_retries=0)


async def test_claude_drafts_the_spec_the_core_renders(api: MessagesServer, infra: Infra) -> None:
    api.script(tool_use_reply(TOOL, SPEC, usage=Usage(input_tokens=1200, output_tokens=50)))
    infra.spec_drafter = drafter(api)
    result = await infra.call("terraform.generate", {"prompt": "a web shop"}, CTX)
    code = result.generated_code
    assert result.ai_model == MODEL and result.tokens_used == 1250
    assert code.validation_score == 100 and code.security_analysis.passed
    vm = code.spec.vms[0]
    assert (vm.name, vm.template, vm.node) == ("shop-web", "ubuntu-22.04", "pve1")
    assert "certbot" in code.files["cloud-init/shop-web.yaml.tftpl"]


async def test_the_request_forces_the_spec_tool_and_sends_facts_as_data(
    api: MessagesServer, infra: Infra
) -> None:
    api.script(tool_use_reply(TOOL, SPEC))
    infra.spec_drafter = drafter(api)
    await infra.call("terraform.generate", {"prompt": "a web shop"}, CTX)
    (request,) = api.requests
    assert request["model"] == MODEL
    assert request["tool_choice"] == {"type": "tool", "name": TOOL}
    assert request["tools"][0]["input_schema"] == InfraSpec.model_json_schema()
    user = request["messages"][0]["content"]
    assert user[0]["text"] == "a web shop" and "ubuntu-24.04" in user[1]["text"]
    assert "ubuntu-24.04" not in request["system"]  # cluster names never in the system prompt


async def test_a_spec_naming_a_missing_template_is_refused(
    api: MessagesServer, infra: Infra
) -> None:
    wrong: dict[str, Any] = {"vms": [{**SPEC["vms"][0], "template": "windows-2022"}]}
    api.script(tool_use_reply(TOOL, wrong))
    infra.spec_drafter = drafter(api)
    with pytest.raises(Invalid) as caught:
        await infra.call("terraform.generate", {"prompt": "a windows box"}, CTX)
    assert caught.value.field == "spec.vms[0].template"


async def test_a_spec_with_negative_memory_is_refused(api: MessagesServer, infra: Infra) -> None:
    api.script(tool_use_reply(TOOL, {"vms": [{"name": "x", "memory_mb": -1024}]}))
    infra.spec_drafter = drafter(api)
    with pytest.raises(Invalid) as caught:
        await infra.call("terraform.generate", {"prompt": "x"}, CTX)
    assert caught.value.field == "spec.vms[0].memory_mb"


async def test_an_answer_without_the_tool_is_an_ai_error(api: MessagesServer, infra: Infra) -> None:
    api.script(text_reply("I would rather chat."))
    infra.spec_drafter = drafter(api)
    with pytest.raises(AiUnavailable, match="without calling"):
        await infra.call("terraform.generate", {"prompt": "a vm"}, CTX)


async def test_an_api_failure_is_an_ai_error(api: MessagesServer, infra: Infra) -> None:
    api.script(error_reply(529))
    infra.spec_drafter = drafter(api)
    with pytest.raises(AiUnavailable):
        await infra.call("terraform.generate", {"prompt": "a vm"}, CTX)


def test_the_endpoint_reports_the_model_and_tokens_in_meta(
    api: MessagesServer, sandbox: SandboxServer, tmp_path: Path
) -> None:
    live = start_api(sandbox, tmp_path / "api.db")
    try:
        live.infra.spec_drafter = drafter(api)
        api.script(tool_use_reply(TOOL, SPEC, usage=Usage(input_tokens=1000, output_tokens=250)))
        response = httpx.post(
            f"{live.url}/ai/generate",
            json={"prompt": "a web shop", "output_format": "terraform"},
            headers={"Authorization": f"Bearer {live.admin_token}"},
            timeout=30,
        )
    finally:
        live.stop()
    body = response.json()
    assert response.status_code == 200, body
    assert body["meta"]["ai_model"] == MODEL and body["meta"]["tokens_used"] == 1250
    assert body["data"]["generated_code"]["validation_score"] == 100


def test_a_key_brings_the_drafter_and_none_leaves_the_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings()
    assert from_settings(settings) is None
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    made = from_settings(settings)
    assert made is not None and made.model == settings.ai.model


async def test_the_chat_agent_generates_terraform_through_its_tool(
    make_agent: Any, api: MessagesServer, infra: Infra
) -> None:
    api.script(
        tool_use_reply("terraform_generate", {"prompt": "a debian 12 vm with 2 cores"}),
        text_reply("Here is the Terraform."),
    )
    agent = make_agent()  # no confirmer: generating is a read
    await agent.turn("write terraform for a debian 12 vm", lambda event: None)
    tools = {tool["name"] for tool in api.requests[0]["tools"]}
    assert {"terraform_generate", "terraform_export"} <= tools
    last = api.requests[1]["messages"][-1]["content"]
    (result,) = [b for b in last if b.get("type") == "tool_result"]
    assert "is_error" not in result
    data = json.loads(result["content"])["data"]
    assert data["generated_code"]["validation_score"] == 100

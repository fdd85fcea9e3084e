"""client.ai.generate against the real /v1 server and sandbox (the offline parser drafts)."""

from __future__ import annotations

import pytest

from pxa.sdk import AsyncProxmoxAIClient, ProxmoxAIClient
from pxa.sdk.errors import ValidationError

SEED = "Create a secure web server VM with Nginx, SSL certificate, and firewall rules"


def test_generate_returns_validated_secure_terraform(client: ProxmoxAIClient) -> None:
    made = client.ai.generate(
        SEED, context={"environment": "production", "compliance_requirements": ["CIS", "SOC2"]}
    )
    assert made.format == "terraform" and made.validation_score == 100
    assert 'resource "proxmox_virtual_environment_vm"' in made.code
    assert made.security_analysis is not None and made.security_analysis.passed is True
    assert "main.tf" in made.model_extra["files"]  # type: ignore[index]


def test_generate_refusal_names_the_field(client: ProxmoxAIClient) -> None:
    with pytest.raises(ValidationError) as caught:
        client.ai.generate("a vm with -1024 MB memory")
    assert caught.value.details["field"] == "spec.vms[0].memory_mb"


async def test_async_generate(aclient: AsyncProxmoxAIClient) -> None:
    made = await aclient.ai.generate("a debian 12 vm with 2 cores")
    assert made.validation_score == 100


def test_generate_for_telmate_uses_its_resource(client: ProxmoxAIClient) -> None:
    made = client.ai.generate("a debian 12 vm with 2 cores", provider="telmate")
    assert 'resource "proxmox_vm_qemu"' in made.code and made.validation_score == 100


def test_export_turns_live_vms_into_terraform_with_import_blocks(client: ProxmoxAIClient) -> None:
    exported = client.ai.export(names=["web-server-01", "db-01"])
    assert sorted(exported.vms) == ["db-01", "web-server-01"]
    imports = exported.generated_code.model_extra["files"]["imports.tf"]  # type: ignore[index]
    assert imports.count("import {") == 2

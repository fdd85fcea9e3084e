"""terraform.generate and terraform.export through the core, against the sandbox."""

from __future__ import annotations

from typing import Any

import hcl2
import pytest

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import Invalid
from pxa.iac.read_hcl import spec_from_bpg, spec_from_telmate
from pxa.iac.spec import FirewallSpec
from pxa.iac.validate import validate
from pxa.models.common import Actor

CTX = CallContext(actor=Actor(kind="cli", id="test"))
SEED = "Create a secure web server VM with Nginx, SSL certificate, and firewall rules"


async def generate(infra: Infra, prompt: str, **extra: Any) -> Any:
    return await infra.call("terraform.generate", {"prompt": prompt, **extra}, CTX)


async def refused(infra: Infra, prompt: str, **extra: Any) -> Invalid:
    with pytest.raises(Invalid) as caught:
        await generate(infra, prompt, **extra)
    return caught.value


async def test_generate_answers_the_seed_prompt_with_valid_secure_code(infra: Infra) -> None:
    result = await generate(
        infra, SEED, context={"environment": "production", "compliance_requirements": ["CIS"]}
    )
    code = result.generated_code
    assert code.validation_score == 100 and code.security_analysis.passed
    assert code.code == code.files["main.tf"] and "proxmox_virtual_environment_vm" in code.code
    assert set(code.files) >= {"providers.tf", "variables.tf", "main.tf", "outputs.tf"}
    assert code.spec.vms[0].template == "ubuntu-24.04" and code.spec.environment == "production"
    assert result.ai_model == "pxa-offline-parser" and result.tokens_used == 0


async def test_generated_code_never_holds_the_credentials(infra: Infra) -> None:
    code = (await generate(infra, SEED)).generated_code
    assert "api_token = var.proxmox_api_token" in code.files["providers.tf"]
    assert 'variable "proxmox_api_token"' in code.files["variables.tf"]
    variables = hcl2.loads(code.files["variables.tf"])["variable"]
    token = next(v['"proxmox_api_token"'] for v in variables if '"proxmox_api_token"' in v)
    assert token["sensitive"] is True and "default" not in token


async def test_telmate_output_uses_proxmox_vm_qemu(infra: Infra) -> None:
    code = (await generate(infra, SEED, provider="telmate")).generated_code
    assert 'resource "proxmox_vm_qemu"' in code.code and code.validation_score == 100
    assert any("no firewall resources" in note for note in code.notes)


async def test_an_empty_prompt_is_refused_naming_prompt(infra: Infra) -> None:
    assert (await refused(infra, "   ")).field == "prompt"


async def test_a_nonsense_prompt_is_refused_naming_what_was_not_understood(infra: Infra) -> None:
    error = await refused(infra, "purple monkey dishwasher")
    assert error.field == "prompt" and "purple" in error.message


async def test_negative_memory_is_refused_naming_the_field(infra: Infra) -> None:
    error = await refused(infra, "a vm with -1024 MB memory")
    assert error.field == "spec.vms[0].memory_mb"
    assert error.details["provided_value"] == -1024


async def test_zero_cores_is_refused_naming_the_field(infra: Infra) -> None:
    assert (await refused(infra, "a vm with 0 cores")).field == "spec.vms[0].cores"


async def test_an_unknown_template_is_refused_listing_the_real_ones(infra: Infra) -> None:
    error = await refused(infra, "a vm from template centos-7")
    assert error.field == "spec.vms[0].template" and "ubuntu-22.04 (9000 on pve1)" in error.message


async def test_an_unknown_node_is_refused(infra: Infra) -> None:
    error = await refused(infra, "a vm on pve9")
    assert error.field == "spec.vms[0].node" and "pve1, pve2, pve3" in error.message


async def test_a_request_beyond_capacity_is_refused(infra: Infra) -> None:
    error = await refused(infra, "a database named big with 900 GB ram")
    assert error.field == "spec.vms[0].memory_mb" and error.details["reason"] == "beyond_capacity"


async def test_more_cores_than_the_node_has_are_refused(infra: Infra) -> None:
    error = await refused(infra, "a debian 12 vm with 64 cores")
    assert error.field == "spec.vms[0].cores" and "has 16" in error.message


async def test_an_unsupported_output_format_is_refused(infra: Infra) -> None:
    error = await refused(infra, SEED, output_format="pulumi")
    assert error.field == "output_format"


async def test_an_unknown_vlan_is_refused(infra: Infra) -> None:
    error = await refused(infra, "a vm in vlan 999")
    assert error.field == "spec.vms[0].nics[0].vlan_id"


async def test_an_unknown_compliance_framework_is_refused(infra: Infra) -> None:
    error = await refused(infra, SEED, context={"compliance_requirements": ["HIPAA"]})
    assert error.field == "context.compliance_requirements"


async def test_export_round_trips_through_hcl_to_the_same_spec(infra: Infra) -> None:
    result = await infra.call("terraform.export", {}, CTX)
    code = result.generated_code
    assert len(result.vms) == 24 and code.validation_score == 100
    documents = [hcl2.loads(t) for name, t in code.files.items() if name.endswith(".tf")]
    assert spec_from_bpg(documents) == code.spec


async def test_export_for_telmate_round_trips_all_but_the_firewall(infra: Infra) -> None:
    code = (await infra.call("terraform.export", {"provider": "telmate"}, CTX)).generated_code
    documents = [hcl2.loads(t) for name, t in code.files.items() if name.endswith(".tf")]
    # Telmate cannot express a VM firewall: that part is a note, not code.
    expected = [vm.model_copy(update={"firewall": FirewallSpec()}) for vm in code.spec.vms]
    assert spec_from_telmate(documents).vms == expected
    assert any("no firewall resources" in note for note in code.notes)


async def test_export_writes_an_import_block_per_vm(infra: Infra) -> None:
    result = await infra.call("terraform.export", {"names": ["web-server-01", "db-01"]}, CTX)
    imports = hcl2.loads(result.generated_code.files["imports.tf"])["import"]
    assert [(i["to"], i["id"]) for i in imports] == [
        ("${proxmox_virtual_environment_vm.web_server_01}", '"pve1/100"'),
        (
            "${proxmox_virtual_environment_vm.db_01}",
            f'"pve1/{result.generated_code.spec.vms[1].vm_id}"',
        ),
    ]


async def test_export_for_telmate_validates_and_imports_by_node_type_id(infra: Infra) -> None:
    result = await infra.call("terraform.export", {"tags": ["web"], "provider": "telmate"}, CTX)
    files = result.generated_code.files
    assert validate(files, "telmate").score == 100
    assert 'id = "pve1/qemu/100"' in files["imports.tf"]


async def test_export_selects_by_tag_and_node(infra: Infra) -> None:
    result = await infra.call("terraform.export", {"tags": ["web"], "node": "pve1"}, CTX)
    assert result.vms == ["web-server-01"]


async def test_export_of_an_unknown_vm_names_it(infra: Infra) -> None:
    with pytest.raises(Invalid) as caught:
        await infra.call("terraform.export", {"names": ["nope"]}, CTX)
    assert caught.value.field == "names"


async def test_a_bridge_missing_on_the_node_is_refused(infra: Infra) -> None:
    error = await refused(infra, "a debian 12 vm on bridge vmbr1")
    assert error.field == "spec.vms[0].nics[0].bridge" and "pve3" in error.message


async def test_an_unknown_storage_is_refused(infra: Infra) -> None:
    error = await refused(infra, "a vm on storage fast-nvme")
    assert error.field == "spec.vms[0].disks[0].storage" and "local-lvm" in error.message


async def test_a_template_on_another_nodes_local_storage_is_refused(infra: Infra) -> None:
    error = await refused(infra, "a debian 12 vm on pve1")
    assert error.field == "spec.vms[0].node" and "ubuntu-22.04" in error.message


async def test_a_disk_smaller_than_the_templates_is_refused(infra: Infra) -> None:
    error = await refused(infra, "a vm with 5gb disk")
    assert error.field == "spec.vms[0].disks[0].size_gb" and "10 GB" in error.message

"""vm.create: a template becomes a configured, running VM through real PVE tasks."""

from __future__ import annotations

import asyncio
import urllib.parse

import pytest

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import Conflict, Invalid
from pxa.sandbox.server import SandboxServer

CLI = CallContext.of("cli")
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx6 alice@laptop"


def request(name: str = "app-server-99", **over: object) -> dict:
    body: dict = {
        "name": name,
        "template": "ubuntu-22.04",
        "environment": "staging",
        "tags": ["app"],
        "description": "made by a test",
        "configuration": {
            "cpu_cores": 4,
            "memory_mb": 4096,
            "storage_gb": 40,
            "network": {
                "vlan_id": 120,
                "static_ip": "192.168.120.50/24",
                "gateway": "192.168.120.1",
            },
        },
        "security": {"ssh_keys": [KEY]},
    }
    body.update(over)
    return body


async def test_create_returns_at_once_with_a_creating_vm_and_a_job(infra: Infra) -> None:
    created = await infra.call("vm.create", request(), CLI)
    assert created.status.value == "creating"
    assert created.id == f"vm-{created.vmid}"
    assert created.creation_job_id.startswith("job_vm_creation_")
    await infra.jobs.wait(created.creation_job_id, timeout=60)


async def test_create_completes_and_reads_back_as_asked(infra: Infra) -> None:
    created = await infra.call("vm.create", request(), CLI)
    job = await infra.jobs.wait(created.creation_job_id, timeout=60)
    assert job.status.value == "completed", (job.error, [line.message for line in job.logs])
    vm = await infra.call("vm.get", {"vm_id": created.id}, CLI)
    assert vm.status.value == "running"
    assert (vm.configuration.cpu_cores, vm.configuration.memory_mb) == (4, 4096)
    assert vm.environment == "staging" and "app" in vm.tags
    assert vm.description == "made by a test"
    root = vm.configuration.storage[0]
    assert root.size_gb == 40
    nic = vm.configuration.network[0]
    assert (nic.vlan_id, nic.firewall, nic.ip_address, nic.gateway) == (
        120,
        True,
        "192.168.120.50",
        "192.168.120.1",
    )
    assert vm.security.firewall_enabled is True
    assert vm.security.ssh_key_auth is True
    config = await infra.adapter.config(vm.node, vm.vmid)
    assert urllib.parse.unquote(config["sshkeys"]).strip() == KEY


async def test_the_job_log_merges_pxa_steps_with_pve_task_lines(infra: Infra) -> None:
    created = await infra.call("vm.create", request(), CLI)
    job = await infra.jobs.wait(created.creation_job_id, timeout=60)
    sources = {line.source for line in job.logs}
    assert sources == {"pxa", "pve"}
    messages = " ".join(line.message for line in job.logs)
    for step in ("cloning template ubuntu-22.04", "configuring", "growing", "firewall", "starting"):
        assert step in messages


async def test_a_created_vm_is_in_the_list_and_published_as_an_event(infra: Infra) -> None:
    seen: list[str] = []
    infra.bus.subscribe(lambda e: seen.append(e.data["vm"]["id"]), {"vm.created"})
    await infra.inventory.refresh()
    created = await infra.call("vm.create", request(), CLI)
    await infra.jobs.wait(created.creation_job_id, timeout=60)
    listed = await infra.call("vm.list", {"search": "app-server-99"}, CLI)
    assert [vm.id for vm in listed.vms] == [created.id]
    await infra.inventory.refresh()
    assert created.id in seen


async def test_unknown_template_is_refused_listing_the_templates(infra: Infra) -> None:
    with pytest.raises(Invalid) as err:
        await infra.call("vm.create", request(template="windows-95"), CLI)
    assert err.value.field == "template"
    assert "ubuntu-22.04" in err.value.message


async def test_a_duplicate_name_is_a_conflict(infra: Infra) -> None:
    taken = (await infra.call("vm.list", {"limit": 1}, CLI)).vms[0].name
    with pytest.raises(Conflict, match="already exists"):
        await infra.call("vm.create", request(name=taken), CLI)


@pytest.mark.parametrize(
    ("field", "value"),
    [("memory_mb", 0), ("memory_mb", -1024), ("cpu_cores", 0)],
)
async def test_impossible_sizes_are_refused_naming_the_field(
    infra: Infra, field: str, value: int
) -> None:
    body = request()
    body["configuration"][field] = value
    with pytest.raises(Invalid) as err:
        await infra.call("vm.create", body, CLI)
    assert err.value.field == f"configuration.{field}"
    assert err.value.details["provided_value"] == value


async def test_a_disk_smaller_than_the_templates_is_refused(infra: Infra) -> None:
    body = request()
    body["configuration"]["storage_gb"] = 1
    with pytest.raises(Invalid, match="smaller than the template") as err:
        await infra.call("vm.create", body, CLI)
    assert err.value.field == "configuration.storage_gb"


async def test_a_gateway_outside_the_subnet_is_refused(infra: Infra) -> None:
    body = request()
    body["configuration"]["network"]["gateway"] = "10.0.0.1"
    with pytest.raises(Invalid, match="not inside"):
        await infra.call("vm.create", body, CLI)


async def test_api_down_during_create_fails_the_job_and_reports_what_was_left(
    infra: Infra, sandbox: SandboxServer
) -> None:
    infra.jobs.max_follow_failures = 3
    created = await infra.call("vm.create", request(), CLI)
    for _ in range(200):
        job = infra.jobs.get(created.creation_job_id)
        if "clone" in str(job.upid or "") or job.progress > 0:
            break
        await asyncio.sleep(0.02)
    sandbox.faults.api_down = True
    try:
        job = await infra.jobs.wait(created.creation_job_id, timeout=60)
    finally:
        sandbox.faults.api_down = False
    assert job.status.value == "failed"
    assert "unreachable" in (job.error or "")
    log = " ".join(line.message for line in job.logs)
    if job.result:  # the clone had been started: the job says what exists
        assert created.id in log and "incomplete" in log


async def test_cloning_a_local_template_to_another_node_is_refused_up_front(infra: Infra) -> None:
    with pytest.raises(Invalid, match="local storage") as err:
        await infra.call("vm.create", request(node="pve3"), CLI)
    assert err.value.field == "node"


async def test_an_unknown_node_is_refused_listing_the_nodes(infra: Infra) -> None:
    with pytest.raises(Invalid, match="pve1, pve2, pve3") as err:
        await infra.call("vm.create", request(node="pve9"), CLI)
    assert err.value.field == "node"


async def test_encrypt_disk_is_refused_with_what_to_do_instead(infra: Infra) -> None:
    body = request()
    body["security"]["encrypt_disk"] = True
    with pytest.raises(Invalid, match="encrypted storage") as err:
        await infra.call("vm.create", body, CLI)
    assert err.value.field == "security.encrypt_disk"


async def test_a_create_that_would_fail_is_refused_before_anyone_is_asked(infra: Infra) -> None:
    asked: list[object] = []

    async def confirm(request: object) -> bool:
        asked.append(request)
        return True

    with pytest.raises(Conflict):
        await infra.call(
            "vm.create", request("web-server-01"), CallContext.of("tui", confirm=confirm)
        )
    assert asked == []


async def test_a_create_that_can_run_is_confirmed_once_then_started(infra: Infra) -> None:
    asked: list[object] = []

    async def confirm(request: object) -> bool:
        asked.append(request)
        return True

    created = await infra.call("vm.create", request(), CallContext.of("tui", confirm=confirm))
    assert len(asked) == 1
    await infra.jobs.wait(created.creation_job_id, timeout=60)

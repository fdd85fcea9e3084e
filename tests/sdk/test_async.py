"""AsyncProxmoxAIClient: the same resources, awaited, against the real API."""

from __future__ import annotations

from pathlib import Path

import pytest

from pxa.models.job import JobStatus
from pxa.models.vm import VmDetail
from pxa.sdk import AsyncProxmoxAIClient, NotFoundError


async def test_list_get_and_iterate(aclient: AsyncProxmoxAIClient) -> None:
    page = await aclient.vms.list(status="running", limit=2)
    assert len(page.vms) == 2 and page.pagination.has_next
    assert isinstance(await aclient.vms.get(page.vms[0].id), VmDetail)
    seen = [vm.id async for vm in aclient.vms.iter(limit=5)]
    assert len(seen) == len(set(seen)) == (await aclient.vms.list()).pagination.total


async def test_create_and_wait_for_the_job(aclient: AsyncProxmoxAIClient) -> None:
    vm = await aclient.vms.create(
        {"name": "async-vm", "template": "debian-12", "cpu_cores": 1, "memory_mb": 1024}
    )
    job = await aclient.jobs.wait(vm.creation_job_id, timeout=60, poll=0.1)
    assert job.status == JobStatus.completed


async def test_errors_carry_code_and_request_id(aclient: AsyncProxmoxAIClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await aclient.vms.get("vm-99999")
    assert caught.value.code == "RESOURCE_NOT_FOUND" and caught.value.request_id
    assert (await aclient.health()).status == "healthy"


async def test_upload_streams_from_the_async_client(
    aclient: AsyncProxmoxAIClient, tmp_path: Path
) -> None:
    iso = tmp_path / "async-rescue.iso"
    iso.write_bytes(b"\x00" * 300_000)
    accepted = await aclient.storage.upload("local", iso, content="iso", node="pve1")
    assert (await aclient.jobs.wait(accepted.job_id, timeout=60, poll=0.1)).status == "completed"
    items = (await aclient.storage.content("local", node="pve1", content="iso")).items
    assert "local:iso/async-rescue.iso" in {i.volid for i in items}

"""The seed's Python SDK example, as written there, and the SDK's basic promises."""

from __future__ import annotations

import time

import pytest
from support import LiveApi

from pxa.models.job import Job, JobStatus
from pxa.models.vm import Vm, VmCreated, VmList
from pxa.sdk import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ProxmoxAIClient,
    ValidationError,
)


def test_the_seed_example_runs_as_written(api: LiveApi) -> None:
    client = ProxmoxAIClient(api_token=api.admin_token, base_url=api.url)

    # List VMs
    vms = client.vms.list(status="running")

    # Create VM
    vm = client.vms.create(
        {"name": "test-vm", "template": "ubuntu-22.04", "cpu_cores": 2, "memory_mb": 4096}
    )

    # Monitor job status
    job = client.jobs.get(vm.creation_job_id)
    while job.status == "running":
        time.sleep(0.2)  # the seed sleeps 5 s; the sandbox runs 40x faster
        job = client.jobs.get(job.id)

    assert isinstance(vms, VmList) and vms.vms
    assert all(v.status == "running" for v in vms.vms)
    assert isinstance(vm, VmCreated) and vm.name == "test-vm"
    assert isinstance(job, Job) and job.status == JobStatus.completed
    detail = client.vms.get(vm.id)
    assert detail.configuration.cpu_cores == 2 and detail.configuration.memory_mb == 4096
    client.close()


def test_iter_yields_every_vm_exactly_once(client: ProxmoxAIClient) -> None:
    everything = client.vms.list(limit=200)
    seen = list(client.vms.iter(limit=4))
    assert all(isinstance(v, Vm) for v in seen)
    assert len(seen) == everything.pagination.total > 4
    assert len({v.id for v in seen}) == len(seen)
    assert {v.id for v in seen} == {v.id for v in everything.vms}


def test_iter_keeps_the_filters_and_sort_on_every_page(client: ProxmoxAIClient) -> None:
    running = [
        v.name for v in client.vms.iter(status="running", sort="name", order="desc", limit=3)
    ]
    assert running == sorted(running, reverse=True)
    assert len(running) == client.vms.list(status="running").pagination.total


def test_unknown_vm_is_not_found_with_code_and_request_id(client: ProxmoxAIClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.vms.get("vm-99999")
    err = caught.value
    assert err.status == 404 and err.code == "RESOURCE_NOT_FOUND"
    assert err.request_id and err.request_id.startswith("req_")
    assert "vm-99999" in err.message and err.request_id in str(err)


def test_validation_error_carries_field_and_value(client: ProxmoxAIClient) -> None:
    with pytest.raises(ValidationError) as caught:
        client.vms.create(name="bad-01", template="ubuntu-22.04", memory_mb=-1024)
    assert caught.value.code == "VALIDATION_ERROR"
    assert caught.value.details["field"] == "configuration.memory_mb"
    assert caught.value.details["provided_value"] == -1024


def test_no_token_is_an_authentication_error(api: LiveApi) -> None:
    with (
        ProxmoxAIClient(api_token="", base_url=api.url) as anon,
        pytest.raises(AuthenticationError) as caught,
    ):
        anon.vms.list()
    assert caught.value.code == "INVALID_TOKEN"


def test_token_comes_from_pxa_api_token(api: LiveApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PXA_API_TOKEN", api.admin_token)
    with ProxmoxAIClient(base_url=api.url) as client:
        assert client.vms.list(limit=1).vms


def test_basic_credentials_issue_a_scoped_token_that_can_be_revoked(
    api: LiveApi, client: ProxmoxAIClient
) -> None:
    api.infra.tokens.set_password("admin", "correct-horse-battery")
    with ProxmoxAIClient(api_token="", base_url=api.url) as anon:
        issued = anon.auth.create_token(
            "ci-readonly",
            ["vm:read"],
            description="read only",
            expires_in=3600,
            username="admin",
            password="correct-horse-battery",
        )
        with pytest.raises(AuthenticationError) as wrong:
            anon.auth.create_token("x", ["vm:read"], username="admin", password="nope-nope")
    assert wrong.value.code == "INVALID_CREDENTIALS"
    assert issued.access_token.startswith("pxa_") and issued.permissions == ["vm:read"]

    with ProxmoxAIClient(api_token=issued.access_token, base_url=api.url) as ro:
        assert ro.vms.list(limit=1).vms
        with pytest.raises(PermissionDeniedError) as denied:
            ro.vms.start("vm-100")
        assert denied.value.code == "INSUFFICIENT_PERMISSIONS"
        assert issued.token_id in {t.token_id for t in client.auth.list_tokens().tokens}
        assert "revoked" in client.auth.revoke_token(issued.token_id).message
        with pytest.raises(AuthenticationError):
            ro.vms.list(limit=1)


def test_a_token_with_token_write_issues_tokens(client: ProxmoxAIClient) -> None:
    made = client.auth.create_token("deploy", ["vm:read", "vm:write"])
    assert made.token_type == "bearer" and made.token_id.startswith("tok_")


def test_health_and_info(client: ProxmoxAIClient) -> None:
    health = client.health()
    assert health.status == "healthy" and health.components["proxmox"] == "healthy"
    info = client.info()
    assert info.api_versions == ["v1"] and info.sandbox is True and "vm:read" in info.scopes

"""client.vms and client.jobs: every route, through the SDK, against the real API."""

from __future__ import annotations

import pytest

from pxa.models.job import JobList, JobStatus
from pxa.models.vm import JobAccepted, SnapshotList, VmDetail
from pxa.sdk import ConflictError, JobTimeoutError, NotFoundError, ProxmoxAIClient


def stopped_vm(client: ProxmoxAIClient) -> str:
    return client.vms.list(status="stopped", type="qemu", limit=1).vms[0].id


def running_vm(client: ProxmoxAIClient) -> str:
    return client.vms.list(status="running", type="qemu", limit=1).vms[0].id


def finished(client: ProxmoxAIClient, accepted: JobAccepted) -> JobStatus:
    return client.jobs.wait(accepted.job_id, timeout=60, poll=0.1).status


def test_get_returns_the_detail_model(client: ProxmoxAIClient) -> None:
    vm = client.vms.get(running_vm(client))
    assert isinstance(vm, VmDetail) and vm.status == "running"
    assert vm.configuration.cpu_cores and vm.performance is not None


def test_update_takes_flat_configuration_and_tags(client: ProxmoxAIClient) -> None:
    vm_id = stopped_vm(client)
    updated = client.vms.update(vm_id, description="changed by the SDK", memory_mb=3072)
    assert updated.description == "changed by the SDK"
    assert updated.configuration.memory_mb == 3072
    tagged = client.vms.update(vm_id, {"tags": ["sdk", "web"]})
    assert set(tagged.tags) == {"sdk", "web"}


def test_start_stop_restart_return_jobs_that_complete(client: ProxmoxAIClient) -> None:
    vm_id = stopped_vm(client)
    assert finished(client, client.vms.start(vm_id)) == "completed"
    assert finished(client, client.vms.restart(vm_id)) == "completed"
    stop = client.vms.stop(vm_id, graceful=False, timeout_seconds=30)
    assert isinstance(stop, JobAccepted) and finished(client, stop) == "completed"
    assert client.vms.get(vm_id).status == "stopped"


def test_starting_a_running_vm_is_a_conflict(client: ProxmoxAIClient) -> None:
    with pytest.raises(ConflictError) as caught:
        client.vms.start(running_vm(client))
    assert caught.value.status == 409 and caught.value.code == "RESOURCE_CONFLICT"


def test_snapshots_create_list_restore_delete(client: ProxmoxAIClient) -> None:
    vm_id = stopped_vm(client)
    made = client.vms.snapshots.create(vm_id, "sdk-snap", description="before the change")
    assert finished(client, made) == "completed"
    listed = client.vms.snapshots.list(vm_id)
    assert isinstance(listed, SnapshotList)
    assert "sdk-snap" in {s.name for s in listed.snapshots}
    assert finished(client, client.vms.snapshots.restore(vm_id, "sdk-snap")) == "completed"
    assert finished(client, client.vms.snapshots.delete(vm_id, "sdk-snap")) == "completed"
    assert "sdk-snap" not in {s.name for s in client.vms.snapshots.list(vm_id).snapshots}


def test_delete_removes_the_vm(client: ProxmoxAIClient) -> None:
    made = client.vms.create(name="sdk-doomed", template="debian-12")
    assert client.jobs.wait(made.creation_job_id, timeout=60, poll=0.1).status == "completed"
    assert finished(client, client.vms.delete(made.id, force=True)) == "completed"
    with pytest.raises(NotFoundError):
        client.vms.get(made.id)


def test_jobs_list_filters_and_get(client: ProxmoxAIClient) -> None:
    started = client.vms.start(stopped_vm(client))
    client.jobs.wait(started.job_id, timeout=60, poll=0.1)
    jobs = client.jobs.list(type="vm_start", limit=10)
    assert isinstance(jobs, JobList) and started.job_id in {j.id for j in jobs.jobs}
    assert client.jobs.get(started.job_id).status == "completed"


def test_cancel_returns_the_job(client: ProxmoxAIClient) -> None:
    made = client.vms.create(name="sdk-cancel", template="debian-12", start=False)
    job = client.jobs.cancel(made.creation_job_id)
    assert job.id == made.creation_job_id
    assert job.status in ("cancelled", "completed", "running")
    assert client.jobs.wait(job.id, timeout=60, poll=0.1).status.finished


def test_wait_gives_up_with_the_last_state(client: ProxmoxAIClient) -> None:
    made = client.vms.create(name="sdk-slow", template="ubuntu-24.04")
    with pytest.raises(JobTimeoutError) as caught:
        client.jobs.wait(made.creation_job_id, timeout=0.05, poll=0.01)
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.job.id == made.creation_job_id and not caught.value.job.status.finished


def test_unknown_job_is_not_found(client: ProxmoxAIClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.jobs.get("job_nope")
    assert caught.value.code == "RESOURCE_NOT_FOUND"

"""Tasks: UPIDs, status, logs, listing and stopping."""

from __future__ import annotations

import pytest
import requests
from proxmoxer import ProxmoxAPI, ResourceException
from proxmoxer.tools import Tasks

from pxa.sandbox.server import SandboxInfo, SandboxServer

from .helpers import find_vm, find_where, wait_task, wait_until


@pytest.fixture
def slow(sandbox: SandboxServer) -> SandboxServer:
    """Tasks that take long enough to be seen running (a full clone: 12 s / 2)."""
    assert sandbox.world is not None
    sandbox.world.speed = 2
    return sandbox


def _start_stopped(pve: ProxmoxAPI) -> tuple[str, int, str]:
    vm = find_where(pve, status="stopped", template=0)
    return vm["node"], vm["vmid"], pve.nodes(vm["node"]).qemu(vm["vmid"]).status.start.post()


def test_upid_has_nine_fields_and_decodes_with_proxmoxer(pve: ProxmoxAPI) -> None:
    node, vmid, upid = _start_stopped(pve)
    decoded = Tasks.decode_upid(upid)
    assert (decoded["node"], decoded["type"], decoded["id"]) == (node, "qmstart", str(vmid))
    assert upid.split(":")[7] == "root@pam!pxa"  # the token id, as PVE writes it
    assert upid.endswith(":")


def test_running_task_status_has_no_exitstatus(pve: ProxmoxAPI, slow: SandboxServer) -> None:
    node, vmid = find_vm(pve, "web-server-02")
    upid = pve.nodes(node).qemu(vmid).clone.post(newid=700, full=1)
    status = pve.nodes(node).tasks(upid).status.get()
    assert status["status"] == "running" and "exitstatus" not in status


def test_task_status_splits_the_token_from_the_user(pve: ProxmoxAPI) -> None:
    _, _, upid = _start_stopped(pve)
    status = wait_task(pve, upid)
    assert (status["user"], status["tokenid"], status["exitstatus"]) == ("root@pam", "pxa", "OK")


def test_blocking_status_of_proxmoxer_sees_the_task_finish(pve: ProxmoxAPI) -> None:
    _, _, upid = _start_stopped(pve)
    assert Tasks.blocking_status(pve, upid, timeout=10, polling_interval=0.02)["exitstatus"] == "OK"


def test_log_is_one_based_and_ends_with_task_ok(pve: ProxmoxAPI) -> None:
    wait_task(pve, upid := pve.nodes("pve1").qemu(9000).clone.post(newid=701))
    log = pve.nodes("pve1").tasks(upid).log.get()
    assert log[0]["n"] == 1
    assert log[-1]["t"] == "TASK OK"


def test_log_paging_reports_the_total(info: SandboxInfo, pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "web-server-02")
    upid = pve.nodes(node).qemu(vmid).clone.post(newid=702, full=1)
    wait_task(pve, upid)
    resp = requests.get(
        f"{info.url}/api2/json/nodes/{node}/tasks/{upid}/log",
        params={"start": 2, "limit": 3},
        verify=info.ca_cert,
        headers={"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"},
    ).json()
    assert [row["n"] for row in resp["data"]] == [3, 4, 5]
    assert resp["total"] > 5


def test_failed_task_log_ends_with_task_error(pve: ProxmoxAPI) -> None:
    vm = find_where(pve, status="running")
    upid = pve.nodes(vm["node"]).qemu(vm["vmid"]).status.start.post()
    wait_task(pve, upid)
    last = pve.nodes(vm["node"]).tasks(upid).log.get()[-1]["t"]
    assert last == f"TASK ERROR: VM {vm['vmid']} already running"


def test_stopping_a_running_task_interrupts_it_and_drops_the_clone(
    pve: ProxmoxAPI, slow: SandboxServer
) -> None:
    node, vmid = find_vm(pve, "web-server-02")
    upid = pve.nodes(node).qemu(vmid).clone.post(newid=703, full=1)
    pve.nodes(node).tasks(upid).delete()
    assert pve.nodes(node).tasks(upid).status.get()["exitstatus"] == "interrupted by signal"
    assert all(r["vmid"] != 703 for r in pve.cluster.resources.get(type="vm"))


def test_stopping_a_snapshot_task_releases_the_lock(pve: ProxmoxAPI, slow: SandboxServer) -> None:
    node, vmid = find_vm(pve, "app-server-01")
    vm = pve.nodes(node).qemu(vmid)
    upid = vm.snapshot.post(snapname="aborted")
    assert vm.config.get()["lock"] == "snapshot"
    pve.nodes(node).tasks(upid).delete()
    assert "lock" not in vm.config.get()
    assert "aborted" not in {s["name"] for s in vm.snapshot.get()}


def test_task_list_filters_by_vmid_type_and_errors(pve: ProxmoxAPI) -> None:
    vm = find_where(pve, status="running")
    node, vmid = vm["node"], vm["vmid"]
    wait_task(pve, pve.nodes(node).qemu(vmid).status.start.post())
    failed = pve.nodes(node).tasks.get(vmid=vmid, typefilter="qmstart", errors=1)
    assert len(failed) == 1 and failed[0]["status"] == f"VM {vmid} already running"


def test_task_list_leaves_running_tasks_out_by_default(
    pve: ProxmoxAPI, slow: SandboxServer
) -> None:
    node, vmid = find_vm(pve, "web-server-02")
    upid = pve.nodes(node).qemu(vmid).clone.post(newid=704, full=1)
    assert upid not in [t["upid"] for t in pve.nodes(node).tasks.get()]
    assert upid in [t["upid"] for t in pve.nodes(node).tasks.get(source="active")]


def test_cluster_tasks_include_running_ones(pve: ProxmoxAPI, slow: SandboxServer) -> None:
    node, vmid = find_vm(pve, "web-server-02")
    upid = pve.nodes(node).qemu(vmid).clone.post(newid=705, full=1)
    assert upid in [t["upid"] for t in pve.cluster.tasks.get()]


def test_unknown_upid_is_a_parameter_error(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").tasks(
            "UPID:pve1:00000001:00000001:00000001:qmstart:100:x@pam:"
        ).status.get()
    assert err.value.errors == {"upid": "no such task"}


def test_running_vm_shows_changing_cpu_over_time(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "db-01")
    vm = pve.nodes(node).qemu(vmid)
    first = vm.status.current.get()["netin"]
    wait_until(lambda: vm.status.current.get()["netin"] > first)

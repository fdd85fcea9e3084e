"""Storages, their content, backups and backup jobs survive a restart."""

from __future__ import annotations

import io
from collections.abc import Callable

from pxa.sandbox.server import SandboxServer
from pxa.sandbox.storage_state import state_of

from .helpers import find_vm, token_client, wait_task


def test_storage_backup_and_job_changes_survive_a_restart(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    srv = make_sandbox(speed=400)
    assert srv.info is not None
    api = token_client(srv.info)
    api.storage.post(
        storage="offsite",
        type="pbs",
        server="10.0.0.9",
        datastore="far",
        password="s3cret",
        content="backup",
    )
    iso = io.BytesIO(b"\0" * 2048)
    iso.name = "kept.iso"
    wait_task(api, api.nodes("pve1").storage("local").upload.post(content="iso", filename=iso))
    node, vmid = find_vm(api, "vpn-gateway-01")
    wait_task(api, api.nodes(node).vzdump.post(vmid=vmid, storage="offsite"))
    backup = api.nodes(node).storage("offsite").content.get()[0]
    api.nodes(node).storage("offsite").content(backup["volid"]).put(protected=1, notes="kept")
    api.cluster.backup.post(id="kept-job", schedule="03:30", storage="offsite", vmid=vmid)
    srv.stop()

    srv = make_sandbox(srv.state_dir, speed=400)
    assert srv.info is not None and srv.world is not None
    api = token_client(srv.info)
    assert api.storage("offsite").get()["datastore"] == "far"
    assert state_of(srv.world).secrets["offsite"]["password"] == "s3cret"
    assert "local:iso/kept.iso" in {
        v["volid"] for v in api.nodes("pve1").storage("local").content.get()
    }
    item = api.nodes(node).storage("offsite").content(backup["volid"]).get()
    assert (item["protected"], item["notes"]) == (1, "kept")
    assert api.cluster.backup("kept-job").get()["schedule"] == "03:30"


def test_a_restore_finishes_by_the_clock_after_a_restart(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    srv = make_sandbox(speed=1)
    assert srv.info is not None and srv.world is not None
    api = token_client(srv.info)
    node, vmid = find_vm(api, "vpn-gateway-01")
    volid = api.nodes(node).storage("pbs-main").content.get(vmid=vmid)[-1]["volid"]
    upid = api.nodes(node).qemu.post(vmid=950, archive=volid)
    srv.world.tasks.by_upid[upid].start -= 600  # as if ten minutes passed while it was down
    srv.stop()
    srv = make_sandbox(srv.state_dir)
    assert srv.info is not None
    api = token_client(srv.info)
    assert api.nodes(node).tasks(upid).status.get()["exitstatus"] == "OK"
    assert api.nodes(node).qemu(950).config.get()["name"] == "vpn-gateway-01"

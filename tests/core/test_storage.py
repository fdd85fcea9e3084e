"""Storage: pools with per-node usage, creating pools, content, uploads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import Conflict, Invalid, NodeOffline
from pxa.sandbox.server import SandboxServer

CLI = CallContext.of("cli")


async def test_lists_pools_with_content_and_usage_per_node(infra: Infra) -> None:
    pools = {p.id: p for p in (await infra.call("storage.list", {}, CLI)).storage}
    assert {"local", "local-lvm"} <= set(pools)
    lvm = pools["local-lvm"]
    assert lvm.type == "lvmthin" and "images" in lvm.content and not lvm.shared
    assert {u.node for u in lvm.usage} == {"pve1", "pve2", "pve3"}
    assert all(u.total_gb and u.used_gb is not None for u in lvm.usage)
    assert lvm.total_gb == pytest.approx(sum(u.total_gb for u in lvm.usage), rel=0.01)


async def test_a_shared_pool_counts_its_space_once(infra: Infra) -> None:
    shared = [p for p in (await infra.call("storage.list", {}, CLI)).storage if p.shared]
    assert shared, "the lab has a shared backup storage"
    pool = next(p for p in shared if p.usage)
    assert pool.total_gb == pytest.approx(pool.usage[0].total_gb)


async def test_filters_by_content(infra: Infra) -> None:
    pools = (await infra.call("storage.list", {"content": "backup"}, CLI)).storage
    assert pools and all("backup" in p.content for p in pools)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "dir"}, "path"),
        ({"type": "nfs", "server": "192.168.1.50"}, "export"),
        ({"type": "lvmthin", "vgname": "pve"}, "thinpool"),
        ({"type": "zfspool"}, "pool"),
        ({"type": "pbs", "server": "192.168.1.60", "datastore": "main"}, "username"),
        ({"type": "lvmthin", "vgname": "pve", "thinpool": "data", "content": ["iso"]}, "content"),
        ({"type": "dir", "path": "/srv", "encryption_key": "autogen"}, "encryption_key"),
        ({"type": "dir", "path": "/srv", "nodes": ["pve9"]}, "nodes"),
    ],
)
async def test_each_type_needs_its_fields(infra: Infra, body: dict, field: str) -> None:
    with pytest.raises(Invalid) as err:
        await infra.call("storage.create", {"name": "newpool", **body}, CLI)
    assert err.value.field == field


async def test_creates_a_dir_pool(infra: Infra) -> None:
    pool = await infra.call(
        "storage.create",
        {"name": "scratch", "type": "dir", "path": "/srv/scratch", "content": ["iso", "backup"]},
        CLI,
    )
    assert (pool.id, pool.type, pool.content) == ("scratch", "dir", ["backup", "iso"])
    assert pool.details["path"] == "/srv/scratch"


async def test_creates_an_nfs_pool_shared_by_nature(infra: Infra) -> None:
    pool = await infra.call(
        "storage.create",
        {
            "name": "nfs2",
            "type": "nfs",
            "server": "192.168.1.50",
            "export": "/export/pve",
            "content": ["backup"],
        },
        CLI,
    )
    assert pool.shared


async def test_a_pbs_password_is_never_kept_or_audited(infra: Infra) -> None:
    await infra.call(
        "storage.create",
        {
            "name": "pbs2",
            "type": "pbs",
            "server": "192.168.1.61",
            "datastore": "main",
            "username": "backup@pbs",
            "password": "hunter2-secret",
            "fingerprint": ":".join(["AB"] * 32),
        },
        CLI,
    )
    audit = infra.audit.recent()[0]
    assert audit.operation == "storage.create" and "hunter2-secret" not in str(audit.arguments)
    rows = list(infra.database.db.query("select * from audit"))
    assert "hunter2-secret" not in str(rows)


async def test_a_duplicate_name_is_a_conflict(infra: Infra) -> None:
    with pytest.raises(Conflict):
        await infra.call("storage.create", {"name": "local", "type": "dir", "path": "/x"}, CLI)


async def test_browses_isos_and_disk_images(infra: Infra) -> None:
    isos = await infra.call("storage.content", {"storage_id": "local", "content": "iso"}, CLI)
    assert isos.items and all(i.content == "iso" for i in isos.items)
    disks = await infra.call("storage.content", {"storage_id": "local-lvm", "node": "pve1"}, CLI)
    assert any(i.vmid and i.volid.startswith("local-lvm:vm-") for i in disks.items)


async def test_uploads_an_iso_through_a_job(infra: Infra, tmp_path: Path) -> None:
    iso = tmp_path / "tiny-rescue.iso"
    iso.write_bytes(b"\x00" * (3 * 1024 * 1024 + 17))
    digest = hashlib.sha256(iso.read_bytes()).hexdigest()
    accepted = await infra.call(
        "storage.upload",
        {
            "storage_id": "local",
            "path": str(iso),
            "content": "iso",
            "node": "pve2",
            "checksum": digest,
        },
        CLI,
    )
    job = await infra.jobs.wait(accepted.job_id, timeout=60)
    assert job.status.value == "completed", job.error
    content = await infra.call(
        "storage.content", {"storage_id": "local", "node": "pve2", "content": "iso"}, CLI
    )
    item = next(i for i in content.items if i.volid == "local:iso/tiny-rescue.iso")
    assert item.size_gb == pytest.approx(iso.stat().st_size / 1024**3, abs=0.01)


@pytest.mark.parametrize(
    ("name", "content", "field"),
    [("image.txt", "iso", "path"), ("debian.iso", "vztmpl", "path"), ("ok.iso", "iso", None)],
)
async def test_upload_checks_extension_and_storage_content(
    infra: Infra, tmp_path: Path, name: str, content: str, field: str | None
) -> None:
    f = tmp_path / name
    f.write_bytes(b"x" * 10)
    storage = "local" if field else "local-lvm"  # local-lvm holds no ISOs
    with pytest.raises(Invalid) as err:
        await infra.call(
            "storage.upload", {"storage_id": storage, "path": str(f), "content": content}, CLI
        )
    assert err.value.field == (field or "content")


async def test_an_offline_storage_is_reported(infra: Infra, sandbox: SandboxServer) -> None:
    sandbox.faults.offline_storages = {"local"}
    infra.inventory.invalidate()
    with pytest.raises(NodeOffline, match="not online"):
        await infra.call("storage.content", {"storage_id": "local", "node": "pve1"}, CLI)

"""Storage operations: pools with per-node usage, creating pools, content, uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from pxa.core.catalogue import operation
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.core.workflow import JobContext, workflow
from pxa.errors import Conflict, Invalid, NodeOffline, NotFound
from pxa.models.common import Model, Risk
from pxa.models.storage import (
    ALLOWED_CONTENT,
    ContentItem,
    ContentList,
    ContentQuery,
    NodeUsage,
    StorageCreate,
    StorageList,
    StoragePool,
    StorageQuery,
    StorageRef,
)
from pxa.models.vm import JobAccepted

GiB = 1024**3
DETAIL_KEYS = (
    "path",
    "server",
    "export",
    "vgname",
    "thinpool",
    "pool",
    "datastore",
    "username",
    "namespace",
    "fingerprint",
)
REQUIRED: dict[str, tuple[str, ...]] = {
    "dir": ("path",),
    "nfs": ("server", "export"),
    "lvmthin": ("vgname", "thinpool"),
    "zfspool": ("pool",),
    "pbs": ("server", "datastore", "username", "password", "fingerprint"),
}
EXTENSIONS = {
    "iso": (".iso", ".img"),
    "vztmpl": (".tar.gz", ".tar.xz", ".tar.zst"),
    "import": (".ova", ".ovf", ".qcow2", ".raw", ".vmdk", ".img"),
}


def _gb(n: float | None) -> float | None:
    return None if n is None else round(n / GiB, 2)


def pool_from(
    config: dict[str, Any], rows: list[dict[str, Any]], all_nodes: list[str]
) -> StoragePool:
    name = config["storage"]
    nodes = config["nodes"].split(",") if config.get("nodes") else all_nodes
    usage = []
    for r in sorted((r for r in rows if r.get("storage") == name), key=lambda r: r["node"]):
        total, used = r.get("maxdisk"), r.get("disk")
        usage.append(
            NodeUsage(
                node=r["node"],
                active=r.get("status") == "available",
                total_gb=_gb(total),
                used_gb=_gb(used),
                free_gb=_gb(total - used) if total is not None and used is not None else None,
                used_percent=round(100 * used / total, 1) if total and used is not None else None,
            )
        )
    shared = bool(config.get("shared")) or config.get("type") in ("nfs", "pbs", "cephfs", "rbd")
    live = [u for u in usage if u.active and u.total_gb is not None]
    if shared:
        live = live[:1]  # the same space seen from every node
    return StoragePool(
        id=name,
        name=name,
        type=config.get("type", "unknown"),
        content=sorted(c for c in str(config.get("content", "")).split(",") if c),
        shared=shared,
        enabled=not config.get("disable"),
        nodes=nodes,
        usage=usage,
        total_gb=round(sum(u.total_gb or 0 for u in live), 2) if live else None,
        used_gb=round(sum(u.used_gb or 0 for u in live), 2) if live else None,
        free_gb=round(sum(u.free_gb or 0 for u in live), 2) if live else None,
        details={k: str(config[k]) for k in DETAIL_KEYS if config.get(k)},
        encrypted_backups=bool(config.get("encryption-key")),
    )


async def pools(infra: Infra) -> list[StoragePool]:
    await infra.inventory.ensure_fresh()
    configs = await infra.adapter.storage.configs()
    nodes = sorted(infra.inventory.nodes)
    return [pool_from(c, infra.inventory.storage, nodes) for c in configs]


async def find_pool(infra: Infra, storage_id: str) -> StoragePool:
    for pool in await pools(infra):
        if pool.id == storage_id:
            return pool
    names = ", ".join(p.id for p in await pools(infra))
    raise NotFound(f"storage {storage_id!r} not found; storages: {names}")


@operation(
    "storage.list",
    summary="List storage pools with content types and per-node usage",
    input=StorageQuery,
    output=StorageList,
    scope="storage:read",
    risk=Risk.read,
)
async def storage_list(infra: Infra, q: StorageQuery, ctx: CallContext) -> StorageList:
    found = await pools(infra)
    if q.type:
        found = [p for p in found if p.type == q.type]
    if q.content:
        found = [p for p in found if q.content in p.content]
    if q.node:
        found = [p for p in found if q.node in p.nodes]
    return StorageList(storage=found)


@operation(
    "storage.get",
    summary="Show one storage pool",
    input=StorageRef,
    output=StoragePool,
    scope="storage:read",
    risk=Risk.read,
)
async def storage_get(infra: Infra, ref: StorageRef, ctx: CallContext) -> StoragePool:
    return await find_pool(infra, ref.storage_id)


@operation(
    "storage.create",
    summary="Create a storage pool (dir, nfs, lvmthin, zfspool or pbs)",
    input=StorageCreate,
    output=StoragePool,
    scope="storage:write",
    risk=Risk.write,
)
async def storage_create(infra: Infra, req: StorageCreate, ctx: CallContext) -> StoragePool:
    for field in REQUIRED[req.type]:
        if not getattr(req, field):
            raise Invalid(f"a {req.type} storage needs {field}", field=field, reason="required")
    allowed = ALLOWED_CONTENT[req.type]
    bad = [c for c in req.content if c not in allowed]
    if bad:
        raise Invalid(
            f"a {req.type} storage cannot hold {', '.join(bad)} (it can hold "
            f"{', '.join(sorted(allowed))})",
            field="content",
            reason="content_not_allowed",
            provided_value=req.content,
        )
    if req.encryption_key and req.type != "pbs":
        raise Invalid(
            "client-side encryption keys exist only for pbs storages",
            field="encryption_key",
            reason="pbs_only",
            provided_value=req.encryption_key,
        )
    await infra.inventory.ensure_fresh()
    unknown = [n for n in req.nodes if n not in infra.inventory.nodes]
    if unknown:
        raise Invalid(
            f"unknown node(s): {', '.join(unknown)}",
            field="nodes",
            reason="unknown_node",
            provided_value=req.nodes,
        )
    if any(c["storage"] == req.name for c in await infra.adapter.storage.configs()):
        raise Conflict(
            f"a storage named {req.name!r} already exists",
            details={"field": "name", "provided_value": req.name},
        )
    params: dict[str, Any] = {k: getattr(req, k) for k in DETAIL_KEYS if getattr(req, k)}
    if req.type == "nfs" and not req.path:
        params["path"] = f"/mnt/pve/{req.name}"  # where PVE mounts NFS storages by default
    if req.content:
        params["content"] = ",".join(req.content)
    elif req.type == "pbs":
        params["content"] = "backup"
    if req.nodes:
        params["nodes"] = ",".join(req.nodes)
    if req.shared is not None and req.type in ("dir", "lvmthin"):
        params["shared"] = req.shared
    if not req.enabled:
        params["disable"] = True
    if req.password:
        params["password"] = req.password.get_secret_value()
    if req.encryption_key:
        params["encryption-key"] = req.encryption_key
    await infra.adapter.storage.create(req.name, req.type, **params)
    infra.inventory.invalidate()
    return await find_pool(infra, req.name)


def content_item(row: dict[str, Any]) -> ContentItem:
    from datetime import UTC, datetime

    verification = row.get("verification")
    return ContentItem(
        volid=row["volid"],
        content=row.get("content", ""),
        format=row.get("format"),
        size_gb=_gb(row.get("size")),
        used_gb=_gb(row.get("used")),
        vmid=int(row["vmid"]) if row.get("vmid") else None,
        created_at=datetime.fromtimestamp(row["ctime"], UTC) if row.get("ctime") else None,
        notes=row.get("notes"),
        protected=bool(row.get("protected")),
        encrypted=bool(row.get("encrypted")),
        verification=verification.get("state") if isinstance(verification, dict) else None,
    )


async def active_node(infra: Infra, pool: StoragePool, wanted: str | None) -> str:
    if wanted:
        usage = next((u for u in pool.usage if u.node == wanted), None)
        if usage is None:
            raise Invalid(
                f"storage {pool.id} is not available on {wanted}",
                field="node",
                reason="not_on_node",
                provided_value=wanted,
            )
        if not usage.active:
            raise NodeOffline(f"storage {pool.id} is not online on {wanted}")
        return wanted
    for usage in pool.usage:
        if usage.active:
            return usage.node
    raise NodeOffline(f"storage {pool.id} is not online on any node")


@operation(
    "storage.content",
    summary="Browse a storage: ISOs, templates, disk images, backups",
    input=ContentQuery,
    output=ContentList,
    scope="storage:read",
    risk=Risk.read,
)
async def storage_content(infra: Infra, q: ContentQuery, ctx: CallContext) -> ContentList:
    pool = await find_pool(infra, q.storage_id)
    node = await active_node(infra, pool, q.node)
    params: dict[str, Any] = {}
    if q.content:
        params["content"] = q.content
    if q.vmid:
        params["vmid"] = q.vmid
    rows = await infra.adapter.storage.content(node, pool.id, **params)
    items = sorted((content_item(r) for r in rows), key=lambda i: i.volid)
    return ContentList(storage_id=pool.id, node=node, items=items)


class StorageUpload(Model):
    storage_id: str = Field(min_length=1)
    path: str = Field(min_length=1, description="a file on the machine pxa runs on")
    content: str = Field(pattern="^(iso|vztmpl|import)$")
    node: str | None = None
    checksum: str | None = Field(default=None, description="expected hex digest")
    checksum_algorithm: str = Field(
        default="sha256", pattern="^(md5|sha1|sha224|sha256|sha384|sha512)$"
    )


@operation(
    "storage.upload",
    summary="Upload an ISO, container template or disk image to a storage",
    input=StorageUpload,
    output=JobAccepted,
    scope="storage:write",
    risk=Risk.write,
)
async def storage_upload(infra: Infra, req: StorageUpload, ctx: CallContext) -> JobAccepted:
    file = Path(req.path).expanduser()
    if not file.is_file():
        raise Invalid(
            f"no file at {file}", field="path", reason="not_found", provided_value=req.path
        )
    if not file.name.lower().endswith(EXTENSIONS[req.content]):
        raise Invalid(
            f"a {req.content} upload must end in {' or '.join(EXTENSIONS[req.content])}",
            field="path",
            reason="wrong_extension",
            provided_value=file.name,
        )
    pool = await find_pool(infra, req.storage_id)
    if req.content not in pool.content:
        raise Invalid(
            f"storage {pool.id} does not hold {req.content} (it holds {', '.join(pool.content)})",
            field="content",
            reason="content_not_allowed",
            provided_value=req.content,
        )
    node = await active_node(infra, pool, req.node)
    size = file.stat().st_size
    free = next((u.free_gb for u in pool.usage if u.node == node), None)
    if free is not None and size / GiB > free:
        raise Invalid(
            f"{file.name} ({size / GiB:.1f} GiB) does not fit in {pool.id} on {node} "
            f"({free:.1f} GiB free)",
            field="path",
            reason="no_space",
        )
    job_id = infra.jobs.create(
        "storage_upload",
        workflow="storage_upload",
        params={
            "node": node,
            "storage": pool.id,
            "content": req.content,
            "path": str(file),
            "size": size,
            "checksum": req.checksum,
            "algorithm": req.checksum_algorithm,
        },
        state={"expected_seconds": max(3.0, size / 50e6)},
        target=f"{pool.id}:{req.content}/{file.name}",
        actor=str(ctx.actor),
    )
    infra.jobs.start(job_id)
    return JobAccepted(
        job_id=job_id,
        status="running",
        target=pool.id,
        message=f"uploading {file.name} to {pool.id} on {node}",
    )


@workflow("storage_upload")
async def upload_workflow(ctx: JobContext) -> dict[str, Any]:
    p = ctx.params
    file = Path(p["path"])
    if ctx.state.get("started_upload") and not ctx.state.get("upids", {}).get("upload"):
        # A resumed job cannot know how much PVE received; the bytes must be sent again.
        raise Invalid(
            "the upload was interrupted before Proxmox had the whole file; start it again"
        )
    ctx.state["started_upload"] = True
    ctx.save()
    extra: dict[str, Any] = {}
    if p.get("checksum"):
        extra = {"checksum": p["checksum"], "checksum-algorithm": p["algorithm"]}

    async def send() -> str:
        return await ctx.adapter.storage.upload(
            p["node"], p["storage"], p["content"], file, **extra
        )

    size_mb = p["size"] / 1e6
    await ctx.task("upload", send, f"uploading {file.name} ({size_mb:.1f} MB) to {p['storage']}")
    return {"volid": f"{p['storage']}:{p['content']}/{file.name}", "size_bytes": p["size"]}

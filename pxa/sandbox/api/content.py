"""`/nodes/{node}/storage/{storage}/content`: list, read, annotate and delete volumes.

Deleting forks an `imgdel` task (id `<vmid>@<storage>`); its worker refuses a
protected backup with `cannot remove protected volume '<volname>' on '<storage>'`.
"""

from __future__ import annotations

from typing import Any

from pxa.sandbox import storage_content
from pxa.sandbox.api.storage_common import STORAGE_READ, real_volume_id, storages
from pxa.sandbox.errors import fail, forbidden
from pxa.sandbox.params import boolean, integer, string
from pxa.sandbox.routing import Call, Router
from pxa.sandbox.storage_types import check_content_list
from pxa.sandbox.volume_delete import plan_delete

BASE = "/nodes/{node}/storage/{storage}/content"


def register(r: Router) -> None:
    r.get(
        BASE,
        list_content,
        perms=[STORAGE_READ],
        params=[
            string("content", format="pve-storage-content"),
            integer("vmid", minimum=100, maximum=999999999),
        ],
    )
    volume = [string("storage", format="pve-storage-id")]
    r.get(f"{BASE}/{{volume}}", info, params=volume)
    r.put(f"{BASE}/{{volume}}", update, params=[*volume, string("notes"), boolean("protected")])
    r.delete(
        f"{BASE}/{{volume}}", delete, params=[*volume, integer("delay", minimum=1, maximum=30)]
    )


def _may_see(call: Call, item: dict[str, Any]) -> bool:
    """PVE's check_volume_access: templates need storage access, disks and backups more."""
    p, sid = call.principal, str(item["volid"]).split(":", 1)[0]
    if p.can(f"/storage/{sid}", "Datastore.Allocate"):
        return True
    if item["content"] == "backup":
        return p.can(f"/storage/{sid}", "Datastore.AllocateSpace") and p.can(
            f"/vms/{item.get('vmid')}", "VM.Backup"
        )
    if item["content"] in ("images", "rootdir"):
        return p.can(f"/storage/{sid}", "Datastore.Audit") and p.can(
            f"/vms/{item.get('vmid')}", "VM.Config.Disk"
        )
    return True


def list_content(call: Call) -> list[dict[str, Any]]:
    state, storeid = storages(call), call.params["storage"]
    if call.get("content"):
        check_content_list(call.get("content"))
    state.activate(call.world, storeid, call.node)
    items = storage_content.listing(
        call.world, state, storeid, call.node, call.get("content"), call.get("vmid")
    )
    return [i for i in items if _may_see(call, i)]


def _volume(call: Call) -> tuple[str, str]:
    return real_volume_id(call.params["storage"], call.params["volume"])


def info(call: Call) -> dict[str, Any]:
    state = storages(call)
    volid, storeid = _volume(call)
    state.activate(call.world, storeid, call.node)
    vol = state.find(volid, call.node)
    image = None if vol else storage_content.find_image(call.world, state, volid, call.node)
    if vol is None and image is None:
        raise fail(f"volume_size_info on '{volid}' failed - no format")
    item = vol.item() if vol else image.item(True)  # type: ignore[union-attr]
    if not _may_see(call, item):
        raise forbidden(f"/storage/{storeid}", "Datastore.Audit")
    out: dict[str, Any] = {
        "path": storage_content.path_of(state, volid, vol, image),
        "size": item["size"],
        "used": item.get("used", item["size"] if vol else 0),
        "format": item["format"],
    }
    if vol is not None and vol.content == "backup":
        if vol.notes:
            out["notes"] = vol.notes
        out["protected"] = int(vol.protected)
    return out


def update(call: Call) -> None:
    state = storages(call)
    volid, storeid = _volume(call)
    conf = state.config(storeid)
    vol = state.find(volid, call.node)
    if vol is not None and not _may_see(call, vol.item()):
        raise forbidden(f"/vms/{vol.vmid}", "VM.Backup")
    for attr in ("notes", "protected"):
        if call.get(attr) is None:
            continue
        if vol is None or vol.content != "backup":
            raise fail(f"attribute '{attr}' is not supported for storage type '{conf['type']}'")
        if attr == "notes":
            vol.notes = call.get("notes") or None
        elif call.get("protected") and not vol.protected:
            _check_protected_limit(call, conf, vol)
            vol.protected = True
        else:
            vol.protected = bool(call.get("protected"))
    return None


def _check_protected_limit(call: Call, conf: dict[str, Any], vol: Any) -> None:
    storeid = vol.storage
    limit = conf.get("max-protected-backups")
    if limit is None:
        limit = -1 if call.principal.can(f"/storage/{storeid}", "Datastore.Allocate") else 5
    if limit < 0:
        return
    count = sum(
        1
        for v in storages(call).files(storeid, call.node)
        if v.protected and v.vmid == vol.vmid and v.subtype == vol.subtype
    )
    if count >= limit:
        raise fail(
            f"The number of protected backups per guest is limited to {limit} "
            f"on storage '{storeid}'"
        )


def delete(call: Call) -> str | None:
    state = storages(call)
    volid, storeid = _volume(call)
    vol = state.find(volid, call.node)
    p = call.principal
    if vol is not None and vol.content == "backup" and vol.vmid:
        if not (
            p.can(f"/storage/{storeid}", "Datastore.AllocateSpace")
            and p.can(f"/vms/{vol.vmid}", "VM.Backup")
        ):
            raise forbidden(f"/vms/{vol.vmid}", "VM.Backup")
    elif not p.can(f"/storage/{storeid}", "Datastore.Allocate"):
        raise forbidden(f"/storage/{storeid}", "Datastore.Allocate")
    return plan_delete(call, state, volid, storeid, vol)

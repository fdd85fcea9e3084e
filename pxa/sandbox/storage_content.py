"""A storage's content as `/content` lists it: its files plus the guest disks on it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pxa.sandbox import storage_images
from pxa.sandbox.storage_state import StorageState
from pxa.sandbox.storage_types import content_set
from pxa.sandbox.volumes import SUBDIRS, Volume

if TYPE_CHECKING:
    from pxa.sandbox.storage_images import Image
    from pxa.sandbox.world import World


def listing(
    world: World,
    state: StorageState,
    storeid: str,
    node: str,
    content: str | None,
    vmid: int | None,
) -> list[dict[str, Any]]:
    """PVE's volume_list: only content types the storage is configured for."""
    conf = state.config(storeid)
    enabled = content_set(conf)
    wanted = {content} if content else enabled
    wanted &= enabled
    file_based = bool(conf.get("path"))
    items: list[dict[str, Any]] = []
    for v in state.files(storeid, node):
        if v.content not in wanted:
            continue
        if vmid is not None and v.vmid != vmid:
            continue  # with a VMID filter, ISOs and templates are not listed at all
        items.append(v.item())
    for img in storage_images.images(world, storeid, node, state.shared(storeid)):
        if img.content in wanted and (vmid is None or img.vmid == vmid):
            items.append(img.item(file_based))
    return sorted(items, key=lambda i: str(i["volid"]).lower())


def find_image(world: World, state: StorageState, volid: str, node: str) -> Image | None:
    storeid = volid.split(":", 1)[0]
    shared = state.shared(storeid) if storeid in state.configs else False
    return next(
        (i for i in storage_images.images(world, storeid, node, shared) if i.volid == volid),
        None,
    )


def path_of(state: StorageState, volid: str, vol: Volume | None, image: Image | None) -> str:
    """The volume's path as PVE reports it."""
    storeid, name = volid.split(":", 1)
    conf = state.config(storeid)
    if conf["type"] == "pbs":
        user = conf.get("username", "root@pam")
        return f"pbs://{user}@{conf.get('server')}:{conf.get('datastore')}/{name.split('/', 1)[1]}"
    if conf["type"] == "lvmthin" or conf["type"] == "lvm":
        return f"/dev/{conf.get('vgname')}/{name.rsplit('/', 1)[-1]}"
    if conf["type"] == "zfspool":
        return f"/dev/zvol/{conf.get('pool')}/{name}"
    if vol is not None:
        return f"{state.path(storeid, vol.content)}/{vol.filename}"
    vmid = image.vmid if image else 0
    return f"{conf.get('path', '')}/{SUBDIRS['images']}/{vmid}/{name.rsplit('/', 1)[-1]}"

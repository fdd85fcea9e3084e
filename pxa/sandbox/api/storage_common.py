"""What the storage, content, upload and backup modules share: path parameters,
privileges and PVE's volume-id helpers."""

from __future__ import annotations

from pxa.sandbox.params import string
from pxa.sandbox.routing import PATH_PARAMS, Call, perm
from pxa.sandbox.storage_state import StorageState, state_of
from pxa.sandbox.volumes import real_volume_id, split_volid

__all__ = ["STORAGE_READ", "real_volume_id", "split_volid", "storages"]

PATH_PARAMS.update(
    storage=string("storage", optional=False, format="pve-storage-id"),
    volume=string("volume", optional=False),
    id=string("id", optional=False, max_length=50, pattern=r"\S+"),
)
STORAGE_READ = perm("/storage/{storage}", "Datastore.Audit", "Datastore.AllocateSpace", any_of=True)


def storages(call: Call) -> StorageState:
    return state_of(call.world)

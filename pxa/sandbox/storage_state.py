"""The cluster's storage.cfg, the secrets kept beside it, and the files storages hold.

PVE's storage helpers are reproduced with their wording: `storage 'x' does not
exist`, `... is disabled`, `... is not available on node 'y'`, `... is not online`.
A storage is offline while its name is in the `offline_storages` fault.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, ClassVar

from pxa.sandbox import storage_types
from pxa.sandbox.errors import fail
from pxa.sandbox.formats import split_list
from pxa.sandbox.topology import Storage, storage_lookup
from pxa.sandbox.volumes import SUBDIRS, Volume

if TYPE_CHECKING:
    from pxa.sandbox.world import World


class StorageState:
    key: ClassVar[str] = "storage"

    def __init__(
        self,
        configs: dict[str, dict[str, Any]],
        secrets: dict[str, dict[str, str]],
        capacity: dict[str, int],
        volumes: list[Volume],
    ) -> None:
        self.configs = configs  # storeid → options incl. `type`, in storage.cfg order
        self.secrets = secrets  # storeid → password, encryption key ...
        self.capacity = capacity  # storeid → size in bytes of one instance of it
        self.volumes = volumes

    # --- area state ------------------------------------------------------------------

    @classmethod
    def generate(cls, world: World) -> StorageState:
        from pxa.sandbox import storage_seed  # the seed reads the guests; imported late

        return storage_seed.generate(world)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StorageState:
        records = data.get("records", {})
        volumes = []
        for item in data.get("volumes", []):
            item = dict(item)
            key = item.pop("record", None)
            volumes.append(Volume.from_dict({**item, "guest": records.get(key)}))
        return cls(
            configs=data["configs"],
            secrets=data.get("secrets", {}),
            capacity=data.get("capacity", {}),
            volumes=volumes,
        )

    def to_dict(self) -> dict[str, Any]:
        # Backups of one guest mostly hold the same config: store each record once.
        records: dict[str, dict[str, Any]] = {}
        keys: dict[int, str] = {}  # a record shared by several volumes is hashed once
        volumes = []
        for v in self.volumes:
            item = v.to_dict()
            guest = item.pop("guest")
            if guest is not None:
                if id(guest) not in keys:
                    text = json.dumps(guest, sort_keys=True).encode()
                    keys[id(guest)] = hashlib.sha1(text).hexdigest()[:16]
                records[keys[id(guest)]] = guest
                item["record"] = keys[id(guest)]
            volumes.append(item)
        return {
            "configs": self.configs,
            "secrets": self.secrets,
            "capacity": self.capacity,
            "volumes": volumes,
            "records": records,
        }

    # --- configuration ---------------------------------------------------------------

    def config(self, storeid: str) -> dict[str, Any]:
        conf = self.configs.get(storeid)
        if conf is None:
            raise fail(f"storage '{storeid}' does not exist")
        return conf

    def stype(self, storeid: str) -> storage_types.StorageType:
        return storage_types.lookup(self.config(storeid)["type"])

    def digest(self) -> str:
        return hashlib.sha1(json.dumps(self.configs, sort_keys=True).encode()).hexdigest()

    def on_node(self, storeid: str, node: str) -> bool:
        nodes = self.config(storeid).get("nodes")
        return not nodes or node in split_list(str(nodes))

    def enabled_on(self, storeid: str, node: str) -> bool:
        return not self.config(storeid).get("disable") and self.on_node(storeid, node)

    def check_enabled(self, storeid: str, node: str) -> dict[str, Any]:
        conf = self.config(storeid)
        if conf.get("disable"):
            raise fail(f"storage '{storeid}' is disabled")
        if not self.on_node(storeid, node):
            raise fail(f"storage '{storeid}' is not available on node '{node}'")
        return conf

    def is_online(self, world: World, storeid: str, node: str) -> bool:
        return storeid not in world.faults.offline_storages and world.is_online(node)

    def activate(self, world: World, storeid: str, node: str) -> dict[str, Any]:
        """PVE's activate_storage: enabled here, and reachable."""
        conf = self.check_enabled(storeid, node)
        if storeid in world.faults.offline_storages:
            raise fail(offline_message(storeid, conf))
        return conf

    def path(self, storeid: str, content: str) -> str:
        conf = self.config(storeid)
        return f"{conf.get('path', '')}/{SUBDIRS[content]}"

    def shared(self, storeid: str) -> bool:
        conf = self.config(storeid)
        return bool(conf.get("shared")) or self.stype(storeid).shared

    # --- files -------------------------------------------------------------------------

    def files(self, storeid: str, node: str) -> list[Volume]:
        """The files `storeid` holds as seen from `node` (its own copy of a local storage)."""
        shared = self.shared(storeid)
        return [
            v
            for v in self.volumes
            if v.storage == storeid and (shared or v.node is None or v.node == node)
        ]

    def find(self, volid: str, node: str) -> Volume | None:
        storeid = volid.split(":", 1)[0]
        if storeid not in self.configs:
            return None
        return next((v for v in self.files(storeid, node) if v.volid == volid), None)

    def put(self, volume: Volume) -> None:
        """Add a file, replacing one of the same name on the same storage instance."""
        self.volumes = [
            v for v in self.volumes if not (v.volid == volume.volid and v.node == volume.node)
        ]
        self.volumes.append(volume)

    def remove(self, volume: Volume) -> None:
        self.volumes = [v for v in self.volumes if v is not volume]


def offline_message(storeid: str, conf: dict[str, Any]) -> str:
    """What activating an unreachable storage says; PBS reports its HTTP failure instead."""
    if conf.get("type") == "pbs":
        port = conf.get("port", 8007)
        return (
            f"{storeid}: error fetching datastores - 500 Can't connect to "
            f"{conf.get('server')}:{port} (No route to host)"
        )
    return f"storage '{storeid}' is not online"


def state_of(world: World) -> StorageState:
    state = world.areas[StorageState.key]
    assert isinstance(state, StorageState)
    return state


def scope(world: World) -> AbstractContextManager[None]:
    """Let `topology.storage()` (disk allocation, clone targets) see this world's storages."""

    def lookup(name: str) -> Storage | None:
        state = world.areas.get(StorageState.key)
        if not isinstance(state, StorageState) or name not in state.configs:
            return None
        conf = state.configs[name]
        return Storage(
            name,
            conf["type"],
            str(conf.get("content", "")),
            state.capacity.get(name, 0),
            int(state.shared(name)),
        )

    return storage_lookup(lookup)

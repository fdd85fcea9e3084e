"""`/storage`: the cluster-wide storage configuration (storage.cfg).

Create and update answer `{storage, type[, config]}`; errors raised while the
config is locked carry PVE's prefix (`create storage failed: ...`).
"""

from __future__ import annotations

from typing import Any

from pxa.sandbox import storage_secrets, storage_types
from pxa.sandbox.api.storage_common import storages
from pxa.sandbox.errors import PveError, fail
from pxa.sandbox.formats import split_list
from pxa.sandbox.params import string
from pxa.sandbox.routing import Call, Router, perm
from pxa.sandbox.storage_options import CREATE_PARAMS, STORAGE_TYPES, UPDATE_PARAMS, check_formats
from pxa.sandbox.topology import GiB, TiB

ALLOCATE = perm("/storage", "Datastore.Allocate")
# What a new storage can hold, per type (the sandbox has no disks to measure).
CAPACITY = {
    "dir": 94 * GiB,
    "btrfs": 1 * TiB,
    "nfs": 4 * TiB,
    "cifs": 4 * TiB,
    "lvm": 1 * TiB,
    "lvmthin": 1 * TiB,
    "zfspool": 2 * TiB,
    "pbs": 8 * TiB,
}


def register(r: Router) -> None:
    r.get("/storage", list_storages, params=[string("type", enum=STORAGE_TYPES)])
    r.post("/storage", create, params=CREATE_PARAMS, perms=[ALLOCATE])
    r.get("/storage/{storage}", read, perms=[perm("/storage/{storage}", "Datastore.Allocate")])
    r.put("/storage/{storage}", update, params=UPDATE_PARAMS, perms=[ALLOCATE])
    r.delete("/storage/{storage}", delete, perms=[ALLOCATE])


def _api_config(call: Call, storeid: str) -> dict[str, Any]:
    state = storages(call)
    conf = dict(state.config(storeid))
    conf["content"] = conf.get("content") or "none"
    return {**conf, "storage": storeid, "digest": state.digest()}


def list_storages(call: Call) -> list[dict[str, Any]]:
    p = call.principal
    return [
        _api_config(call, storeid)
        for storeid, conf in storages(call).configs.items()
        if (
            p.can(f"/storage/{storeid}", "Datastore.Audit")
            or p.can(f"/storage/{storeid}", "Datastore.AllocateSpace")
        )
        and call.get("type") in (None, conf["type"])
    ]


def read(call: Call) -> dict[str, Any]:
    return _api_config(call, call.params["storage"])


def create(call: Call) -> dict[str, Any]:
    state = storages(call)
    params = {k: v for k, v in call.params.items() if k not in ("storage", "type")}
    storeid, type_name = call.params["storage"], call.params["type"]
    stype = storage_types.lookup(type_name)
    if not params.get("nodes"):
        params.pop("nodes", None)
    given = {k: params.pop(k) for k in stype.secrets if k in params}
    check_formats(params)
    settings = storage_types.check_config(stype, params, create=True)
    prefix = "create storage failed: "
    if storeid in state.configs:
        raise fail(f"{prefix}storage ID '{storeid}' already defined")
    conf: dict[str, Any] = {"type": type_name, "content": stype.default_content, **settings}
    if stype.shared:
        conf["shared"] = 1
    stored: dict[str, str] = {}
    returned = storage_secrets.apply(conf, stored, given, [], prefix)
    # PVE activates a new enabled storage at once, to report problems early.
    if storeid in call.world.faults.offline_storages and not conf.get("disable"):
        raise fail(f"{prefix}storage '{storeid}' is not online")
    state.configs[storeid] = conf
    state.capacity[storeid] = CAPACITY.get(type_name, 1 * TiB)
    if stored:
        state.secrets[storeid] = stored
    return _reply(storeid, type_name, returned)


def _reply(storeid: str, type_name: str, returned: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"storage": storeid, "type": type_name}
    if returned:
        out["config"] = returned
    return out


def update(call: Call) -> dict[str, Any]:
    state = storages(call)
    storeid = call.params["storage"]
    prefix = "update storage failed: "
    try:
        conf = state.config(storeid)
    except PveError as exc:
        raise fail(prefix + exc.message) from None
    digest = call.get("digest")
    if digest and digest != state.digest():
        raise fail(
            f"{prefix}detected modified configuration - file changed by other user? Try again."
        )
    stype = storage_types.lookup(conf["type"])
    deleted = split_list(call.get("delete") or "")
    params = {k: v for k, v in call.params.items() if k not in ("storage", "digest", "delete")}
    given = {k: params.pop(k) for k in stype.secrets if k in params}
    check_formats(params)
    try:
        settings = storage_types.check_config(stype, params, create=False)
    except PveError as exc:
        raise fail(prefix + exc.message) from None
    for key in deleted:
        if not stype.allows(key):
            raise fail(f"{prefix}no such option '{key}'")
        if key in stype.required:
            raise fail(f"{prefix}unable to delete required option '{key}'")
        if key in settings or key in given:
            raise fail(f"{prefix}cannot set and delete property '{key}' at the same time!")
    stored = state.secrets.setdefault(storeid, {})
    returned = storage_secrets.apply(conf, stored, given, deleted, prefix)
    for key in deleted:
        conf.pop(key, None)
    conf.update(settings)
    if not stored:
        state.secrets.pop(storeid, None)
    return _reply(storeid, conf["type"], returned)


def delete(call: Call) -> None:
    state = storages(call)
    storeid = call.params["storage"]
    try:
        state.config(storeid)
    except PveError as exc:
        raise fail("delete storage failed: " + exc.message) from None
    # The data stays where it is, as on a real cluster; only the definition goes.
    del state.configs[storeid]
    state.secrets.pop(storeid, None)
    state.capacity.pop(storeid, None)
    return None

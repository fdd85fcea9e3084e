"""`/nodes/{node}/vzdump`: back guests up now; the defaults; a backup's config.

The call answers with a UPID of type `vzdump` (id = the VMID when exactly one local
guest is included), or `OK` when every requested guest lives on another node.
"""

from __future__ import annotations

from typing import Any

from pxa.sandbox import backup_jobs, vzdump_effect, vzdump_params, vzdump_plan
from pxa.sandbox.api.storage_common import real_volume_id, storages
from pxa.sandbox.errors import fail, forbidden, param_error
from pxa.sandbox.params import boolean, string
from pxa.sandbox.routing import Call, Router
from pxa.sandbox.volume_config import config_text

DEFAULT_STORAGE = "local"
DEFAULTS: dict[str, Any] = {
    "all": 0,
    "bwlimit": 0,
    "compress": "0",
    "ionice": 7,
    "lockwait": 180,
    "mailnotification": "always",
    "mode": "snapshot",
    "notification-mode": "auto",
    "pigz": 0,
    "quiet": 0,
    "remove": 1,
    "stdexcludes": 1,
    "stop": 0,
    "stopwait": 10,
    "zstd": 1,
}


def register(r: Router) -> None:
    r.post(
        "/nodes/{node}/vzdump",
        vzdump,
        params=[
            *vzdump_params.OPTIONS,
            string("job-id", max_length=50, pattern=r"\S+"),
            boolean("stdout"),
        ],
    )
    r.get(
        "/nodes/{node}/vzdump/defaults",
        defaults,
        params=[string("storage", format="pve-storage-id")],
    )
    r.get(
        "/nodes/{node}/vzdump/extractconfig",
        extractconfig,
        params=[string("volume", optional=False)],
    )


def vzdump(call: Call) -> str:
    params = {k: v for k, v in call.params.items() if k != "node"}
    if params.get("stdout"):
        raise param_error({"stdout": "option is only allowed on the command line interface."})
    for key in vzdump_params.ROOT_ONLY:
        if key in params and call.principal.actor != "root@pam":
            raise param_error({key: "Only root may set this option."})
    vzdump_params.verify(params, True)
    if params.get("pool"):
        raise fail(f"pool '{params['pool']}' does not exist")
    world, node = call.world, call.node
    by_node = backup_jobs.included_guests(world, params)
    local = sorted(by_node.pop(node, []) + by_node.pop("", []))
    skipped = [v for vmids in by_node.values() for v in vmids]
    if not local:  # the guests live elsewhere: nothing to do here
        return "OK"
    storeid = params.get("storage") or DEFAULT_STORAGE
    if not call.principal.can(f"/storage/{storeid}", "Datastore.AllocateSpace"):
        raise forbidden(f"/storage/{storeid}", "Datastore.AllocateSpace")
    opts = vzdump_plan.Options(
        storage=storeid,
        mode=params.get("mode", "snapshot"),
        compress=str(params.get("compress", "0")),
        remove=bool(params.get("remove", 1)),
        protected=bool(params.get("protected", 0)),
        notes_template=params.get("notes-template"),
        prune_backups=params.get("prune-backups"),
        cmdline=vzdump_params.command_line({**params, "node": node}),
    )
    plan = vzdump_plan.plan(world, node, local, skipped, opts, call.now)
    return world.spawn(
        node=node,
        kind="vzdump",
        ident=local[0] if len(local) == 1 else "",
        user=call.principal.actor,
        action=vzdump_effect.ACTION,
        seconds=plan.seconds,
        now=call.now,
        args=plan.args(),
        plan=plan.timeline(),
        locks=tuple(plan.locks),
    )


def defaults(call: Call) -> dict[str, Any]:
    state = storages(call)
    storeid = call.get("storage") or DEFAULT_STORAGE
    out: dict[str, Any] = {**DEFAULTS, "storage": storeid}
    conf = state.config(storeid)
    if conf.get("prune-backups"):
        out["prune-backups"] = conf["prune-backups"]
    if conf["type"] != "pbs" and conf.get("path"):
        out["dumpdir"] = state.path(storeid, "backup")
    return out


def extractconfig(call: Call) -> str:
    state = storages(call)
    volid, storeid = real_volume_id(None, call.params["volume"])
    state.activate(call.world, storeid, call.node)
    vol = state.find(volid, call.node)
    if vol is None or vol.content != "backup" or not vol.guest:
        raise fail(f"volume '{volid}' does not exist")
    if not call.principal.can(f"/vms/{vol.vmid}", "VM.Backup"):
        raise forbidden(f"/vms/{vol.vmid}", "VM.Backup")
    return config_text(vol)

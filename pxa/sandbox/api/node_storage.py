"""`/nodes/{node}/storage`: storage status per node, its index and RRD data."""

from __future__ import annotations

import zlib
from typing import Any

from pxa.sandbox import storage_rrd, storage_views
from pxa.sandbox.api.common import subdirs
from pxa.sandbox.api.storage_common import STORAGE_READ, storages
from pxa.sandbox.errors import fail, param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.params import boolean, string
from pxa.sandbox.routing import Call, Router
from pxa.sandbox.storage_types import check_content_list

BASE = "/nodes/{node}/storage"
STORAGE_DIRS = (
    "content",
    "download-url",
    "file-restore",
    "import-metadata",
    "oci-registry-pull",
    "prunebackups",
    "rrd",
    "rrddata",
    "status",
    "upload",
)


def register(r: Router) -> None:
    r.get(
        BASE,
        list_storages,
        params=[
            string("content", format="pve-storage-content-list"),
            boolean("enabled"),
            boolean("format"),
            string("storage", format="pve-storage-id"),
            string("target", format="pve-node"),
        ],
    )
    r.get(f"{BASE}/{{storage}}", storage_index, perms=[STORAGE_READ], proxy=False)
    r.get(f"{BASE}/{{storage}}/status", status, perms=[STORAGE_READ])
    r.get(
        f"{BASE}/{{storage}}/rrddata",
        rrddata,
        perms=[STORAGE_READ],
        params=[
            string("timeframe", optional=False, enum=tuple(storage_rrd.FRAMES)),
            string("cf", enum=("AVERAGE", "MAX")),
        ],
    )


def list_storages(call: Call) -> list[dict[str, Any]]:
    state, node, p = storages(call), call.node, call.principal
    wanted = split_list(call.get("content") or "")
    if wanted:
        check_content_list(",".join(wanted))
    only = call.get("storage")
    if only and only not in state.configs:
        raise param_error({"storage": "No such storage."})
    target = call.get("target")
    rows = []
    for storeid, conf in state.configs.items():
        if not (
            p.can(f"/storage/{storeid}", "Datastore.Audit")
            or p.can(f"/storage/{storeid}", "Datastore.AllocateSpace")
        ):
            continue
        if only and storeid != only:
            continue
        enabled = state.enabled_on(storeid, node)
        held = set(split_list(str(conf.get("content", ""))))
        if wanted and (not enabled or not held & set(wanted)):
            continue
        if call.get("enabled") and conf.get("disable"):
            continue
        if (
            target
            and target != node
            and not (state.shared(storeid) and enabled and state.enabled_on(storeid, target))
        ):
            continue
        row = storage_views.node_status(call.world, storeid, node)
        if row["total"]:
            row["used_fraction"] = row["used"] / row["total"]
        if call.get("format"):
            formats = storage_views.formats(conf["type"])
            if formats:
                row["formats"] = formats
        rows.append(row)
    return rows


def storage_index(call: Call) -> list[dict[str, str]]:
    return subdirs(*STORAGE_DIRS)


def status(call: Call) -> dict[str, Any]:
    if call.params["storage"] not in storages(call).configs:
        raise param_error({"storage": "No such storage."})
    row = storage_views.node_status(call.world, call.params["storage"], call.node)
    row.pop("storage")
    return row


def rrddata(call: Call) -> list[dict[str, Any]]:
    state, storeid = storages(call), call.params["storage"]
    if storeid not in state.configs or not state.enabled_on(storeid, call.node):
        raise fail(
            f"RRD error: opening '/var/lib/rrdcached/db/pve-storage-9.0/{call.node}/{storeid}': "
            "No such file or directory"
        )
    total, used = storage_views.usage(call.world, state, storeid, call.node)
    salt = zlib.crc32(f"{call.node}/{storeid}".encode())
    return storage_rrd.rows(
        total, used, call.params["timeframe"], call.get("cf", "AVERAGE"), call.now, salt
    )

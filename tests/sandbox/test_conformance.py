"""Every route the sandbox serves, checked against the real PVE 9.1 API schema.

Static checks cover all methods: the path and method exist, each declared
parameter exists with the same type, and every parameter the schema requires is
declared. Then every GET route is called on a live sandbox with real ids and its
reply is compared with the schema's `returns` properties.

The schema is AGPL data; it is read from the shared reference folder at test time
and never copied into the package.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from pxa.sandbox.api import build_router
from pxa.sandbox.routing import Route
from pxa.sandbox.server import SandboxServer

from .helpers import token_client, wait_task

SCHEMA_PATH = Path(
    os.environ.get("PXA_PVE_SCHEMA")
    or Path(__file__).resolve().parents[3] / "shared" / "reference" / "pve-api-schema.json"
)
ROUTES = build_router().routes()
GET_ROUTES = [r for r in ROUTES if r.method == "GET"]

# Keys real servers send that the schema's `returns` leaves out (see pve-notes.md):
# the snapshot list's `current` entry carries `running` and `digest`; the firewall
# API adds a `digest` to options and to each rule (VMs' and vnets'); task status splits
# `tokenid` out; `/cluster/tasks` documents only `upid` but returns every task field.
KNOWN_EXTRA: dict[tuple[str, str], set[str]] = {
    ("GET", "/cluster/tasks"): {
        "node",
        "pid",
        "pstart",
        "starttime",
        "type",
        "id",
        "user",
        "endtime",
        "status",
    },
    ("GET", "/nodes/{node}/qemu/{vmid}/snapshot"): {"running", "digest"},
    ("GET", "/nodes/{node}/qemu/{vmid}/firewall/options"): {"digest"},
    ("GET", "/nodes/{node}/qemu/{vmid}/firewall/rules"): {"digest"},
    ("GET", "/nodes/{node}/qemu/{vmid}/firewall/rules/{pos}"): {"digest"},
    ("GET", "/nodes/{node}/tasks/{upid}/status"): {"tokenid"},
    # One interface reads back whole, as the list shows it; the schema names two keys.
    ("GET", "/nodes/{node}/network/{iface}"): {
        "method6",
        "families",
        "active",
        "autostart",
        "exists",
        "priority",
        "bridge_ports",
        "bridge_vlan_aware",
        "bridge_vids",
        "cidr",
        "address",
        "netmask",
        "gateway",
        "comments",
    },
    ("GET", "/cluster/sdn/vnets/{vnet}/firewall/options"): {"digest"},
    ("GET", "/cluster/sdn/vnets/{vnet}/firewall/rules"): {"digest"},
    ("GET", "/cluster/sdn/vnets/{vnet}/firewall/rules/{pos}"): {"digest"},
    # storage.cfg entries carry every option of their type; the schema names only `storage`.
    ("GET", "/storage"): {
        "type",
        "content",
        "digest",
        "path",
        "prune-backups",
        "max-protected-backups",
        "nodes",
        "disable",
        "shared",
        "vgname",
        "thinpool",
        "server",
        "export",
        "options",
        "datastore",
        "username",
        "fingerprint",
        "encryption-key",
        "namespace",
    },
    # content items: the content type and, for backups, the guest type (pve-notes.md §8).
    ("GET", "/nodes/{node}/storage/{storage}/content"): {"content", "subtype"},
    # backup jobs are jobs.cfg sections: they carry their section type, `vzdump`.
    ("GET", "/cluster/backup"): {"type"},
    ("GET", "/cluster/backup/{id}"): {"type"},
    # cluster.fw and host.fw: options and rules carry the file's digest, as the VM's do.
    ("GET", "/cluster/firewall/options"): {"digest"},
    ("GET", "/cluster/firewall/rules"): {"digest"},
    ("GET", "/nodes/{node}/firewall/options"): {"digest"},
    ("GET", "/nodes/{node}/firewall/rules"): {"digest"},
}


def _route_id(route: Route) -> str:
    return f"{route.method} {route.path}"


@pytest.fixture(scope="module")
def schema() -> dict[str, dict[str, Any]]:
    if not SCHEMA_PATH.exists():
        pytest.skip(f"PVE API schema not found at {SCHEMA_PATH} (set PXA_PVE_SCHEMA)")
    data = json.loads(SCHEMA_PATH.read_text())
    nodes: dict[str, dict[str, Any]] = {}

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            nodes[item["path"]] = item.get("info", {})
            walk(item.get("children", []))

    walk(data["apiSchema"])
    return nodes


def _method(schema: dict[str, dict[str, Any]], route: Route) -> dict[str, Any]:
    assert route.path in schema, f"{route.path} is not a PVE path"
    assert route.method in schema[route.path], f"PVE has no {_route_id(route)}"
    return schema[route.path][route.method]


def _props(method: dict[str, Any]) -> dict[str, Any]:
    return method.get("parameters", {}).get("properties", {})


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_route_exists_in_the_schema(schema: dict[str, dict[str, Any]], route: Route) -> None:
    _method(schema, route)


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_declared_parameters_exist_with_the_schema_type(
    schema: dict[str, dict[str, Any]], route: Route
) -> None:
    props = _props(_method(schema, route))
    for name, param in route.params.items():
        assert name in props, f"{name} is not a parameter of {_route_id(route)}"
        assert param.type == props[name]["type"], f"{name}: {param.type} vs {props[name]}"


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_required_schema_parameters_are_declared(
    schema: dict[str, dict[str, Any]], route: Route
) -> None:
    props = _props(_method(schema, route))
    required = {n for n, p in props.items() if not p.get("optional")}
    assert required <= set(route.params), f"undeclared: {required - set(route.params)}"


# --- the live walk ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SandboxServer, dict[str, Any]]]:
    srv = SandboxServer(tmp_path_factory.mktemp("conformance"), speed=50)
    info = srv.start()
    assert srv.world is not None
    api = token_client(info)
    vm = next(
        g
        for g in srv.world.guests.values()
        if g.kind == "qemu"
        and g.snapshots
        and g.power == "running"
        and g.agent_ready
        and "agent" in g.config
    )
    ct = next(g for g in srv.world.guests.values() if g.kind == "lxc")
    qemu = api.nodes(vm.node).qemu(vm.vmid)
    qemu.firewall.rules.post(type="in", action="ACCEPT", dport="22", source="10.0.0.0/8")
    upid = qemu.snapshot.post(snapname="conformance")
    wait_task(api, upid)
    ids = {"node": vm.node, "vmid": vm.vmid, "snapname": "conformance", "pos": 0, "upid": upid}
    # The lab's SDN (its `prod` vnet has firewall rules) and every node's vmbr0.
    ids |= {"zone": "lab", "vnet": "prod", "subnet": "lab-192.168.10.0-24", "iface": "vmbr0"}
    # The VM's newest backup on PBS (shared, so every node sees it) and the nightly job.
    backups = api.nodes(vm.node).storage("pbs-main").content.get(vmid=vm.vmid)
    ids |= {"storage": "pbs-main", "volume": backups[-1]["volid"]}
    ids |= {"id": api.cluster.backup.get()[0]["id"]}
    # root's API token.
    ids |= {"userid": "root@pam", "tokenid": "pxa"}
    yield srv, {"qemu": ids, "lxc": {"node": ct.node, "vmid": ct.vmid}}
    srv.stop()


def _fill(route: Route, ids: dict[str, Any]) -> str:
    kind = "lxc" if "/lxc/" in route.path else "qemu"
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[kind][m.group(1)]), route.path)


def _check_object(
    item: dict[str, Any], spec: dict[str, Any], extra: set[str], where: str, *, nested: bool = False
) -> None:
    props = spec.get("properties") or {}
    if not props:
        return  # the schema leaves this object open
    indexed = {name[:-3] for name in props if name.endswith("[n]")}
    # Nested objects (cpuinfo, memory ...) are only checked for their required keys.
    open_object = nested or bool(spec.get("additionalProperties"))
    for key in item if not open_object else ():
        base = key.rstrip("0123456789")
        assert key in props or key in extra or (base != key and base in indexed), (
            f"{where}: '{key}' is not in the schema's returns"
        )
    for name, prop in props.items():
        if not prop.get("optional") and not name.endswith("[n]"):
            assert name in item, f"{where}: required '{name}' is missing"
        if prop.get("type") == "object" and isinstance(item.get(name), dict):
            _check_object(item[name], prop, set(), f"{where}.{name}", nested=True)


@pytest.mark.parametrize("route", GET_ROUTES, ids=_route_id)
def test_get_reply_matches_the_schema_returns(
    schema: dict[str, dict[str, Any]], live: tuple[SandboxServer, dict[str, Any]], route: Route
) -> None:
    srv, ids = live
    assert srv.info is not None
    path = _fill(route, ids)
    # Required query parameters (rrddata's timeframe) get the first value they allow.
    query = {
        name: p.enum[0]
        for name, p in route.params.items()
        if not p.optional and p.enum and name not in route.placeholders
    }
    # ... and the others a value from the ids (extractconfig's `volume`).
    query |= {
        name: ids["qemu"][name]
        for name, p in route.params.items()
        if not p.optional and not p.enum and name in ids["qemu"] and name not in route.placeholders
    }
    resp = requests.get(
        f"{srv.info.url}/api2/json{path}",
        params=query,
        verify=srv.info.ca_cert,
        headers={"Authorization": f"PVEAPIToken={srv.info.token_id}={srv.info.token_secret}"},
    )
    assert resp.status_code == 200, f"{path}: {resp.status_code} {resp.reason}"
    data = resp.json()["data"]
    returns = _method(schema, route).get("returns", {})
    extra = KNOWN_EXTRA.get((route.method, route.path), set())
    if returns.get("type") == "array":
        assert isinstance(data, list), path
        for item in data:
            _check_object(item, returns.get("items", {}), extra, path)
    elif returns.get("type") == "object":
        assert isinstance(data, dict), path
        _check_object(data, returns, extra, path)
    elif returns.get("type") in ("string", "integer"):
        assert isinstance(data, (str, int)), path
    elif returns.get("type") == "null":
        assert data is None, path

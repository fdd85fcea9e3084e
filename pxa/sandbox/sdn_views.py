"""How SDN objects read back: plain, `pending=1`, `running=1`; and their resource rows."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from pxa.sandbox.sdn_state import SINGULAR, SdnState, Sections, sdn

if TYPE_CHECKING:
    from pxa.sandbox.world import World


def view(state: SdnState, kind: str, *, pending: bool = False, running: bool = False) -> Sections:
    """The sections a GET shows: PVE's `pending_config` merge, the running copy, or config."""
    if pending:
        return _pending(state.sections(kind, running=True), state.config[kind])
    return copy.deepcopy(state.sections(kind, running=running))


def _pending(run: Sections, conf: Sections) -> Sections:
    # Running values stay on top; what apply would change goes under `pending`, and
    # `state` says new, changed or deleted (keys dropped from an object read 'deleted').
    out: Sections = {}
    for ident, old in sorted(run.items()):
        entry = out.setdefault(ident, {})
        new = conf.get(ident)
        for key, value in old.items():
            entry[key] = copy.deepcopy(value)
            if new is None:
                entry["state"] = "deleted"
            elif key not in new:
                entry.setdefault("pending", {})[key] = "deleted"
                entry["state"] = "changed"
            elif _encode(key, value) != _encode(key, new[key]):
                entry["state"] = "changed"
    for ident, new in sorted(conf.items()):
        entry = out.setdefault(ident, {})
        old = run.get(ident, {})
        for key, value in new.items():
            if key in ("type", "vnet"):
                entry[key] = copy.deepcopy(value)
            elif key not in old or _encode(key, value) != _encode(key, old[key]):
                entry.setdefault("pending", {})[key] = copy.deepcopy(value)
            if not old:
                entry["state"] = "new"
            elif key not in old:
                entry["state"] = "changed"
    for entry in out.values():
        if "state" in entry:
            entry.setdefault("pending", {})
    return out


def _encode(key: str, value: Any) -> Any:
    if key in ("nodes", "exitnodes", "dhcp-range"):
        items = value if isinstance(value, list) else str(value).split(",")
        return ",".join(sorted(items))
    return value


def item(kind: str, ident: str, section: dict[str, Any], digest: str | None) -> dict[str, Any]:
    """One object as the API returns it: its id, the file digest, derived subnet fields."""
    out = {**copy.deepcopy(section), SINGULAR[kind]: ident}
    if kind == "subnets":
        zone, network, mask = _split_subnet_id(ident)
        out.update(cidr=f"{network}/{mask}", zone=zone, network=network, mask=mask)
        out["dhcp-range"] = [_range(text) for text in section.get("dhcp-range", [])]
    if digest is not None:
        out["digest"] = digest
    return out


def _split_subnet_id(ident: str) -> tuple[str, str, str]:
    zone, network, mask = ident.split("-", 2) if ident.count("-") >= 2 else (ident, "", "")
    return zone, network, mask


def _range(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split(",") if "=" in part)


def resource_rows(world: World) -> list[dict[str, Any]]:
    """`/cluster/resources` entries: one per applied zone and node it spans."""
    state = sdn(world)
    rows: list[dict[str, Any]] = []
    for zone, section in sorted(state.sections("zones", running=True).items()):
        spans = str(section.get("nodes", "")).split(",") if section.get("nodes") else world.nodes
        for node in sorted(n for n in spans if n in world.nodes):
            status = "available" if world.is_online(node) else "unknown"
            common = {"node": node, "status": status, "zone-type": section["type"]}
            rows.append({"id": f"sdn/{node}/{zone}", "type": "sdn", "sdn": zone, **common})
            rows.append(
                {
                    "id": f"network/{node}/zone/{zone}",
                    "type": "network",
                    "network": zone,
                    "network-type": "zone",
                    **common,
                }
            )
    return rows

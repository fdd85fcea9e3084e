"""Helpers the API modules share: loading guests, spawning tasks, listing subdirs."""

from __future__ import annotations

from typing import Any

from pxa.sandbox.guests import Guest
from pxa.sandbox.lifecycle import SECONDS
from pxa.sandbox.routing import Call, perm

AUDIT = perm("/vms/{vmid}", "VM.Audit")


def qemu(call: Call) -> Guest:
    return call.world.guest_on(call.node, call.vmid)


def spawn(
    call: Call,
    kind: str,
    action: str,
    *,
    vmid: int | None = None,
    seconds: float | None = None,
    args: dict[str, Any] | None = None,
    plan: list[tuple[float, str]] | None = None,
    locks: tuple[tuple[int, str], ...] = (),
) -> str:
    vmid = call.vmid if vmid is None else vmid
    return call.world.spawn(
        node=call.node,
        kind=kind,
        ident=vmid,
        user=call.principal.actor,
        action=action,
        seconds=SECONDS[kind] if seconds is None else seconds,
        now=call.now,
        args={"vmid": vmid, **(args or {})},
        plan=plan,
        locks=locks,
    )


def subdirs(*names: str, key: str = "subdir") -> list[dict[str, str]]:
    return [{key: name} for name in names]


def index(*names: str, key: str = "subdir") -> Any:
    """A handler for a directory index (`GET /nodes/{node}` and friends)."""
    return lambda call: subdirs(*names, key=key)

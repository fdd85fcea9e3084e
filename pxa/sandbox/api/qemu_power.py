"""`/nodes/{node}/qemu/{vmid}/status/...`: current state and the power actions."""

from __future__ import annotations

from typing import Any

from pxa.sandbox import views
from pxa.sandbox.api.common import AUDIT, index, qemu, spawn
from pxa.sandbox.errors import fail
from pxa.sandbox.guests import Guest
from pxa.sandbox.params import boolean, integer, string
from pxa.sandbox.routing import Call, Router, perm

POWER = perm("/vms/{vmid}", "VM.PowerMgmt")
BASE = "/nodes/{node}/qemu/{vmid}/status"


def register(r: Router) -> None:
    r.get(
        BASE, index("current", "start", "stop", "reset", "shutdown", "suspend", "reboot", "resume")
    )
    r.get(f"{BASE}/current", current, perms=[AUDIT])
    skiplock = boolean("skiplock")
    timeout = integer("timeout", minimum=0)
    r.post(
        f"{BASE}/start",
        start,
        perms=[POWER],
        params=[
            skiplock,
            timeout,
            string("machine"),
            string("migratedfrom"),
            string("stateuri"),
            string("force-cpu"),
        ],
    )
    r.post(
        f"{BASE}/stop",
        stop,
        perms=[POWER],
        params=[
            skiplock,
            timeout,
            boolean("keepActive"),
            boolean("overrule-shutdown"),
            string("migratedfrom"),
        ],
    )
    r.post(
        f"{BASE}/shutdown",
        shutdown,
        perms=[POWER],
        params=[skiplock, timeout, boolean("forceStop"), boolean("keepActive")],
    )
    r.post(f"{BASE}/reboot", reboot, perms=[POWER], params=[timeout])
    r.post(f"{BASE}/reset", reset, perms=[POWER], params=[skiplock])
    r.post(
        f"{BASE}/suspend",
        suspend,
        perms=[POWER],
        params=[skiplock, boolean("todisk"), string("statestorage")],
    )
    r.post(f"{BASE}/resume", resume, perms=[POWER], params=[skiplock, boolean("nocheck")])


def current(call: Call) -> dict[str, Any]:
    return views.qemu_current(call.world, qemu(call), call.now)


def _checked(call: Call, *, allow: tuple[str, ...] = ()) -> Guest:
    g = qemu(call)
    if not call.get("skiplock") and g.lock not in allow:
        g.check_lock()
    return g


def _running(g: Guest) -> None:
    if not g.running:
        raise fail(f"VM {g.vmid} not running")


def start(call: Call) -> str:
    g = _checked(call, allow=("suspended",))
    if g.template:
        raise fail("you can't start a vm if it's a template")
    return spawn(call, "qmstart", "start")


def stop(call: Call) -> str:
    _checked(call)
    return spawn(call, "qmstop", "stop")


def shutdown(call: Call) -> str:
    g = _checked(call)
    if g.power == "paused":
        if not call.get("forceStop"):
            raise fail("VM is paused - cannot shutdown")
        return spawn(call, "qmshutdown", "stop", seconds=1.0)
    return spawn(call, "qmshutdown", "stop")


def reboot(call: Call) -> str:
    g = _checked(call)
    _running(g)
    return spawn(call, "qmreboot", "restart")


def reset(call: Call) -> str:
    g = _checked(call)
    _running(g)
    return spawn(call, "qmreset", "restart")


def suspend(call: Call) -> str:
    g = _checked(call)
    _running(g)
    if call.get("todisk"):
        return spawn(
            call, "qmsuspend", "pause", args={"todisk": 1}, locks=((g.vmid, "suspending"),)
        )
    return spawn(call, "qmpause", "pause")


def resume(call: Call) -> str:
    g = _checked(call, allow=("suspended",))
    if g.lock == "suspended":
        return spawn(call, "qmresume", "start", seconds=3.0)
    _running(g)
    return spawn(call, "qmresume", "resume")

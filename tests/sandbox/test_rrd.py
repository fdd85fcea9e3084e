"""rrddata of nodes and guests: resolution, data sources, gaps, MAX, determinism.

Reads share one sandbox per module; tests that change the world start their own.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox.guests import Guest
from pxa.sandbox.rrd_sources import guest_rows
from pxa.sandbox.server import SandboxServer
from pxa.sandbox.world import World

from .helpers import token_client
from .test_sdn import serve

STEPS = {
    "hour": (60, 60),
    "day": (60, 1440),
    "week": (1800, 336),
    "month": (1800, 1440),
    "year": (21600, 1440),
}
VM_SOURCES = {
    "time",
    "maxcpu",
    "cpu",
    "maxmem",
    "mem",
    "maxdisk",
    "disk",
    "netin",
    "netout",
    "diskread",
    "diskwrite",
    "memhost",
    "pressurecpusome",
    "pressurecpufull",
    "pressureiosome",
    "pressureiofull",
    "pressurememorysome",
    "pressurememoryfull",
}
NODE_SOURCES = {
    "time",
    "loadavg",
    "maxcpu",
    "cpu",
    "iowait",
    "memtotal",
    "memused",
    "swaptotal",
    "swapused",
    "roottotal",
    "rootused",
    "netin",
    "netout",
    "memavailable",
    "arcsize",
    "pressurecpusome",
    "pressureiosome",
    "pressureiofull",
    "pressurememorysome",
    "pressurememoryfull",
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, tls_dir: Path) -> Iterator[SandboxServer]:
    yield from serve(tmp_path_factory, tls_dir)


@pytest.fixture(scope="module")
def api(lab: SandboxServer) -> ProxmoxAPI:
    assert lab.info is not None
    return token_client(lab.info)


def _guest(lab: SandboxServer, match: Callable[[Guest], bool]) -> Guest:
    assert lab.world is not None
    return next(g for g in sorted(lab.world.guests.values(), key=lambda g: g.vmid) if match(g))


def _vm(lab: SandboxServer, running: bool = True, env: str = "production") -> Guest:
    return _guest(
        lab,
        lambda g: (
            g.kind == "qemu"
            and not g.template
            and g.running == running
            and env in g.config.get("tags", "")
        ),
    )


def _rrd(api: ProxmoxAPI, g: Guest, timeframe: str, cf: str = "AVERAGE") -> list[dict[str, Any]]:
    return api.nodes(g.node).qemu(g.vmid).rrddata.get(timeframe=timeframe, cf=cf)


@pytest.mark.parametrize("timeframe", STEPS)
def test_vm_points_and_step_follow_the_timeframe(
    lab: SandboxServer, api: ProxmoxAPI, timeframe: str
) -> None:
    rows = _rrd(api, _vm(lab), timeframe)
    step, count = STEPS[timeframe]
    assert (len(rows), rows[1]["time"] - rows[0]["time"]) == (count, step)


def test_node_decade_has_570_weekly_points(api: ProxmoxAPI) -> None:
    rows = api.nodes("pve1").rrddata.get(timeframe="decade")
    assert (len(rows), rows[1]["time"] - rows[0]["time"]) == (570, 604800)


def test_vm_decade_is_refused(lab: SandboxServer, api: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        _rrd(api, _vm(lab), "decade")
    assert err.value.errors == {
        "timeframe": "value 'decade' does not have a value in the enumeration "
        "'hour, day, week, month, year'"
    }


def test_running_vm_rows_carry_every_data_source(lab: SandboxServer, api: ProxmoxAPI) -> None:
    assert set(_rrd(api, _vm(lab), "hour")[-1]) == VM_SOURCES


def test_node_rows_carry_every_data_source(api: ProxmoxAPI) -> None:
    assert set(api.nodes("pve2").rrddata.get(timeframe="hour")[-1]) == NODE_SOURCES


def test_container_has_rrd_rows(lab: SandboxServer, api: ProxmoxAPI) -> None:
    ct = _guest(lab, lambda g: g.kind == "lxc" and g.running)
    rows = api.nodes(ct.node).lxc(ct.vmid).rrddata.get(timeframe="hour")
    assert len(rows) == 60 and rows[-1]["disk"] > 0


def test_stopped_vm_recent_rows_keep_only_its_sizes(lab: SandboxServer, api: ProxmoxAPI) -> None:
    row = _rrd(api, _vm(lab, running=False), "hour")[-1]
    assert set(row) == {"time", "maxcpu", "maxmem", "maxdisk", "disk"}


def test_max_is_never_below_average(lab: SandboxServer, api: ProxmoxAPI) -> None:
    vm = _vm(lab)
    average, peak = _rrd(api, vm, "month"), _rrd(api, vm, "month", cf="MAX")
    assert all(
        peak_row[key] >= row[key]
        for row, peak_row in zip(average, peak, strict=True)
        for key in row
    )


def test_newest_point_is_near_the_live_status(lab: SandboxServer, api: ProxmoxAPI) -> None:
    vm = _vm(lab)
    live = api.nodes(vm.node).qemu(vm.vmid).status.current.get()
    last = _rrd(api, vm, "hour")[-1]
    # The live cpu swings ±65 % around its mean; memory barely moves.
    assert 0.3 < last["cpu"] / live["cpu"] < 3
    assert abs(last["mem"] - live["mem"]) < 0.15 * live["maxmem"]


def test_production_vm_is_busier_than_a_development_vm(lab: SandboxServer, api: ProxmoxAPI) -> None:
    prod = _guest(lab, lambda g: g.running and g.profile == "web")
    dev = _guest(lab, lambda g: g.running and g.profile == "dev")
    mean = {
        g.vmid: statistics.mean(r["cpu"] for r in _rrd(api, g, "week") if "cpu" in r)
        for g in (prod, dev)
    }
    assert mean[prod.vmid] > 3 * mean[dev.vmid]


def test_load_peaks_in_the_afternoon() -> None:
    world = World.generate(created=1_790_000_000.0)
    vm = next(g for g in world.guests.values() if g.running and g.profile == "web")
    rows = guest_rows(world, vm, "month", "AVERAGE", now=1_790_000_000.0)
    by_hour: dict[int, list[float]] = {}
    for row in rows[:-200]:  # past the fade towards the live numbers
        if "cpu" in row and (row["time"] // 86400 + 3) % 7 < 5:
            by_hour.setdefault(row["time"] % 86400 // 3600, []).append(row["cpu"])
    assert statistics.mean(by_hour[15]) > 1.3 * statistics.mean(by_hour[3])


def test_a_month_of_points_takes_little_time() -> None:
    world = World.generate()
    vm = next(g for g in world.guests.values() if g.running)
    started = time.perf_counter()
    guest_rows(world, vm, "month", "MAX", now=time.time())
    assert time.perf_counter() - started < 0.5


def test_vm_has_no_rows_before_its_creation(sandbox: SandboxServer, pve: ProxmoxAPI) -> None:
    assert sandbox.world is not None
    vm = next(g for g in sandbox.world.guests.values() if g.kind == "qemu" and g.running)
    created = int(time.time()) - 1800
    with sandbox.world.lock:  # as if the VM had been made half an hour ago
        vm.config["meta"] = f"creation-qemu=9.0.2,ctime={created}"
    rows = _rrd(pve, vm, "day")
    assert all(set(row) == {"time"} for row in rows if row["time"] < created - 60)
    assert all("cpu" in row for row in rows if row["time"] > created + 60)


def test_series_are_the_same_after_a_restart(make_sandbox: Callable[..., SandboxServer]) -> None:
    srv = make_sandbox()
    assert srv.info is not None and srv.world is not None
    vm = next(g for g in srv.world.guests.values() if g.kind == "qemu" and g.running)
    before = _rrd(token_client(srv.info), vm, "day")
    srv.stop()
    srv = make_sandbox(srv.state_dir)
    assert srv.info is not None
    after = {row["time"]: row for row in _rrd(token_client(srv.info), vm, "day")}
    settled = [row for row in before if row["time"] < before[-1]["time"] - 1800]
    assert all(after[row["time"]] == row for row in settled)


def test_offline_node_rrddata_is_unreachable(make_sandbox: Callable[..., SandboxServer]) -> None:
    srv = make_sandbox(offline_nodes={"pve3"})
    assert srv.info is not None
    with pytest.raises(ResourceException) as err:
        token_client(srv.info).nodes("pve3").rrddata.get(timeframe="hour")
    assert err.value.status_code == 595

"""The seeded lab: its cast, its determinism and its scale."""

from __future__ import annotations

from collections import Counter

from proxmoxer import ProxmoxAPI

from pxa.sandbox.world import World

ENVS = {"production", "staging", "development"}


def _configs(world: World) -> dict[int, dict[str, object]]:
    return {vmid: g.config for vmid, g in world.guests.items()}


def test_same_seed_draws_the_same_lab() -> None:
    a, b = World.generate(7), World.generate(7, created=0)
    assert _configs(a) == _configs(b)
    assert {v: g.node for v, g in a.guests.items()} == {v: g.node for v, g in b.guests.items()}


def test_another_seed_draws_another_lab() -> None:
    assert _configs(World.generate(1)) != _configs(World.generate(2))


def test_lab_has_three_cloud_init_templates(pve: ProxmoxAPI) -> None:
    templates = {
        r["vmid"]: r["name"] for r in pve.cluster.resources.get(type="vm") if r["template"]
    }
    assert templates == {9000: "ubuntu-22.04", 9001: "ubuntu-24.04", 9002: "debian-12"}
    conf = pve.nodes("pve1").qemu(9000).config.get()
    assert conf["ide2"].endswith("cloudinit,media=cdrom") and conf["agent"] == "1"


def test_every_vm_has_exactly_one_environment_tag(pve: ProxmoxAPI) -> None:
    vms = [
        r for r in pve.cluster.resources.get(type="vm") if r["type"] == "qemu" and not r["template"]
    ]
    assert len(vms) >= 24
    for vm in vms:
        assert len(set(vm["tags"].split(";")) & ENVS) == 1, vm["name"]


def test_lab_mixes_running_stopped_and_paused_vms(pve: ProxmoxAPI) -> None:
    statuses = Counter(
        pve.nodes(r["node"]).qemu(r["vmid"]).status.current.get()["qmpstatus"]
        for r in pve.cluster.resources.get(type="vm")
        if r["type"] == "qemu"
    )
    assert {"running", "stopped", "paused"} <= set(statuses)


def test_ten_thousand_vms_are_generated_with_unique_ids() -> None:
    world = World.generate(42, 10_000)
    qemu = [g for g in world.guests.values() if g.kind == "qemu" and not g.template]
    assert len(qemu) == 10_000
    assert len({g.vmid for g in world.guests.values()}) == len(world.guests)

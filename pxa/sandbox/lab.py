"""The seeded lab: `generate(seed, vms)` builds the same cluster for the same seed.

Config contents depend only on the seed and the VM count (timestamps in configs
are fixed offsets from BASE_EPOCH); power-on times are relative to when the world
was created, so uptimes look plausible whenever the lab starts. The catalogue VMs'
security settings (firewall, NICs, cloud-init, agent, protection, OS, CPU, snapshots)
follow lab_security's tables, applied by lab_hardening after the draw.
"""

from __future__ import annotations

import base64
import random
import uuid
from typing import Any
from urllib.parse import quote

from pxa.sandbox import lab_hardening
from pxa.sandbox.catalog import CONTAINERS, FIREWALLS, GUEST_OS, STEMS, TEMPLATES, VMS, VmSpec
from pxa.sandbox.guests import Guest
from pxa.sandbox.netcfg import mac_address
from pxa.sandbox.tasks import Task, upid

BASE_EPOCH = 1735689600  # 2025-01-01T00:00:00Z
NODES = ("pve1", "pve2", "pve3")
NODE_WEIGHTS = (4, 4, 2)
QEMU_META = "creation-qemu=9.0.2"
UP_CHANCE = {"production": 0.92, "staging": 0.7, "development": 0.5}
# (vlan tag or None, third octet) per environment and role
SUBNETS = {"production": (10, 10), "staging": (30, 30), "development": (None, 40)}
BACKEND = {"db": (20, 20), "cache": (20, 20), "k8s": (50, 50)}


def generate(seed: int, vm_count: int, created: float) -> tuple[dict[int, Guest], list[Task]]:
    rng = random.Random(seed)
    guests: dict[int, Guest] = {}
    for t in TEMPLATES:
        guests[t.vmid] = _template(t.vmid, t.name, t.os, t.node, t.description, seed)
    for spec in CONTAINERS:
        guests[spec[2]] = _container(spec, seed, rng, created)
    ids = _free_ids(vm_count, set(guests))
    counts: dict[str, int] = {}
    for v in VMS:
        stem = v.name.rsplit("-", 1)[0]
        counts[stem] = counts.get(stem, 0) + 1
    for i, vmid in enumerate(ids):
        spec = VMS[i] if i < len(VMS) else _extra(i - len(VMS), counts, rng)
        guests[vmid] = _vm(spec, vmid, seed, rng, created)
        if i < len(VMS):  # the catalogue's security settings come from lab_security
            lab_hardening.secure(guests[vmid], spec, seed, created)
    return guests, _history(guests, ids, seed, created)


def _free_ids(count: int, taken: set[int]) -> list[int]:
    ids, vmid = [], 100
    while len(ids) < count:
        if vmid not in taken:
            ids.append(vmid)
        vmid += 1
    return ids


def _extra(n: int, counts: dict[str, int], rng: random.Random) -> VmSpec:
    stem, roles, profile, cores, memory, disk = STEMS[n % len(STEMS)]
    counts[stem] = counts.get(stem, 0) + 1
    env = rng.choices(("production", "staging", "development"), (5, 3, 2))[0]
    os = ("ubuntu-22.04", "ubuntu-24.04", "debian-12")[n % 3]
    return VmSpec(
        f"{stem}-{counts[stem]:02d}",
        env,
        tuple(roles.split(",")),
        profile,
        cores,
        memory,
        disk,
        os=os,
    )


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _sshkey(rng: random.Random, who: str) -> str:
    blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + rng.randbytes(32)
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} {who}"


def _template(vmid: int, name: str, os: str, node: str, description: str, seed: int) -> Guest:
    config: dict[str, Any] = {
        "agent": "1",
        "boot": "order=scsi0",
        "cores": 2,
        "cpu": "x86-64-v2-AES",
        "description": description,
        "ide2": f"local-lvm:vm-{vmid}-cloudinit,media=cdrom",
        "ipconfig0": "ip=dhcp",
        "memory": "2048",
        "meta": f"{QEMU_META},ctime={BASE_EPOCH - 86400 * 60 + vmid}",
        "name": name,
        "net0": f"virtio={mac_address(seed, vmid, 'net0')},bridge=vmbr0",
        "ostype": "l26",
        "scsi0": f"local-lvm:base-{vmid}-disk-0,size=10G",
        "scsihw": "virtio-scsi-single",
        "serial0": "socket",
        "smbios1": f"uuid={uuid.UUID(int=vmid * 7919 + seed, version=4)}",
        "tags": f"template;{os.split('-')[0]}",
        "template": 1,
        "vga": "serial0",
    }
    config["ciuser"] = GUEST_OS[os]["user"]
    return Guest(vmid, node, "qemu", config, os=os, profile="app")


def _vm(spec: VmSpec, vmid: int, seed: int, rng: random.Random, created: float) -> Guest:
    q = spec.quirks
    node = rng.choices(NODES, NODE_WEIGHTS)[0]
    tag, octet = (
        BACKEND.get(spec.profile, SUBNETS[spec.env])
        if spec.env == "production"
        else SUBNETS[spec.env]
    )
    fw = FIREWALLS.get(q.get("firewall", ""), None)
    fw_on = fw["options"].get("enable", 0) if fw else int(rng.random() < 0.5)
    nic = f"virtio={mac_address(seed, vmid, 'net0')},bridge=vmbr0"
    if fw_on or (fw is None and rng.random() < 0.4):
        nic += ",firewall=1"
    if tag is not None or rng.random() < 0.2:
        nic += f",tag={tag or octet}"
    host = 10 + (vmid * 7) % 240
    config: dict[str, Any] = {
        "boot": "order=scsi0;net0",
        "cores": spec.cores,
        "cpu": "x86-64-v2-AES",
        "ide2": f"local-lvm:vm-{vmid}-cloudinit,media=cdrom",
        "ipconfig0": f"ip=192.168.{octet}.{host}/24,gw=192.168.{octet}.1",
        "memory": str(spec.memory),
        "meta": f"{QEMU_META},ctime={BASE_EPOCH + 3600 * (vmid % 2000) + rng.randrange(3600)}",
        "name": spec.name,
        "net0": nic,
        "numa": 0,
        "ostype": "l26",
        "scsi0": f"local-lvm:vm-{vmid}-disk-0,iothread=1,size={spec.disk}G",
        "scsihw": "virtio-scsi-single",
        "smbios1": f"uuid={_uuid(rng)}",
        "sockets": 1,
        "tags": ";".join(sorted({spec.env, *spec.roles})),
        "vmgenid": _uuid(rng),
        "ciuser": GUEST_OS[spec.os]["user"],
    }
    if q.get("agent", 1):
        config["agent"] = "1" if rng.random() < 0.7 else "enabled=1,fstrim_cloned_disks=1"
    if spec.extra_disk:
        config["scsi1"] = f"local-lvm:vm-{vmid}-disk-1,iothread=1,size={spec.extra_disk}G"
    for n in range(1, spec.nics):
        config[f"net{n}"] = f"virtio={mac_address(seed, vmid, f'net{n}')},bridge=vmbr0,tag=100"
        config[f"ipconfig{n}"] = f"ip=10.100.0.{host}/24"
    if not q.get("no_sshkeys"):
        keys = [_sshkey(rng, "ops@pxa-lab")] + (
            [_sshkey(rng, "deploy@ci")] if rng.random() < 0.3 else []
        )
        config["sshkeys"] = quote("\n".join(keys) + "\n", safe="")
    if q.get("cipassword"):
        config["cipassword"] = "$5$" + base64.b64encode(rng.randbytes(12)).decode()
    if spec.env == "production":
        config["onboot"] = 1
    if q.get("protection"):
        config["protection"] = 1
    if spec.description:
        config["description"] = spec.description
    power = q.get("power") or ("running" if rng.random() < UP_CHANCE[spec.env] else "stopped")
    started = created - rng.uniform(3600, 40 * 86400) if power != "stopped" else None
    g = Guest(
        vmid,
        node,
        "qemu",
        config,
        power=power,
        started_at=started,
        os=spec.os,
        profile=spec.profile,
        agent_ready=q.get("agent_ready", True),
    )
    if fw is not None:
        g.fw_options = dict(fw["options"])
        g.fw_rules = [dict(r) for r in fw["rules"]]
    elif fw_on:
        g.fw_options = {"enable": 1}
    if q.get("snapshots"):
        _snapshots(g, q["snapshots"])
    return g


def _snapshots(g: Guest, kind: str) -> None:
    base = {k: v for k, v in g.config.items() if k not in ("description",)}
    t0 = BASE_EPOCH + 86400 * 200 + g.vmid * 97
    if kind == "db":
        older = dict(base, memory="16384")
        g.snapshots["pre-upgrade"] = dict(
            older, snaptime=t0, description="before PostgreSQL 16 upgrade"
        )
        g.snapshots["post-upgrade"] = dict(
            base, snaptime=t0 + 5400, parent="pre-upgrade", description="PostgreSQL 16 upgrade done"
        )
        g.config["parent"] = "post-upgrade"
    elif kind == "app":
        g.snapshots["before-deploy"] = dict(base, snaptime=t0, description="release 2.14.0")
        g.config["parent"] = "before-deploy"
    elif kind == "k8s":
        g.snapshots["etcd-backup"] = dict(
            base,
            snaptime=t0,
            description="before control-plane upgrade",
            vmstate=f"local-lvm:vm-{g.vmid}-state-etcd-backup,size=8708M",
            runningmachine="pc-i440fx-9.0+pve0",
            runningcpu="x86-64-v2-AES,+aes",
        )
        g.config["parent"] = "etcd-backup"


def _container(spec: tuple[Any, ...], seed: int, rng: random.Random, created: float) -> Guest:
    name, node, vmid, power, tags, memory, disk, ostype = spec
    ip = f"192.168.1.{50 + vmid % 50}/24"
    config: dict[str, Any] = {
        "arch": "amd64",
        "cores": 1,
        "features": "nesting=1",
        "hostname": name,
        "memory": memory,
        "ostype": ostype,
        "onboot": 1,
        "swap": 512,
        "tags": tags,
        "net0": f"name=eth0,bridge=vmbr0,firewall=1,gw=192.168.1.1,"
        f"hwaddr={mac_address(seed, vmid, 'net0')},ip={ip},type=veth",
        "rootfs": f"local-lvm:vm-{vmid}-disk-0,size={disk}G",
        "unprivileged": 1,
    }
    started = created - rng.uniform(86400, 20 * 86400) if power == "running" else None
    return Guest(
        vmid, node, "lxc", config, power=power, started_at=started, os="debian-12", profile="infra"
    )


def _history(guests: dict[int, Guest], ids: list[int], seed: int, created: float) -> list[Task]:
    """A few finished tasks so the task lists are not empty on a fresh lab."""
    by_name = {g.name: g for g in guests.values()}
    rows: list[tuple[str, str, str, str, int, str]] = [
        ("pve1", "aptupdate", "", "root@pam", 86400 * 2, "OK")
    ]
    for name, kind, status, ago in (
        ("db-01", "vzdump", "OK", 6 * 3600),
        ("mail-01", "vzdump", "WARNINGS: 1", 6 * 3600 - 900),
        ("web-server-01", "qmstart", "OK", 3 * 86400),
        ("backup-01", "qmshutdown", "OK", 86400),
    ):
        g = by_name.get(name)
        if g is not None:
            rows.append((g.node, kind, str(g.vmid), "root@pam", ago, status))
    tasks = []
    for i, (node, kind, ident, user, ago, status) in enumerate(rows):
        start = int(created - ago)
        pid = 4000 + int(random.Random(seed + i).random() * 90000)
        pstart = 100000 + i * 1000
        lines = (
            ["TASK OK"]
            if status == "OK"
            else ["WARN: backup of VM mail-01 took longer than usual", "TASK WARNINGS: 1"]
        )
        tasks.append(
            Task(
                upid(node, pid, pstart, start, kind, ident, user),
                node,
                pid,
                pstart,
                start,
                kind,
                ident,
                user,
                float(start),
                30.0,
                "noop",
                status="stopped",
                exitstatus=status,
                endtime=start + 30,
                log=lines,
            )
        )
    return tasks

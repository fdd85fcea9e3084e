"""Planning a vzdump task: one timeline of log lines, the archives it will leave.

Everything is decided when the task starts: which guests fail (locked, tagged
`backup-fails`, or unlucky under the `vzdump_fail_rate` fault), what each archive is
called and which old backups the retention removes. The `vzdump` effect applies that
when the task ends (vzdump_effect.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pxa.sandbox import prune, vzdump_log
from pxa.sandbox.backup_archive import backed_up_disks, backup_volume, disk_bytes
from pxa.sandbox.errors import PveError
from pxa.sandbox.storage_state import StorageState, state_of
from pxa.sandbox.volumes import Volume, pbs_name
from pxa.sandbox.vzdump_log import Line, elapsed, stamp

if TYPE_CHECKING:
    from pxa.sandbox.guests import Guest
    from pxa.sandbox.world import World

FAIL_TAG = "backup-fails"


@dataclass
class Options:
    storage: str
    mode: str = "snapshot"
    compress: str = "0"
    remove: bool = True
    protected: bool = False
    notes_template: str | None = None
    prune_backups: str | None = None  # overrides the storage's retention
    cmdline: str = "vzdump"


@dataclass
class Plan:
    lines: list[Line] = field(default_factory=list)
    seconds: float = 0.0
    volumes: list[Volume] = field(default_factory=list)
    pruned: list[tuple[str, str | None]] = field(default_factory=list)  # (volid, node)
    locks: list[tuple[int, str]] = field(default_factory=list)
    failed: int = 0
    error: str | None = None  # the job could not start at all

    def add(self, offset: float, text: str) -> None:
        self.lines.append((self.seconds + offset, text))

    def args(self) -> dict[str, Any]:
        return {
            "volumes": [v.to_dict() for v in self.volumes],
            "pruned": [list(p) for p in self.pruned],
            "failed": self.failed,
            "error": self.error,
        }

    def timeline(self) -> list[tuple[float, str]]:
        """(progress 0..1, line) pairs for the task."""
        total = max(self.seconds, 0.001)
        return [(min(1.0, at / total), text) for at, text in self.lines]


def plan(
    world: World, node: str, vmids: list[int], skipped: list[int], opts: Options, now: float
) -> Plan:
    state = state_of(world)
    p = Plan()
    p.error = _storage_error(world, state, opts.storage, node)
    if p.error:
        p.seconds = 0.3
        return p
    p.add(0, f"INFO: starting new backup job: {opts.cmdline}")
    if skipped:
        p.add(0, "INFO: skip external VMs: " + ", ".join(str(v) for v in sorted(skipped)))
    p.seconds = 1.0
    for vmid in vmids:
        _guest(world, state, p, node, vmid, opts, now)
    p.add(0, "INFO: Backup job finished " + ("with errors" if p.failed else "successfully"))
    return p


def _storage_error(world: World, state: StorageState, storeid: str, node: str) -> str | None:
    if storeid not in state.configs:
        return f"could not activate storage '{storeid}': storage '{storeid}' does not exist"
    try:
        state.activate(world, storeid, node)
    except PveError as exc:
        return f"could not activate storage '{storeid}': {exc.message}"
    if "backup" not in str(state.config(storeid).get("content", "")).split(","):
        return (
            f"could not get storage information for '{storeid}': "
            f"can't use storage '{storeid}' for backups - wrong content type"
        )
    return None


def _fails(world: World, g: Guest) -> bool:
    tags = str(g.config.get("tags", "")).split(";")
    return FAIL_TAG in tags or world.faults.roll_vzdump_failure()


def _guest(
    world: World, state: StorageState, p: Plan, node: str, vmid: int, opts: Options, now: float
) -> None:
    begin = now + p.seconds
    g = world.guests.get(vmid)
    if g is None:
        _failed(p, vmid, f"unable to find VM '{vmid}'", begin, 0.2)
        return
    conf = state.config(opts.storage)
    pbs = conf["type"] == "pbs"
    p.add(0, f"INFO: Starting Backup of VM {vmid} ({g.kind})")
    p.add(0, f"INFO: Backup started at {stamp(begin)}")
    p.add(0.1, f"INFO: status = {'running' if g.running else 'stopped'}")
    if g.lock:
        who = "CT" if g.kind == "lxc" else "VM"
        _failed(p, vmid, f"{who} is locked ({g.lock})", begin, 0.3)
        return
    p.locks.append((vmid, "backup"))
    mode = opts.mode if g.running else "stop"
    disks = backed_up_disks(g)
    total = disk_bytes(g)
    previous = [v for v in state.files(opts.storage, node) if v.vmid == vmid]
    seconds = _duration(g, total, pbs and bool(previous))
    head = [f"INFO: {'VM' if g.kind == 'qemu' else 'CT'} Name: {g.name}"]
    if g.kind == "qemu":
        head += [f"INFO: include disk '{k}' '{f}' {s >> 30}G" for k, f, s in disks]
    else:
        head += ["INFO: including mount point rootfs ('/') in backup"]
    head += [f"INFO: backup mode: {mode}", "INFO: ionice priority: 7"]
    if mode == "stop" and g.running:
        head.append("INFO: stopping virtual guest")
    elif mode == "suspend":
        head.append("INFO: suspending guest")
    volume = backup_volume(
        g,
        opts.storage,
        conf["type"],
        begin,
        compress=opts.compress,
        notes=_notes(opts.notes_template, g, world, node),
        protected=opts.protected,
        encrypted=conf.get("encryption-key") if pbs else None,
        node=None if state.shared(opts.storage) else node,
    )
    target = (
        pbs_name(g.kind, vmid, begin)
        if pbs
        else (f"{state.path(opts.storage, 'backup')}/{volume.filename}")
    )
    head.append(f"INFO: creating {'Proxmox Backup Server' if pbs else 'vzdump'} archive '{target}'")
    if g.kind == "qemu":
        head += vzdump_log.qemu_start(g, disks, pbs, bool(volume.encrypted), bool(previous))
    for i, text in enumerate(head):
        p.add(0.2 + i * 0.05, text)
    start = 1.0
    if _fails(world, g):
        upto = 37
        for at, text in vzdump_log.progress(total, start, seconds, upto):
            p.add(at, text)
        err = vzdump_log.failure(g.kind, pbs)
        at = start + seconds * 0.4
        p.add(at, f"ERROR: {err}")
        p.add(at, "INFO: aborting backup job")
        _failed(p, vmid, err, begin, at + 0.5)
        return
    if g.kind == "qemu":
        for at, text in vzdump_log.progress(total, start, seconds):
            p.add(at, text)
        tail = vzdump_log.qemu_finish(total, seconds, pbs and bool(previous), not g.running)
    else:
        tail = [
            f"INFO: Total bytes written: {int(total * 0.37)} "
            f"({int(total * 0.37) >> 30}GiB, {int(total * 0.37 / seconds) >> 20}MiB/s)"
        ]
    if not pbs:
        tail.append(f"INFO: archive file size: {vzdump_log.file_size(volume.size)}")
    if opts.notes_template:
        tail.append("INFO: adding notes to backup")
    if opts.protected:
        tail.append("INFO: marking backup as protected")
    tail += _prune(state, p, conf, opts, volume, previous, node)
    end = start + seconds
    for i, text in enumerate(tail):
        p.add(end + i * 0.05, text)
    p.add(end + 1, f"INFO: Finished Backup of VM {vmid} ({elapsed(end + 1)})")
    p.add(end + 1, f"INFO: Backup finished at {stamp(begin + end + 1)}")
    p.volumes.append(volume)
    p.seconds += end + 1.5


def _failed(p: Plan, vmid: int, err: str, begin: float, at: float) -> None:
    p.add(at, f"ERROR: Backup of VM {vmid} failed - {err}")
    p.add(at, f"INFO: Failed at {stamp(begin + at)}")
    p.failed += 1
    p.seconds += at + 0.2


def _duration(g: Guest, total: int, incremental: bool) -> float:
    gib = total / (1 << 30)
    if incremental:
        return min(60.0, 4 + gib * 0.15)
    return min(120.0, (5 if g.kind == "lxc" else 6) + gib * 0.9)


def _notes(template: str | None, g: Guest, world: World, node: str) -> str | None:
    if not template:
        return None
    values = {"cluster": world.cluster_name, "guestname": g.name, "node": node, "vmid": str(g.vmid)}
    text = template.replace("\\n", "\n").replace("\\\\", "\\")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def _prune(
    state: StorageState,
    p: Plan,
    conf: dict[str, Any],
    opts: Options,
    new: Volume,
    previous: list[Volume],
    node: str,
) -> list[str]:
    if not opts.remove:
        return []
    keep = prune.parse(opts.prune_backups or str(conf.get("prune-backups", "keep-all=1")))
    group = [v for v in previous if v.subtype == new.subtype] + [new]
    removed = [v for v, m in zip(group, prune.marks(group, keep), strict=True) if m == "remove"]
    lines = [
        "INFO: prune older backups with retention: "
        + ", ".join(f"{k}={keep[k]}" for k in sorted(keep))
    ]
    if conf["type"] == "pbs":
        group_name = f"{'vm' if new.subtype == 'qemu' else 'ct'}/{new.vmid}"
        lines.append(f"INFO: running 'proxmox-backup-client prune' for '{group_name}'")
    for v in removed:
        if v is not new:
            lines.append(f"INFO: removing backup '{v.volid}'")
            p.pruned.append((v.volid, v.node))
    extra = " not covered by keep-retention policy" if removed else ""
    lines.append(f"INFO: pruned {len(removed)} backup(s){extra}")
    return lines

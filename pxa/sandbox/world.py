"""The simulated cluster: nodes, guests, tasks and accounts behind one lock."""

from __future__ import annotations

import threading
import time
from typing import Any

from pxa.sandbox import lab
from pxa.sandbox.areas import area_states
from pxa.sandbox.auth import Accounts
from pxa.sandbox.errors import fail
from pxa.sandbox.faults import Faults
from pxa.sandbox.guests import Guest
from pxa.sandbox.stats import unit
from pxa.sandbox.tasks import Task, TaskBook, upid
from pxa.sandbox.topology import CLUSTER_NAME, Node, default_nodes

FORMAT = 1
DEFAULT_VMS = len(lab.VMS)
DEFAULT_SEED = 42


class World:
    def __init__(
        self,
        *,
        seed: int,
        vm_count: int,
        created: float,
        nodes: dict[str, Node],
        guests: dict[int, Guest],
        tasks: list[Task],
        accounts: Accounts,
        counters: dict[str, int] | None = None,
        areas: dict[str, Any] | None = None,
    ) -> None:
        self.seed = seed
        self.vm_count = vm_count
        self.created = created
        self.cluster_name = CLUSTER_NAME
        self.nodes = nodes
        self.guests = guests
        self.tasks = TaskBook(tasks)
        self.accounts = accounts
        self.counters = counters or {}
        self.lock = threading.RLock()
        self.version = 0  # bumped on every change; the saver and caches key on it
        self.speed = 1.0
        self.faults = Faults(seed=seed)
        self.fingerprint = ""
        # State owned by later API areas (storage, backups, SDN), keyed by area; see areas.py.
        self.areas: dict[str, Any] = areas or {}

    @classmethod
    def generate(
        cls, seed: int = DEFAULT_SEED, vm_count: int = DEFAULT_VMS, created: float | None = None
    ) -> World:
        created = time.time() if created is None else created
        guests, history = lab.generate(seed, vm_count, created)
        world = cls(
            seed=seed,
            vm_count=vm_count,
            created=created,
            nodes=default_nodes(created),
            guests=guests,
            tasks=history,
            accounts=Accounts.create(),
        )
        for state in area_states():
            world.areas[state.key] = state.generate(world)
        return world

    # --- lookups -------------------------------------------------------------------

    def is_online(self, node: str) -> bool:
        return node not in self.faults.offline_nodes

    def guest_on(self, node: str, vmid: int, kind: str = "qemu") -> Guest:
        """The guest as PVE loads it: from that node's config directory, or the error."""
        g = self.guests.get(vmid)
        if g is None or g.node != node or g.kind != kind:
            folder = "lxc" if kind == "lxc" else "qemu-server"
            raise fail(f"Configuration file 'nodes/{node}/{folder}/{vmid}.conf' does not exist")
        return g

    def next_vmid(self, start: int = 100) -> int:
        vmid = start
        while vmid in self.guests:
            vmid += 1
        return vmid

    # --- change --------------------------------------------------------------------

    def bump(self) -> None:
        self.version += 1

    def tick(self, now: float) -> None:
        if self.tasks.tick(self, now):
            self.bump()

    def spawn(
        self,
        *,
        node: str,
        kind: str,
        ident: int | str,
        user: str,
        action: str,
        seconds: float,
        now: float,
        args: dict[str, Any] | None = None,
        plan: list[tuple[float, str]] | None = None,
        locks: tuple[tuple[int, str], ...] = (),
    ) -> str:
        """Start a worker task; `seconds` is the realistic duration before the speed factor."""
        count = self.counters.get(node, 0) + 1
        self.counters[node] = count
        pid = 2000 + count * 37 + int(unit(self.seed, count, self.nodes[node].nodeid) * 30)
        pstart = int((now - self.nodes[node].boot_time) * 100)
        start = int(now)
        task = Task(
            upid(node, pid, pstart, start, kind, str(ident), user),
            node,
            pid,
            pstart,
            start,
            kind,
            str(ident),
            user,
            now,
            seconds / self.speed,
            action,
            args=args or {},
            plan=plan or [],
            locks=list(locks),
        )
        for vmid, lock in locks:
            self.guests[vmid].set_lock(lock)
        self.tasks.add(task)
        self.bump()
        return task.upid

    # --- persistence ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "seed": self.seed,
            "vm_count": self.vm_count,
            "created": self.created,
            "nodes": [n.to_dict() for n in self.nodes.values()],
            "guests": [g.to_dict() for g in self.guests.values()],
            "tasks": [t.to_dict() for t in self.tasks.tasks],
            "accounts": self.accounts.to_dict(),
            "counters": self.counters,
            "areas": {key: state.to_dict() for key, state in self.areas.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> World:
        if data.get("format") != FORMAT:
            raise ValueError(f"unsupported state format {data.get('format')!r}")
        world = cls(
            seed=data["seed"],
            vm_count=data["vm_count"],
            created=data["created"],
            nodes={n["name"]: Node(**n) for n in data["nodes"]},
            guests={g["vmid"]: Guest.from_dict(g) for g in data["guests"]},
            tasks=[Task.from_dict(t) for t in data["tasks"]],
            accounts=Accounts.from_dict(data["accounts"]),
            counters=data.get("counters", {}),
        )
        saved = data.get("areas", {})
        for state in area_states():
            # A state file from before an area existed gets that area's seeded state.
            world.areas[state.key] = (
                state.from_dict(saved[state.key]) if state.key in saved else state.generate(world)
            )
        return world

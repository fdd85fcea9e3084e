"""The inventory cache: one `/cluster/resources` call per refresh, whatever the VM count.

List views are served from here. Each refresh diffs against the previous one and
publishes `vm.created`, `vm.deleted` and `vm.status_changed`; facts only a VM's config
tells (IP, OS, creation time) are remembered once read, so the list can show them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from pxa.errors import PxaError
from pxa.events import EventBus
from pxa.models.vm import Vm
from pxa.proxmox.adapter import ProxmoxAdapter
from pxa.proxmox.mapping import (
    config_facts,
    guest_id,
    row_shape,
    vm_from_resource,
    with_live_usage,
)
from pxa.store.facts import FactsRepo

log = logging.getLogger(__name__)


class Inventory:
    def __init__(
        self,
        adapter: ProxmoxAdapter,
        bus: EventBus,
        facts: FactsRepo | None = None,
        *,
        max_age: float = 2.0,
    ) -> None:
        self.adapter = adapter
        self.bus = bus
        self.max_age = max_age
        self.guests: dict[str, dict[str, Any]] = {}
        self.nodes: dict[str, dict[str, Any]] = {}
        self.storage: list[dict[str, Any]] = []
        self._facts_repo = facts
        self.facts: dict[str, dict[str, Any]] = facts.load() if facts else {}
        self.refreshed_at: float = 0.0
        self.requests = 0  # PVE calls made by refreshes, for the benchmark
        self.error: PxaError | None = None
        self._lock = asyncio.Lock()
        self._started_at = 0.0  # when the latest refresh began asking PVE
        self._finished_at = 0.0  # and when it had its answer or its error
        self._behind: asyncio.Task[None] | None = None  # a refresh a reader did not wait for
        self._vms: list[Vm] | None = None
        # Per guest: the shape its Vm was mapped from, and that Vm. A refresh that only
        # moves usage figures copies them in rather than mapping 10,000 rows afresh.
        self._mapped: dict[str, tuple[tuple[Any, ...], Vm]] = {}
        self._stale_facts: set[str] = set()

    @property
    def healthy(self) -> bool:
        return self.error is None and self.refreshed_at > 0

    async def refresh(self) -> None:
        """Read the cluster now; waiting callers share a refresh begun after they asked."""
        asked = time.monotonic()
        async with self._lock:
            if self._started_at > asked:
                if self.error is not None:
                    raise self.error
                return
            await self._refresh_locked()

    async def ensure_fresh(self, max_age: float | None = None) -> None:
        """Refresh if older than `max_age`; concurrent callers share one refresh.

        Without `max_age` (a read), a healthy inventory answers at once and refreshes behind
        the reader; one invalidated by a change, or never read, is refreshed first.
        """
        limit = self.max_age if max_age is None else max_age
        if not self._stale(limit):
            return
        if max_age is None and self.refreshed_at > 0 and self.error is None:
            self._refresh_behind()
            return
        asked = time.monotonic()
        async with self._lock:
            if self._finished_at > asked and self.error is not None:
                raise self.error  # the refresh we waited for failed: don't queue another
            if self._stale(limit):
                await self._refresh_locked()

    def _refresh_behind(self) -> None:
        if self._behind is None or self._behind.done():
            self._behind = asyncio.get_running_loop().create_task(self._quiet_refresh())

    async def _quiet_refresh(self) -> None:
        with contextlib.suppress(PxaError):  # the error is state: the next reader waits
            await self.ensure_fresh(self.max_age)

    def close(self) -> None:
        if self._behind is not None:
            self._behind.cancel()

    def _stale(self, limit: float) -> bool:
        return self.refreshed_at == 0 or time.monotonic() - self.refreshed_at > limit

    async def _refresh_locked(self) -> None:
        self.requests += 1
        self._started_at = time.monotonic()
        try:
            rows = await self.adapter.resources()
        except PxaError as exc:
            self._set_error(exc)
            raise
        finally:
            self._finished_at = time.monotonic()
        guests, nodes, storage = _partition(rows)
        # Mapping 10,000 guests is pure Python: in a thread, the event loop keeps answering
        # (the GIL is handed over every few ms) instead of stalling for the whole of it.
        stale, self._stale_facts = self._stale_facts, set()
        mapped = await asyncio.to_thread(self._map, guests, self._mapped, stale)
        self._apply(guests, nodes, storage, mapped)

    def invalidate(self) -> None:
        self.refreshed_at = 0.0

    def _set_error(self, exc: PxaError) -> None:
        # Any failed read of the cluster is news: unreachable, refused auth or a 500 alike.
        was_healthy = self.error is None
        self.error = exc
        if was_healthy:
            self.bus.emit("backend.health_changed", healthy=False, message=exc.message)

    def _apply(
        self,
        guests: dict[str, dict[str, Any]],
        nodes: dict[str, dict[str, Any]],
        storage: list[dict[str, Any]],
        mapped: dict[str, tuple[tuple[Any, ...], Vm]],
    ) -> None:
        old, first = self.guests, self.refreshed_at == 0 and not self.guests
        self.guests, self.nodes, self.storage = guests, nodes, storage
        self._install(mapped)
        self.refreshed_at = time.monotonic()
        if self.error is not None:
            self.error = None
            self.bus.emit("backend.health_changed", healthy=True, message="connected")
        if not first:
            self._publish_changes(old, guests)
        self.bus.emit("inventory.refreshed", count=len(guests))

    def _publish_changes(self, old: dict[str, dict], new: dict[str, dict]) -> None:
        for gid, row in new.items():
            before = old.get(gid)
            if before is None:
                self.bus.emit("vm.created", vm={"id": gid, "name": row.get("name"), **_st(row)})
            elif (before.get("status"), before.get("lock")) != (row.get("status"), row.get("lock")):
                if self.facts.get(gid, {}).pop("qmpstatus", None):  # a pause seen earlier
                    self._stale_facts.add(gid)
                    self._vms = None
                self.bus.emit(
                    "vm.status_changed",
                    vm={"id": gid, "name": row.get("name"), **_st(row)},
                    previous_status=before.get("status"),
                )
        for gid in old.keys() - new.keys():
            self.forget(gid)
            self.bus.emit("vm.deleted", vm={"id": gid, "name": old[gid].get("name")})

    def remember(self, gid: str, facts: dict[str, Any]) -> None:
        self.facts[gid] = {**self.facts.get(gid, {}), **facts}
        self._stale_facts.add(gid)
        self._vms = None
        if self._facts_repo:
            self._facts_repo.save(gid, self.facts[gid])

    def forget(self, gid: str) -> None:
        """Drop what was learnt from a config that has changed or a guest that is gone."""
        self.facts.pop(gid, None)
        self._stale_facts.add(gid)
        self._vms = None
        if self._facts_repo:
            self._facts_repo.drop(gid)

    async def enrich(self, gids: list[str], concurrency: int = 4, key: str = "ip_address") -> None:
        """Read the config of the given guests whose facts lack `key`, a few at a time."""
        missing = [g for g in gids if g in self.guests and key not in self.facts.get(g, {})]
        if not missing:
            return
        gate = asyncio.Semaphore(concurrency)

        async def one(gid: str) -> None:
            row = self.guests[gid]
            if self.node_online(row.get("node", "")) is False:
                return
            async with gate:
                try:
                    config = await self.adapter.config(row["node"], int(row["vmid"]), row["type"])
                except PxaError:
                    return  # facts stay unknown; the list shows what it has
            self.remember(gid, config_facts(config))

        await asyncio.gather(*(one(g) for g in missing))

    def vms(self) -> list[Vm]:
        if self._vms is None:
            stale, self._stale_facts = self._stale_facts, set()
            self._install(self._map(self.guests, self._mapped, stale))
        assert self._vms is not None
        return self._vms

    def _map(
        self,
        guests: dict[str, dict[str, Any]],
        previous: dict[str, tuple[tuple[Any, ...], Vm]],
        stale: set[str],
    ) -> dict[str, tuple[tuple[Any, ...], Vm]]:
        """Each guest's Vm: the previous one with new usage figures when nothing else changed."""
        mapped: dict[str, tuple[tuple[Any, ...], Vm]] = {}
        for gid, row in guests.items():
            shape = row_shape(row)
            seen = previous.get(gid)
            if seen is not None and seen[0] == shape and gid not in stale:
                vm = with_live_usage(seen[1], row)
            else:
                vm = vm_from_resource(row, self.facts.get(gid))
            mapped[gid] = (shape, vm)
        return mapped

    def _install(self, mapped: dict[str, tuple[tuple[Any, ...], Vm]]) -> None:
        self._mapped = mapped
        # Facts learnt while a refresh mapped in its thread make those few guests stale.
        self._vms = None if self._stale_facts else [vm for _, vm in mapped.values()]

    def node_online(self, node: str) -> bool | None:
        row = self.nodes.get(node)
        return None if row is None else row.get("status") == "online"

    async def run(self, interval: float, stop: asyncio.Event) -> None:
        """Refresh on a cadence until `stop` is set; errors are state, not crashes."""
        while not stop.is_set():
            try:
                await self.refresh()
            except PxaError as exc:
                log.info("inventory refresh failed: %s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)


def _partition(
    rows: list[dict[str, Any]],
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """/cluster/resources rows → guests by id, nodes by name, storages."""
    guests: dict[str, dict[str, Any]] = {}
    nodes: dict[str, dict[str, Any]] = {}
    storage: list[dict[str, Any]] = []
    for row in rows:
        kind = row.get("type")
        if kind in ("qemu", "lxc"):
            guests[guest_id(kind, int(row["vmid"]))] = row
        elif kind == "node":
            nodes[row["node"]] = row
        elif kind == "storage":
            storage.append(row)
    return guests, nodes, storage


def _st(row: dict[str, Any]) -> dict[str, Any]:
    return {"status": row.get("status"), "node": row.get("node"), "lock": row.get("lock")}

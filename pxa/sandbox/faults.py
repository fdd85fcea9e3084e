"""Faults that can be switched at start and at run time."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any


class Faults:
    """Mutable from any thread. Setting `api_down` closes or reopens the listener.

    `latency_ms` delays every API reply; `error_rate` answers that fraction of API
    requests with `500 simulated fault` (a seeded RNG keeps runs repeatable);
    `offline_nodes` makes those nodes unreachable (595 for calls proxied to them);
    `offline_storages` makes those storages fail activation (`storage 'x' is not online`);
    `vzdump_fail_rate` makes that fraction of guests' backups fail half-way.
    """

    def __init__(
        self,
        *,
        latency_ms: int = 0,
        error_rate: float = 0.0,
        offline_nodes: set[str] | frozenset[str] = frozenset(),
        offline_storages: set[str] | frozenset[str] = frozenset(),
        vzdump_fail_rate: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.latency_ms = latency_ms
        self.error_rate = error_rate
        self.offline_nodes: set[str] = set(offline_nodes)
        self.offline_storages: set[str] = set(offline_storages)
        self.vzdump_fail_rate = vzdump_fail_rate
        self._vzdump_rng = random.Random(f"{seed}:vzdump")
        self._api_down = False
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        self._listeners: list[Callable[[bool], None]] = []
        self._timer: threading.Timer | None = None
        self._down_seconds = 0.0

    @property
    def api_down(self) -> bool:
        return self._api_down

    @api_down.setter
    def api_down(self, down: bool) -> None:
        down = bool(down)
        if down == self._api_down:
            return
        self._api_down = down
        if not down and self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for listener in list(self._listeners):
            listener(down)

    @property
    def down_seconds(self) -> float:
        return self._down_seconds

    @down_seconds.setter
    def down_seconds(self, seconds: float) -> None:
        self.down_for(seconds)

    def down_for(self, seconds: float) -> None:
        """A timed outage: the API goes down now and comes back after `seconds`."""
        self._down_seconds = float(seconds)
        self.api_down = True
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(seconds, self._come_back)
        self._timer.daemon = True
        self._timer.start()

    def _come_back(self) -> None:
        self._timer = None
        self.api_down = False

    def on_api_down(self, listener: Callable[[bool], None]) -> None:
        self._listeners.append(listener)

    def roll_error(self) -> bool:
        if self.error_rate <= 0:
            return False
        with self._rng_lock:
            return self._rng.random() < self.error_rate

    def roll_vzdump_failure(self) -> bool:
        if self.vzdump_fail_rate <= 0:
            return False
        with self._rng_lock:
            return self._vzdump_rng.random() < self.vzdump_fail_rate

    def to_dict(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "error_rate": self.error_rate,
            "offline_nodes": sorted(self.offline_nodes),
            "offline_storages": sorted(self.offline_storages),
            "vzdump_fail_rate": self.vzdump_fail_rate,
            "api_down": self.api_down,
        }

    def update(self, data: dict[str, Any]) -> None:
        if "latency_ms" in data:
            self.latency_ms = max(0, int(data["latency_ms"]))
        if "error_rate" in data:
            self.error_rate = min(1.0, max(0.0, float(data["error_rate"])))
        if "offline_nodes" in data:
            self.offline_nodes = set(data["offline_nodes"])
        if "offline_storages" in data:
            self.offline_storages = set(data["offline_storages"])
        if "vzdump_fail_rate" in data:
            self.vzdump_fail_rate = min(1.0, max(0.0, float(data["vzdump_fail_rate"])))
        if data.get("down_seconds"):
            self.down_for(float(data["down_seconds"]))
        elif "api_down" in data:
            self.api_down = bool(data["api_down"])

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

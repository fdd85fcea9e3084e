"""Rate limits per token and category (the seed's table), fixed windows in memory."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

# category → (requests, window seconds), as the seed's table says
DEFAULTS: dict[str, tuple[int, int]] = {
    "auth": (10, 60),
    "vm_ops": (100, 3600),
    "read": (1000, 3600),
    "bulk": (50, 3600),
    "ai": (10, 3600),
}


@dataclass
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: int
    window: int

    def headers(self) -> dict[str, int]:
        h = {
            "X-RateLimit-Limit": self.limit,
            "X-RateLimit-Remaining": self.remaining,
            "X-RateLimit-Reset": self.reset,
            "X-RateLimit-Window": self.window,
        }
        if not self.allowed:
            h["Retry-After"] = max(1, self.reset - math.floor(time.time()))
        return h


class RateLimiter:
    def __init__(self, limits: dict[str, tuple[int, int]] | None = None) -> None:
        self.limits = {**DEFAULTS, **(limits or {})}
        self._counts: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, who: str, category: str) -> Verdict:
        limit, window = self.limits[category]
        now = time.time()
        start = int(now // window) * window
        key = (who, category, start)
        with self._lock:
            count = self._counts.get(key, 0)
            allowed = count < limit
            if allowed:
                self._counts[key] = count + 1
                count += 1
            if len(self._counts) > 10_000:  # drop windows that have ended
                self._counts = {k: v for k, v in self._counts.items() if k[2] + window > now}
        return Verdict(allowed, limit, max(0, limit - count), start + window, window)

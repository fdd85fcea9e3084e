"""Runtime figures that vary smoothly and deterministically with time.

cpu, memory and I/O of a running guest are functions of (seed, vmid, profile, now):
two calls at the same instant agree, and counters (netin, diskwrite, ...) only grow.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pxa.sandbox.guests import Guest

# profile → (cpu fraction, memory fraction, netin B/s, netout B/s, diskread B/s, diskwrite B/s)
PROFILES: dict[str, tuple[float, float, int, int, int, int]] = {
    "web": (0.12, 0.45, 260_000, 900_000, 40_000, 60_000),
    "app": (0.18, 0.55, 180_000, 220_000, 60_000, 90_000),
    "db": (0.25, 0.72, 420_000, 310_000, 900_000, 1_400_000),
    "cache": (0.08, 0.80, 600_000, 640_000, 5_000, 20_000),
    "lb": (0.10, 0.30, 2_100_000, 2_050_000, 2_000, 4_000),
    "ci": (0.35, 0.50, 900_000, 120_000, 300_000, 700_000),
    "monitoring": (0.15, 0.60, 350_000, 80_000, 20_000, 260_000),
    "k8s": (0.30, 0.65, 500_000, 480_000, 150_000, 240_000),
    "mail": (0.05, 0.40, 60_000, 45_000, 10_000, 30_000),
    "vpn": (0.04, 0.25, 300_000, 300_000, 1_000, 2_000),
    "dev": (0.02, 0.30, 8_000, 6_000, 2_000, 4_000),
    "backup": (0.05, 0.40, 30_000, 1_200_000, 1_500_000, 40_000),
    "infra": (0.03, 0.35, 40_000, 42_000, 1_000, 3_000),
}

_ZERO = {"cpu": 0, "mem": 0, "netin": 0, "netout": 0, "diskread": 0, "diskwrite": 0, "uptime": 0}


def unit(*salt: int) -> float:
    """A cheap deterministic number in [0, 1) from integers (splitmix-style mixing)."""
    x = 0x9E3779B97F4A7C15
    for s in salt:
        x = ((x ^ (s & 0xFFFFFFFFFFFFFFFF)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 31
    return (x & 0xFFFFFFFF) / 2**32


def guest_stats(g: Guest, now: float, seed: int) -> dict[str, float | int]:
    if not g.running or g.started_at is None:
        return dict(_ZERO)
    cpu0, mem0, nin, nout, dread, dwrite = PROFILES.get(g.profile, PROFILES["app"])
    k = unit(seed, g.vmid)
    phase = k * 2 * math.pi
    uptime = max(0.0, now - g.started_at)
    wave = 1 + 0.45 * math.sin(now / 53 + phase) + 0.2 * math.sin(now / 7.3 + 3 * phase)
    cpu = 0.0 if g.power == "paused" else min(0.99, max(0.001, cpu0 * (0.6 + k) * wave))
    mem_frac = min(0.97, mem0 * (0.8 + 0.4 * k) + 0.04 * math.sin(now / 311 + phase))
    scale = 0.5 + k
    return {
        "cpu": round(cpu, 6),
        "mem": int(g.maxmem * mem_frac),
        "netin": _counter(nin * scale, uptime, phase),
        "netout": _counter(nout * scale, uptime, phase + 1),
        "diskread": _counter(dread * scale, uptime, phase + 2),
        "diskwrite": _counter(dwrite * scale, uptime, phase + 3),
        "uptime": int(uptime),
    }


def _counter(rate: float, uptime: float, phase: float, period: float = 600.0) -> int:
    # rate * (1 + 0.3 cos) integrated: grows monotonically but not linearly.
    w = 2 * math.pi / period
    return int(rate * (uptime + 0.3 * (math.sin(w * uptime + phase) - math.sin(phase)) / w))

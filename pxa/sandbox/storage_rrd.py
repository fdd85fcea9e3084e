"""Storage RRD rows (`total`, `used`) for a timeframe, ending at the current usage.

Steps and row counts are those of PVE 9's RRD format. Usage grows slowly towards
today's value with a daily ripple (backups land at night, pruning removes some), so
the graph is plausible and the same for the same instant.
"""

from __future__ import annotations

import math
from typing import Any

from pxa.sandbox.stats import unit

# timeframe → (step seconds, rows)
FRAMES = {
    "hour": (60, 60),
    "day": (60, 1440),
    "week": (1800, 336),
    "month": (1800, 1440),
    "year": (21600, 1440),
}
GROWTH = 0.12  # usage was this much lower a month ago


def rows(
    total: int, used: int, timeframe: str, cf: str, now: float, salt: int
) -> list[dict[str, Any]]:
    step, count = FRAMES[timeframe]
    last = int(now // step) * step
    phase = unit(salt) * 2 * math.pi
    out = []
    for i in range(count):
        t = last - (count - 1 - i) * step
        age = (now - t) / (30 * 86400)
        ripple = 0.015 * math.sin(2 * math.pi * t / 86400 + phase)
        value = used * max(0.0, 1 - GROWTH * age) * (1 + ripple)
        if cf == "MAX":
            value *= 1 + 0.004 * (step / 60) ** 0.5
        out.append({"time": t, "total": float(total), "used": float(min(total, value))})
    return out

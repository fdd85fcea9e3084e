"""RRD series for nodes and guests, as `rrddata` returns them.

Each point is simple arithmetic on (seed, id, bucket time): a level taken from the live
stats (`stats.guest_stats` / `views.node_stats`), shaped by a day/week curve that
depends on the guest's environment, per-bucket noise and rare spikes. Over the last
few buckets the shape fades to flat, so the newest point sits near the live numbers.
A bucket holds values only if the guest ran for at least half of it (rrdtool's
xff 0.5); `cpu`, `mem`, I/O and pressure are left out for the rest, while the sizes
(`maxcpu`, `maxmem`, `maxdisk`, `disk`) stay, as pvestatd writes them for stopped guests.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pxa.sandbox.rrd_history import INF, Interval, overlap
from pxa.sandbox.stats import unit

# timeframe → (step in seconds, number of points), PVE 9's RRD layout
TIMEFRAMES: dict[str, tuple[int, int]] = {
    "hour": (60, 60),
    "day": (60, 1440),
    "week": (1800, 336),
    "month": (1800, 1440),
    "year": (21600, 1440),
    "decade": (604800, 570),
}
# How far MAX rises above AVERAGE: a bucket of many samples hides taller peaks.
_BURST = {60: 0.25, 1800: 0.7, 21600: 1.1, 604800: 1.5}
# environment → (night level, day amplitude, weekend level)
_CURVES = {
    "production": (0.7, 0.5, 0.85),
    "staging": (0.45, 0.9, 0.5),
    "development": (0.2, 1.3, 0.25),
}
SPIKE_CHANCE = 0.015


@dataclass(frozen=True)
class Bucket:
    """One point being computed: its time, shape factors and random draws."""

    t: int
    up: bool
    exists: bool
    shape: float  # load relative to the level (1.0 = the level), faded near now
    recent: float  # 1.0 for the newest bucket, 0.0 once the fade towards now is over
    io: float  # the same for network and disk rates, with its own noise
    burst: float  # MAX / AVERAGE - 1 for this bucket


Values = Callable[[Bucket], dict[str, float]]


def curve(t: float, env: str, step: int) -> float:
    """Load over the day (UTC): quiet at 04:00, busiest at 16:00, quieter at weekends."""
    night, amplitude, weekend = _CURVES.get(env, _CURVES["production"])
    if step >= 86400:  # a week's bucket averages the whole week
        return (5 * (night + amplitude / 2) + 2 * weekend) / 7
    mid = t + step / 2
    hour = (mid % 86400) / 3600
    if (int(mid // 86400) + 3) % 7 >= 5:  # day 0 of the epoch was a Thursday
        return weekend
    return night + amplitude * (0.5 - 0.5 * math.cos(2 * math.pi * (hour - 4) / 24))


def series(
    *,
    timeframe: str,
    cf: str,
    now: float,
    salt: tuple[int, ...],
    env: str,
    uptime: list[Interval],
    since: float,
    values: Values,
    static: dict[str, float],
) -> list[dict[str, Any]]:
    step, count = TIMEFRAMES[timeframe]
    end = step * int(now // step)
    fade = max(1200, 3 * step)  # seconds over which the shape flattens towards now
    rows: list[dict[str, Any]] = []
    for i in range(count):
        t = end - step * (count - i)
        b = _bucket(t, step, end, fade, salt, env, uptime, since, cf)
        row: dict[str, Any] = {"time": t}
        if b.exists:
            row.update(static)
        if b.up:
            row.update({k: _round(v) for k, v in values(b).items()})
        rows.append(row)
    if rows and len(rows[-1]) == 1:  # PVE drops a trailing row that holds only the time
        rows.pop()
    return rows


def _bucket(
    t: int,
    step: int,
    end: int,
    fade: int,
    salt: tuple[int, ...],
    env: str,
    uptime: list[Interval],
    since: float,
    cf: str,
) -> Bucket:
    idx = t // step
    noise, spike, io_noise, peak = (unit(*salt, step, idx, k) for k in range(4))
    raw = curve(t, env, step) * (0.85 + 0.3 * noise)
    if spike < SPIKE_CHANCE and step <= 1800:
        raw *= 2 + 2 * (spike / SPIKE_CHANCE)
    keep = min(1.0, (end - t) / fade)  # 0 for the newest buckets: no shape left
    shape = 1 + keep * (raw - 1)
    io = 1 + keep * (curve(t, env, step) * (0.7 + 0.6 * io_noise) - 1)
    burst = _BURST[step] * (0.3 + 0.7 * peak) if cf == "MAX" else 0.0
    return Bucket(
        t=t,
        up=overlap(t, t + step, uptime) * 2 >= step,
        exists=overlap(t, t + step, [(since, INF)]) * 2 >= step,
        shape=shape,
        recent=1 - keep,
        io=io,
        burst=burst,
    )


def _round(value: float) -> float | int:
    if float(value).is_integer():
        return int(value)
    return round(value, 6 if abs(value) < 100 else 2)

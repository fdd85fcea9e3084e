"""systemd-style calendar events, the subset backup schedules use, and their next run.

Accepted: `[weekdays] [hour:minute]` where weekdays are `mon`, `mon,wed`, `mon..fri`
and each time field is `*`, a number, a list, a range `a..b` or a repeat `a/step`
(`*/15`, `0/30`), plus the shorthands `minutely`, `hourly`, `daily`, `weekly`,
`monthly`, `yearly`. Times are the node's local time.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SHORTHANDS = {
    "minutely": "*:*",
    "hourly": "*:00",
    "daily": "00:00",
    "weekly": "mon 00:00",
}
_TIME_RE = re.compile(r"^([0-9*/.,]+)(?::([0-9*/.,]+))?(?::([0-9*/.,]+))?$")


@dataclass(frozen=True)
class Event:
    days: frozenset[int]  # 0 = Monday
    hours: tuple[int, ...]
    minutes: tuple[int, ...]
    monthly: bool = False  # only the first day of a month
    yearly: bool = False  # only January 1st


def parse(text: str) -> Event:
    """Raise ValueError (the validator's message) for anything else."""
    spec = text.strip().lower()
    monthly, yearly = spec == "monthly", spec in ("yearly", "annually")
    if monthly or yearly:
        spec = "00:00"
    spec = SHORTHANDS.get(spec, spec)
    parts = spec.split()
    if not parts or len(parts) > 2:
        raise ValueError(f"invalid calendar event '{text}'")
    days = frozenset(range(7))
    if parts[0][0].isalpha():
        days = _days(parts.pop(0), text)
    m = _TIME_RE.match(parts[0]) if parts else _TIME_RE.match("00:00")
    if m is None or len(parts) > 1:
        raise ValueError(f"invalid calendar event '{text}'")
    hours, minutes = (m.group(1), m.group(2) or "00") if m.group(2) else ("*", m.group(1))
    return Event(days, _field(hours, 24, text), _field(minutes, 60, text), monthly, yearly)


def _days(spec: str, text: str) -> frozenset[int]:
    out: set[int] = set()
    for item in spec.split(","):
        first, sep, last = item.partition("..")
        if first not in DAYS or (sep and last not in DAYS):
            raise ValueError(f"invalid calendar event '{text}'")
        a, b = DAYS.index(first), DAYS.index(last if sep else first)
        out |= set(range(a, b + 1)) if a <= b else set(range(a, 7)) | set(range(b + 1))
    return frozenset(out)


def _field(spec: str, limit: int, text: str) -> tuple[int, ...]:
    out: set[int] = set()
    for item in spec.split(","):
        base, _, step = item.partition("/")
        first, sep, last = base.partition("..")
        try:
            lo = 0 if first == "*" else int(first)
            hi = int(last) if sep else (limit - 1 if first == "*" or step else lo)
            every = int(step) if step else 1
        except ValueError:
            raise ValueError(f"invalid calendar event '{text}'") from None
        if not (0 <= lo <= hi < limit) or every < 1:
            raise ValueError(f"invalid calendar event '{text}'")
        out |= set(range(lo, hi + 1, every))
    return tuple(sorted(out))


def next_run(event: Event, after: float) -> int | None:
    """The first event time strictly after `after` (epoch seconds), within a year."""
    lt = time.localtime(after)
    day0 = time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday, 0, 0, 0, 0, 0, -1))
    for offset in range(370):
        day = time.localtime(day0 + offset * 86400 + 7200)  # +2h: safe across DST
        if day.tm_wday not in event.days:
            continue
        if (event.monthly or event.yearly) and day.tm_mday != 1:
            continue
        if event.yearly and day.tm_mon != 1:
            continue
        for hour in event.hours:
            for minute in event.minutes:
                at = time.mktime((day.tm_year, day.tm_mon, day.tm_mday, hour, minute, 0, 0, 0, -1))
                if at > after:
                    return int(at)
    return None

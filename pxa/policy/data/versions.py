"""Dotted version numbers, compared the way release notes mean them."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\d+(?:\.\d+)*")


def version_key(text: str | None) -> tuple[int, ...] | None:
    """The numeric part of a version: "8.2.4" → (8, 2, 4); "pve-manager/8.1.4/ec5a" → (8, 1, 4).

    `None` when the text holds no number, so an unreadable version stays unknown.
    """
    match = _NUMBER.search(text or "")
    if match is None:
        return None
    return tuple(int(part) for part in match.group(0).split("."))


def compare(left: tuple[int, ...], right: tuple[int, ...]) -> int:
    """-1, 0 or 1; missing trailing parts count as zero, so 8.4 == 8.4.0."""
    width = max(len(left), len(right))
    a = left + (0,) * (width - len(left))
    b = right + (0,) * (width - len(right))
    return (a > b) - (a < b)


def in_range(version: str | None, introduced: str, fixed_in: str) -> bool:
    """True when `introduced <= version < fixed_in`; False when the version is unreadable."""
    key = version_key(version)
    low, high = version_key(introduced), version_key(fixed_in)
    if key is None or low is None or high is None:
        return False
    return compare(key, low) >= 0 and compare(key, high) < 0

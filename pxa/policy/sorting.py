"""A stable, human order for ids that mix text and numbers ("vm-9" before "vm-10")."""

from __future__ import annotations

import re

_PARTS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    # Each part is tagged so numbers and text never get compared with each other.
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _PARTS.split(text) if part
    )

"""Opaque cursors that stay right when rows are added or removed between pages.

A cursor holds the sort key of the row a page ended (or started) at, not an offset, so
the next page starts after that row wherever it now stands.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pxa.errors import Invalid


def _plain(key: tuple[Any, ...]) -> list[Any]:
    return [v.isoformat() if isinstance(v, datetime) else v for v in key]


def encode(key: tuple[Any, ...], direction: str, sort: str, order: str) -> str:
    raw = json.dumps({"k": _plain(key), "d": direction, "s": sort, "o": order})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        assert isinstance(data, dict) and data.get("d") in ("n", "p")
        return data
    except Exception:
        raise Invalid(
            "cursor is not one pxa issued",
            field="cursor",
            reason="invalid_cursor",
            provided_value=cursor[:40],
        ) from None


def position(
    rows: Sequence[Any],
    cursor: str,
    sort: str,
    order: str,
    limit: int,
    key_of: Callable[[Any, str], tuple[Any, ...]],
) -> int:
    """The index the page a cursor points to starts at."""
    data = decode(cursor)
    if (data.get("s"), data.get("o")) != (sort, order):
        raise Invalid(
            "cursor was made for another sort order; start again without it",
            field="cursor",
            reason="sort_changed",
        )
    mark = data["k"]
    keys = [_plain(key_of(r, sort)) for r in rows]
    desc = order == "desc"

    def after(k: list[Any]) -> bool:
        return k < mark if desc else k > mark

    first_after = next((i for i, k in enumerate(keys) if after(k)), len(keys))
    if data["d"] == "n":
        return first_after
    first_not_before = next(
        (i for i, k in enumerate(keys) if not (k > mark if desc else k < mark)), len(keys)
    )
    return max(0, first_not_before - limit)

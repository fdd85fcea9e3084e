"""Tool results the model can afford: lists summarised with counts, long text cut, all as data.

A 10,000-VM cluster must not flood the context. A list longer than `LIST_ITEMS` keeps its
first items (a log keeps its last lines) and says how many there were and how they split
by status, node, environment…, with a note on how to narrow the query. A long string keeps
its head and tail with a note of what was cut; generated code is allowed more, and a file
that repeats `code` is not sent twice. Fields that are null are dropped.

The result is wrapped as `{"operation": …, "data": …}`: text from the cluster (names,
descriptions, tags, logs) travels only inside `data`, which the system prompt declares
untrusted data, never instructions.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

LIST_ITEMS = 20
LOG_LINES = 30
STRING_CHARS = 2000
MAX_CHARS = 24_000
CODE_CHARS = 12_000  # generated code is what the person asked for: cut it late
CODE_KEYS = ("code", "files")
SAME_AS_CODE = "(the same text as `code`)"
COUNT_FIELDS = ("status", "node", "environment", "type", "severity", "level", "storage")
LOG_KEYS = ("logs", "log", "lines")


def tool_result(operation: str, data: Any) -> str:
    """The JSON text sent to the model for a successful call."""
    payload = {"operation": operation, "data": compact(data)}
    text = json.dumps(payload, default=str, ensure_ascii=False)
    if len(text) > MAX_CHARS:  # still too big: tighten the lists
        payload = {"operation": operation, "data": compact(data, items=5, chars=500)}
        text = json.dumps(payload, default=str, ensure_ascii=False)
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS] + f"… [result cut at {MAX_CHARS} characters]"
    return text


def tool_problem(operation: str, kind: str, message: str, note: str = "") -> str:
    """The JSON text of a refused or failed call: `{"operation", "refused"|"error", …}`.

    The message may quote cluster text (a VM's name): it stays a JSON string, data.
    """
    payload = {"operation": operation, kind: message}
    if note:
        payload["note"] = note
    return json.dumps(payload, ensure_ascii=False)


def compact(
    value: Any, *, items: int = LIST_ITEMS, chars: int = STRING_CHARS, key: str = ""
) -> Any:
    if isinstance(value, dict):
        code = value.get("code")
        out: dict[str, Any] = {}
        for k, v in value.items():
            if v is None:
                continue
            if k == "files" and isinstance(v, dict) and isinstance(code, str):
                v = {name: SAME_AS_CODE if text == code else text for name, text in v.items()}
            limit = max(chars, CODE_CHARS) if k in CODE_KEYS or key == "files" else chars
            out[k] = compact(v, items=items, chars=limit, key=k)
        return out
    if isinstance(value, list):
        return _list(value, items=items, chars=chars, key=key)
    if isinstance(value, str) and len(value) > chars:
        head, tail = value[: chars * 3 // 4], value[-(chars // 4) :]
        cut = len(value) - len(head) - len(tail)
        return f"{head}… [{cut} characters cut] …{tail}"
    return value


def _list(value: list[Any], *, items: int, chars: int, key: str) -> Any:
    is_log = key in LOG_KEYS
    limit = LOG_LINES if is_log else items
    if len(value) <= limit:
        return [compact(v, items=items, chars=chars) for v in value]
    kept = value[-limit:] if is_log else value[:limit]
    summary: dict[str, Any] = {
        "total": len(value),
        ("last" if is_log else "first"): [compact(v, items=items, chars=chars) for v in kept],
        "omitted": len(value) - limit,
    }
    counts = _counts(value)
    if counts:
        summary["counts"] = counts
    summary["note"] = (
        f"only the last {limit} log lines are shown"
        if is_log
        else f"only the first {limit} are shown: narrow the query with filters "
        "(status, node, environment, tag, search) or page with limit/offset"
    )
    return summary


def _counts(value: list[Any]) -> dict[str, dict[str, int]]:
    rows = [v for v in value if isinstance(v, dict)]
    counts: dict[str, dict[str, int]] = {}
    for field in COUNT_FIELDS:
        seen = Counter(str(r[field]) for r in rows if r.get(field) is not None)
        if seen and len(seen) <= 20:
            counts[f"by_{field}"] = dict(seen.most_common())
    return counts

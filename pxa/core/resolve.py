"""Finding a guest from what a person typed: `vm-101`, `101`, or its unique name."""

from __future__ import annotations

import difflib
from typing import Any

from pxa.errors import Invalid, NotFound
from pxa.proxmox.mapping import guest_id


def resolve_guest(guests: dict[str, dict[str, Any]], ref: str) -> dict[str, Any]:
    ref = ref.strip()
    if ref in guests:
        return guests[ref]
    if ref.isascii() and ref.isdigit():  # '²' is a digit to str.isdigit, not to int()
        for kind in ("qemu", "lxc"):
            gid = guest_id(kind, int(ref))
            if gid in guests:
                return guests[gid]
    matches = [row for row in guests.values() if row.get("name") == ref]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        ids = ", ".join(
            f"{guest_id(r['type'], int(r['vmid']))} on {r.get('node')}" for r in matches
        )
        raise Invalid(
            f"the name {ref!r} is ambiguous: {ids}; use the id",
            field="vm_id",
            reason="ambiguous_name",
            provided_value=ref,
        )
    names = [str(r.get("name")) for r in guests.values() if r.get("name")]
    close = difflib.get_close_matches(ref, names, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise NotFound(f"VM {ref!r} not found{hint}", details={"vm_id": ref})

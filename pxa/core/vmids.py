"""VMIDs for new guests (created or restored): the caller's, checked, or a free one, claimed.

PVE's `/cluster/nextid` is the lowest free VMID, not a reservation: creates and restores
planned at the same moment would all get the same one and all but the first would fail.
"""

from __future__ import annotations

import time
import weakref
from typing import TYPE_CHECKING

from pxa.errors import Conflict
from pxa.proxmox.mapping import guest_id

if TYPE_CHECKING:
    from pxa.core.infra import Infra

# VMIDs handed out by each core, until when (monotonic).
_CLAIMS: weakref.WeakKeyDictionary[Infra, dict[int, float]] = weakref.WeakKeyDictionary()
CLAIM_SECONDS = 120.0


async def new_vmid(infra: Infra, wanted: int | None = None) -> int:
    """`wanted` if no guest has it (Conflict naming the field if one does), else a free one."""
    if wanted is not None:
        guests = infra.inventory.guests
        if guest_id("qemu", wanted) in guests or guest_id("lxc", wanted) in guests:
            raise Conflict(f"VMID {wanted} is already in use", details={"field": "vmid"})
        return wanted
    return _claim(infra, await infra.adapter.next_vmid())


def _claim(infra: Infra, lowest_free: int) -> int:
    """The lowest VMID from `lowest_free` up that no guest, no unfinished job (of any pxa
    on this database) and no claim made here holds; claimed before any await."""
    now = time.monotonic()
    claims = _CLAIMS.setdefault(infra, {})
    for vmid, until in list(claims.items()):
        if until < now:
            del claims[vmid]
    taken = set(claims) | {int(row["vmid"]) for row in infra.inventory.guests.values()}
    for row in infra.jobs.repo.unfinished():
        kind, _, number = (row.get("target") or "").partition("-")
        if kind in ("vm", "ct") and number.isdigit():
            taken.add(int(number))
    vmid = lowest_free
    while vmid in taken:
        vmid += 1
    claims[vmid] = now + CLAIM_SECONDS
    return vmid

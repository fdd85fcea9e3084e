"""New guests' VMIDs: free ones are claimed, so creates and restores planned together differ."""

from __future__ import annotations

import pytest

from pxa.core.infra import Infra
from pxa.core.vmids import new_vmid
from pxa.errors import Conflict


async def test_free_vmids_asked_for_one_after_another_are_each_their_own(infra: Infra) -> None:
    await infra.inventory.refresh()
    lowest_free = await infra.adapter.next_vmid()
    first, second = await new_vmid(infra), await new_vmid(infra)
    assert first == lowest_free and second > first


async def test_a_wanted_vmid_that_a_guest_has_is_a_conflict_naming_the_field(
    infra: Infra,
) -> None:
    await infra.inventory.refresh()
    taken = int(next(iter(infra.inventory.guests.values()))["vmid"])
    with pytest.raises(Conflict, match=f"VMID {taken} is already in use") as err:
        await new_vmid(infra, taken)
    assert err.value.details["field"] == "vmid"


async def test_a_wanted_vmid_that_is_free_is_used_as_given(infra: Infra) -> None:
    await infra.inventory.refresh()
    assert await new_vmid(infra, 4242) == 4242


async def test_the_vmid_of_an_unfinished_restore_is_not_handed_out(infra: Infra) -> None:
    await infra.inventory.refresh()
    lowest_free = await infra.adapter.next_vmid()
    infra.jobs.create(
        "backup_restore",
        workflow="pve_task",
        params={},
        target=f"vm-{lowest_free}",
        actor="cli",
    )  # planned by another pxa on this database, not started yet
    assert await new_vmid(infra) == lowest_free + 1

"""vm.list: the inventory, filters, sorting and pagination."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import Invalid
from pxa.models.vm import VmList

CLI = CallContext.of("cli")


async def list_vms(infra: Infra, **query: object) -> VmList:
    return await infra.call("vm.list", {"limit": 200, **query}, CLI)


async def test_lists_the_seeded_lab_without_templates(infra: Infra) -> None:
    result = await list_vms(infra)
    assert result.pagination.total >= 24
    assert not any(vm.template for vm in result.vms)
    assert {vm.environment for vm in result.vms if vm.type == "qemu"} >= {
        "production",
        "staging",
        "development",
    }


async def test_ids_follow_the_documented_scheme(infra: Infra) -> None:
    for vm in (await list_vms(infra)).vms:
        assert vm.id == f"{'ct' if vm.type == 'lxc' else 'vm'}-{vm.vmid}"


async def test_containers_are_listed_with_their_type(infra: Infra) -> None:
    result = await list_vms(infra, type="lxc")
    assert result.vms and all(vm.type == "lxc" for vm in result.vms)


async def test_templates_appear_only_when_asked_for(infra: Infra) -> None:
    result = await list_vms(infra, include_templates=True)
    names = {vm.name for vm in result.vms if vm.template}
    assert {"ubuntu-22.04", "ubuntu-24.04", "debian-12"} <= names


@pytest.mark.parametrize("status", ["running", "stopped"])
async def test_filters_by_status(infra: Infra, status: str) -> None:
    result = await list_vms(infra, status=status)
    assert result.vms, f"the lab has {status} VMs"
    assert all(vm.status == status for vm in result.vms)


async def test_filters_by_environment_node_and_tag(infra: Infra) -> None:
    prod = await list_vms(infra, environment="production")
    assert prod.vms and all(vm.environment == "production" for vm in prod.vms)
    on_pve2 = await list_vms(infra, node="pve2")
    assert on_pve2.vms and all(vm.node == "pve2" for vm in on_pve2.vms)
    tagged = await list_vms(infra, tag="production")
    assert {vm.id for vm in tagged.vms} >= {vm.id for vm in prod.vms if vm.type == "qemu"}


async def test_search_matches_part_of_a_name(infra: Infra) -> None:
    result = await list_vms(infra, search="web")
    assert result.vms and all("web" in vm.name for vm in result.vms)


async def test_sorts_descending_by_memory_with_stable_ties(infra: Infra) -> None:
    result = await list_vms(infra, sort="memory_mb", order="desc")
    memory = [vm.memory_mb for vm in result.vms if vm.memory_mb is not None]
    assert memory == sorted(memory, reverse=True)


async def test_pages_cover_the_list_once(infra: Infra) -> None:
    everything = await list_vms(infra)
    seen: list[str] = []
    offset = 0
    while True:
        page = await infra.call("vm.list", {"limit": 7, "offset": offset}, CLI)
        seen += [vm.id for vm in page.vms]
        if not page.pagination.has_next:
            break
        offset += 7
    assert seen == [vm.id for vm in everything.vms]
    assert page.pagination.pages == -(-everything.pagination.total // 7)


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"sort": "x"}])
async def test_rejects_out_of_range_queries_naming_the_field(infra: Infra, query: dict) -> None:
    with pytest.raises(Invalid) as err:
        await infra.call("vm.list", query, CLI)
    assert err.value.field == next(iter(query))


async def test_one_resources_call_per_refresh_whatever_the_count(infra: Infra) -> None:
    before = infra.inventory.requests
    await infra.inventory.refresh()
    await list_vms(infra)  # served from the fresh cache
    assert infra.inventory.requests == before + 1


async def test_the_list_shows_ips_read_once_from_configs(infra: Infra) -> None:
    result = await list_vms(infra, environment="production", type="qemu")
    assert any(vm.ip_address and vm.ip_address.startswith("192.168.") for vm in result.vms)


async def test_what_configs_told_is_remembered_by_the_next_process(
    infra_factory: Callable[..., Infra],
) -> None:
    first = infra_factory()
    shown = {vm.id: vm.ip_address for vm in (await list_vms(first)).vms}
    second = infra_factory()
    await second.inventory.refresh()
    remembered = {vm.id: vm.ip_address for vm in second.inventory.vms() if vm.id in shown}
    assert remembered == shown


async def test_cursor_pages_stay_right_when_a_vm_appears_between_pages(infra: Infra) -> None:
    first = await infra.call("vm.list", {"limit": 5}, CLI)
    assert first.pagination.next_cursor and first.pagination.previous_cursor is None
    created = await infra.call(
        "vm.create", {"name": "aaa-first-in-order", "template": "debian-12", "start": False}, CLI
    )
    await infra.jobs.wait(created.creation_job_id, timeout=60)
    infra.inventory.invalidate()
    second = await infra.call("vm.list", {"limit": 5, "cursor": first.pagination.next_cursor}, CLI)
    everything = [vm.id for vm in (await list_vms(infra)).vms]
    last_seen = everything.index(first.vms[-1].id)
    assert [vm.id for vm in second.vms] == everything[last_seen + 1 : last_seen + 6]
    back = await infra.call(
        "vm.list", {"limit": 5, "cursor": second.pagination.previous_cursor}, CLI
    )
    assert [vm.id for vm in back.vms] == everything[last_seen - 4 : last_seen + 1]


async def test_a_forged_cursor_is_refused(infra: Infra) -> None:
    with pytest.raises(Invalid) as err:
        await infra.call("vm.list", {"cursor": "bm9wZQ"}, CLI)
    assert err.value.field == "cursor"


async def test_a_change_seen_by_a_refresh_shows_in_the_next_listing_of_the_same_query(
    infra: Infra,
) -> None:
    # Listings of one inventory are kept in order per query; a refresh must not be hidden.
    query = {"status": "stopped", "type": "qemu", "sort": "vmid"}
    before = await list_vms(infra, **query)
    vm = next(v for v in before.vms if v.node != "pve3" and not v.lock)
    assert (await list_vms(infra, **query)).vms == before.vms
    accepted = await infra.call("vm.start", {"vm_id": vm.id}, CLI)
    await infra.jobs.wait(accepted.job_id, timeout=30)
    await infra.inventory.refresh()
    after = await list_vms(infra, **query)
    assert vm.id not in {v.id for v in after.vms}
    assert [v.vmid for v in after.vms] == sorted(v.vmid for v in after.vms)
    assert vm.id in {v.id for v in (await list_vms(infra, status="running")).vms}

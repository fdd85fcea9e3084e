"""The gate: read-only mode, confirmation for the chat agent, typed names, the audit log."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pxa.core.context import CallContext, ConfirmationRequest
from pxa.core.infra import Infra
from pxa.errors import ConfirmationRefused, ReadOnly

CLI = CallContext.of("cli")


async def a_vm(infra: Infra, status: str) -> tuple[str, str]:
    result = await infra.call("vm.list", {"status": status, "type": "qemu", "limit": 200}, CLI)
    vm = next(vm for vm in result.vms if vm.node != "pve3" and not vm.lock)
    return vm.id, vm.name


def answering(answer: bool | str, asked: list[ConfirmationRequest]) -> Callable:
    async def confirm(req: ConfirmationRequest) -> bool | str:
        asked.append(req)
        return answer

    return confirm


async def test_read_only_mode_refuses_every_write(infra_factory: Callable[..., Infra]) -> None:
    infra = infra_factory(read_only=True)
    vm_id, _ = await a_vm(infra, "stopped")
    with pytest.raises(ReadOnly):
        await infra.call("vm.start", {"vm_id": vm_id}, CLI)
    assert (await infra.call("vm.get", {"vm_id": vm_id}, CLI)).status.value == "stopped"


async def test_read_only_mode_still_reads(infra_factory: Callable[..., Infra]) -> None:
    infra = infra_factory(read_only=True)
    assert (await infra.call("vm.list", {}, CLI)).vms


async def test_the_chat_agent_cannot_write_without_a_person_confirming(infra: Infra) -> None:
    vm_id, _ = await a_vm(infra, "stopped")
    with pytest.raises(ConfirmationRefused):
        await infra.call("vm.start", {"vm_id": vm_id}, CallContext.of("chat", "s1"))


async def test_a_confirmed_write_from_chat_runs(infra: Infra) -> None:
    vm_id, name = await a_vm(infra, "stopped")
    asked: list[ConfirmationRequest] = []
    ctx = CallContext.of("chat", "s1", confirm=answering(True, asked))
    accepted = await infra.call("vm.start", {"vm_id": vm_id}, ctx)
    assert asked[0].operation == "vm.start" and asked[0].resource_name == name
    assert (await infra.jobs.wait(accepted.job_id, timeout=30)).status.value == "completed"


async def test_a_refused_write_does_not_run(infra: Infra) -> None:
    vm_id, _ = await a_vm(infra, "stopped")
    ctx = CallContext.of("chat", "s1", confirm=answering(False, []))
    with pytest.raises(ConfirmationRefused):
        await infra.call("vm.start", {"vm_id": vm_id}, ctx)
    assert not (await infra.call("job.list", {}, CLI)).jobs


async def test_a_destructive_call_needs_the_exact_name_typed(infra: Infra) -> None:
    vm_id, name = await a_vm(infra, "stopped")
    wrong = CallContext.of("chat", "s1", confirm=answering("yes", []))
    with pytest.raises(ConfirmationRefused, match="did not match"):
        await infra.call("vm.delete", {"vm_id": vm_id}, wrong)
    right = CallContext.of("chat", "s1", confirm=answering(name, []))
    accepted = await infra.call("vm.delete", {"vm_id": vm_id}, right)
    assert (await infra.jobs.wait(accepted.job_id, timeout=30)).status.value == "completed"


async def test_every_mutation_is_audited_with_its_actor(infra: Infra) -> None:
    vm_id, _ = await a_vm(infra, "stopped")
    ctx = CallContext.of("chat", "s1", confirm=answering(False, []))
    with pytest.raises(ConfirmationRefused):
        await infra.call("vm.start", {"vm_id": vm_id}, ctx)
    accepted = await infra.call("vm.start", {"vm_id": vm_id}, CallContext.of("api", "tok_1"))
    rows = infra.audit.recent()
    assert [(r.actor, r.result) for r in rows[:2]] == [("api:tok_1", "ok"), ("chat:s1", "error")]
    assert rows[0].job_id == accepted.job_id and rows[0].target == vm_id


async def test_reads_are_not_audited(infra: Infra) -> None:
    await infra.call("vm.list", {}, CLI)
    assert infra.audit.recent() == []

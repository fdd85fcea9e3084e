"""run_op: confirmation modals for writes and destructive calls, errors as toasts."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, Static

from pxa.core.infra import Infra
from pxa.models.job import JobStatus
from pxa.tui.modals import ConfirmDestructive, ConfirmWrite

from .helpers import notifications, settle

SIZE = (120, 40)


async def _stopped_vm(infra: Infra) -> tuple[str, str]:
    await infra.inventory.refresh()
    vm = next(
        v
        for v in infra.inventory.vms()
        if v.status.value == "stopped" and not v.template and v.type == "qemu"
    )
    return vm.id, vm.name


async def test_a_destructive_operation_wants_the_exact_name(make_app, infra: Infra) -> None:
    vm_id, name = await _stopped_vm(infra)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        worker = app.start_op("vm.delete", {"vm_id": vm_id})
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDestructive))
        modal = app.screen
        assert f"Type '{name}' to confirm" in str(modal.query_one(".prompt", Static).content)

        await pilot.press(*(name.upper() + "x"), "enter")
        assert app.screen is modal  # still asking
        assert "type the name exactly" in str(modal.query_one(".mismatch", Static).content)

        modal.query_one(Input).value = ""
        await pilot.press(*name, "enter")
        await worker.wait()
        accepted = worker.result
        assert accepted is not None and accepted.target == vm_id
        job = await infra.jobs.wait(accepted.job_id)
        assert job.status is JobStatus.completed
        assert not any(v.id == vm_id for v in (await _fresh(infra)))
        toasts = [t.message for t in await notifications(pilot)]
        assert toasts == [f"vm: delete {vm_id}: done"]  # the job this TUI started has ended


async def _fresh(infra: Infra):
    await infra.inventory.refresh()
    return infra.inventory.vms()


async def test_cancelling_a_destructive_operation_changes_nothing(make_app, infra: Infra) -> None:
    vm_id, _ = await _stopped_vm(infra)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        worker = app.start_op("vm.delete", {"vm_id": vm_id})
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDestructive))
        await pilot.press("escape")
        await worker.wait()
        assert worker.result is None
        (toast,) = await notifications(pilot)
        assert toast.title == "vm: delete" and toast.severity == "warning"
        assert "cancelled: nothing was changed" in toast.message
        assert any(v.id == vm_id for v in await _fresh(infra))


async def test_a_write_asks_yes_or_no_with_its_arguments(make_app, infra: Infra) -> None:
    vm_id, name = await _stopped_vm(infra)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        worker = app.start_op("vm.start", {"vm_id": vm_id})
        await settle(pilot, lambda: isinstance(app.screen, ConfirmWrite))
        modal = app.screen
        assert modal.query_one(".dialog").border_title == "vm: start"
        assert (
            str(modal.query_one(".prompt", Static).content)
            == f"vm: start {name} ({vm_id}): proceed?"
        )
        assert f"vm_id = {vm_id}" in str(modal.query_one(".arguments", Static).content)
        await pilot.press("y")
        await worker.wait()
        assert worker.result.job_id


async def test_a_refused_operation_is_a_toast_with_the_core_message(
    make_app, infra_factory: Callable
) -> None:
    core = infra_factory(read_only=True)
    vm_id, _ = await _stopped_vm(core)
    app = make_app(infra=core)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        worker = app.start_op("vm.start", {"vm_id": vm_id})
        await worker.wait()
        await pilot.pause()
        assert worker.result is None
        (toast,) = await notifications(pilot)
        assert toast.severity == "error" and toast.title == "vm: start"
        assert toast.message == "pxa is in read-only mode: vm: start is not allowed"


async def test_an_error_from_the_cluster_is_a_toast_not_a_crash(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await app.run_op("vm.get", {"vm_id": "vm-99999"}) is None
        (toast,) = await notifications(pilot)
        assert toast.severity == "error" and "vm-99999" in toast.message

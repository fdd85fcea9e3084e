"""Core events reach every listening widget as past-tense messages, whoever caused them."""

from __future__ import annotations

import threading

from textual.widget import Widget

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.tui.bridge import CoreListener
from pxa.tui.messages import JobCompleted, VmStatusChanged

from .helpers import settle


class Recorder(CoreListener, Widget):
    """A listener like a pane: it records what it is told."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str, str | None]] = []

    def on_vm_status_changed(self, message: VmStatusChanged) -> None:
        self.seen.append(("status", message.vm_id, message.status))

    def on_job_completed(self, message: JobCompleted) -> None:
        self.seen.append(("job", message.job.target or "", message.job.status.value))


async def test_a_change_made_through_the_api_reaches_the_panes(make_app, infra: Infra) -> None:
    await infra.inventory.refresh()
    vm = next(
        v
        for v in infra.inventory.vms()
        if v.status.value == "stopped" and not v.template and v.type == "qemu"
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        recorder = Recorder()
        await app.screen.mount(recorder)
        accepted = await infra.call("vm.start", {"vm_id": vm.id}, CallContext.of("api", "t1"))
        await infra.jobs.wait(accepted.job_id)
        await infra.inventory.refresh()
        await settle(pilot, lambda: ("status", vm.id, "running") in recorder.seen)
        assert ("job", vm.id, "completed") in recorder.seen


async def test_events_published_from_another_thread_are_delivered(make_app, infra: Infra) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        recorder = Recorder()
        await app.screen.mount(recorder)
        vm = {"id": "vm-4242", "name": "elsewhere", "status": "paused"}
        thread = threading.Thread(
            target=infra.bus.emit, args=("vm.status_changed",), kwargs={"vm": vm}
        )
        thread.start()
        thread.join()
        await settle(pilot, lambda: ("status", "vm-4242", "paused") in recorder.seen)
        assert recorder.seen.count(("status", "vm-4242", "paused")) == 1


async def test_the_header_follows_the_connection_health(make_app, infra: Infra) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        infra.bus.emit("backend.health_changed", healthy=False, message="pve1 does not answer")
        await pilot.pause()
        assert str(app.query_one("#health").content) == "✕ unreachable: pve1 does not answer"
        infra.bus.emit("backend.health_changed", healthy=True, message="connected")
        await pilot.pause()
        assert str(app.query_one("#health").content) == "● connected"

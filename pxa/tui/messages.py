"""Past-tense Textual messages: facts about the core that panes react to.

The core publishes `pxa.models.event.Event`s on its bus; `pxa.tui.bridge` turns each into
one of these (`message_for`) and delivers a fresh instance to the app and to every mounted
`CoreListener` (the panes, the header). A pane handles them by name, e.g.
`def on_vm_status_changed(self, message: VmStatusChanged) -> None`.

Core messages do not bubble: each listener gets its own copy, so a handler never sees one
twice. Messages a pane defines for its own workers (`VmsLoaded`, ...) live in the pane's
module and follow the same past-tense naming.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

from pxa.models.event import Event
from pxa.models.job import Job

if TYPE_CHECKING:
    from pxa.core.infra import Infra
    from pxa.models.cluster import ClusterSummary


class CoreMessage(Message, bubble=False):
    """A fact from the core (or about it), delivered to the app and every CoreListener."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        kwargs.setdefault("bubble", False)
        super().__init_subclass__(**kwargs)


# --- the core's lifecycle in the app ------------------------------------------------------


class CoreReady(CoreMessage):
    """The core is built and its background refresh runs: `app.infra` is usable."""

    def __init__(self, infra: Infra) -> None:
        super().__init__()
        self.infra = infra


class CoreFailed(CoreMessage):
    """The core could not be built (bad config, sandbox did not start); the UI stays up."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class ClusterSummaryLoaded(CoreMessage):
    def __init__(self, summary: ClusterSummary) -> None:
        super().__init__()
        self.summary = summary


class ApiStarted(CoreMessage):
    """The embedded /v1 server listens at `url` (`note` says why the port differs)."""

    def __init__(self, url: str, note: str | None = None) -> None:
        super().__init__()
        self.url = url
        self.note = note


class ApiFailed(CoreMessage):
    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


# --- the bus's events ---------------------------------------------------------------------


class BusMessage(CoreMessage):
    """A message made from a bus event; `event` keeps its type, timestamp and raw data."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


class InventoryRefreshed(BusMessage):
    @property
    def count(self) -> int:
        return int(self.event.data.get("count", 0))


class BackendHealthChanged(BusMessage):
    @property
    def healthy(self) -> bool:
        return bool(self.event.data.get("healthy"))

    @property
    def message(self) -> str:
        return str(self.event.data.get("message") or "")


class _VmMessage(BusMessage):
    @property
    def vm(self) -> dict[str, Any]:
        return dict(self.event.data.get("vm") or {})

    @property
    def vm_id(self) -> str:
        return str(self.vm.get("id", ""))

    @property
    def name(self) -> str | None:
        return self.vm.get("name")


class VmCreated(_VmMessage):
    pass


class VmDeleted(_VmMessage):
    pass


class VmUpdated(_VmMessage):
    pass


class VmStatusChanged(_VmMessage):
    @property
    def status(self) -> str | None:
        return self.vm.get("status")

    @property
    def previous_status(self) -> str | None:
        return self.event.data.get("previous_status")


class _JobMessage(BusMessage):
    @property
    def job_id(self) -> str:
        job = self.event.data.get("job") or {}
        return str(job.get("id") or self.event.data.get("job_id") or "")


class JobCreated(_JobMessage):
    @property
    def job_type(self) -> str | None:
        return (self.event.data.get("job") or {}).get("type")

    @property
    def target(self) -> str | None:
        return (self.event.data.get("job") or {}).get("target")


class JobProgressed(_JobMessage):
    @property
    def progress(self) -> int | None:
        return (self.event.data.get("job") or {}).get("progress")


class JobCompleted(_JobMessage):
    """A job finished: completed, failed or cancelled (`job.status` says which)."""

    @property
    def job(self) -> Job:
        return Job.model_validate(self.event.data["job"])


class BackupCompleted(BusMessage):
    pass


class ScanCompleted(BusMessage):
    pass


class SystemAlerted(BusMessage):
    pass


class CoreEventReceived(BusMessage):
    """Any bus event without a message of its own (a type added to the core later)."""


MESSAGES: dict[str, type[BusMessage]] = {
    "inventory.refreshed": InventoryRefreshed,
    "backend.health_changed": BackendHealthChanged,
    "vm.created": VmCreated,
    "vm.deleted": VmDeleted,
    "vm.updated": VmUpdated,
    "vm.status_changed": VmStatusChanged,
    "job.created": JobCreated,
    "job.progressed": JobProgressed,
    "job.completed": JobCompleted,
    "backup.completed": BackupCompleted,
    "security.scan_completed": ScanCompleted,
    "system.alert": SystemAlerted,
}


def message_for(event: Event) -> BusMessage:
    return MESSAGES.get(event.type, CoreEventReceived)(event)

"""Running catalogue operations from the TUI: the one way a pane changes anything.

`await app.run_op(name, args)` calls `infra.call` as actor `tui`; a write asks yes/no in a
modal, a destructive operation wants the resource's name typed back (`pxa.tui.modals`);
the core's gate enforces both, and read-only mode, whatever the UI shows. A `PxaError`
becomes a toast with the core's message and `run_op` returns None; pass `toast=False` to
get the exception instead (a pane that shows its own error state).

Confirmation waits for a modal, so `run_op` runs in a worker. From an action or a message
handler use `app.start_op(...)`, which starts that worker and, when it ends, posts
`OperationFinished` to the widget that asked.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.worker import NoActiveWorker, get_current_worker

from pxa.core.context import CallContext, ConfirmationRequest
from pxa.errors import ConfirmationRefused, PxaError
from pxa.models.common import Risk
from pxa.models.job import Job, JobStatus

if TYPE_CHECKING:
    from pydantic import BaseModel
    from textual.message_pump import MessagePump
    from textual.worker import Worker

    from pxa.core.catalogue import Operation
    from pxa.core.infra import Infra


class OperationFinished(Message):
    """Posted to the requester of `start_op`: `result` is None when the call failed."""

    def __init__(self, name: str, args: dict[str, Any], result: BaseModel | None) -> None:
        super().__init__()
        self.name = name
        self.args = args
        self.result = result

    @property
    def ok(self) -> bool:
        return self.result is not None


class OperationsMixin:
    """Mixed into PxaApp; needs `infra`, `notify`, `push_screen_wait` and `run_worker`.

    A job started through `run_op` is watched: when it ends, `job_finished` says so in a
    toast (the Jobs pane shows the details).
    """

    infra: Infra | None
    watched_jobs: dict[str, str]  # job id → the title of the operation that started it

    @property
    def catalogue(self) -> dict[str, Operation]:
        if self.infra is not None:
            return self.infra.catalogue
        from pxa.core.catalogue import load_all

        return load_all()

    def call_context(self) -> CallContext:
        return CallContext.of("tui", os.environ.get("USER"), confirm=self._confirm)

    async def run_op(
        self, name: str, args: BaseModel | dict[str, Any] | None = None, *, toast: bool = True
    ) -> Any:
        """Call operation `name` through the core; the result, or None after a toast."""
        try:
            if self.infra is None:
                raise PxaError("not connected to the cluster yet: try again in a moment")
            result = await self.infra.call(name, args or {}, self.call_context())
        except PxaError as exc:
            if not toast:
                raise
            op = self.catalogue.get(name)
            severity = "warning" if isinstance(exc, ConfirmationRefused) else "error"
            self.notify(  # type: ignore[attr-defined]
                exc.message, title=op.title if op else name, severity=severity, markup=False
            )
            return None
        job_id = getattr(result, "job_id", None)
        if isinstance(job_id, str):
            self.watched_jobs[job_id] = self.catalogue[name].title
        return result

    def job_finished(self, job: Job) -> None:
        """A toast when a job this TUI started ends (called for every JobCompleted)."""
        title = self.watched_jobs.pop(job.id, None)
        if title is None:
            return
        target = f" {job.target}" if job.target else ""
        if job.status is JobStatus.completed:
            self.notify(f"{title}{target}: done", markup=False)  # type: ignore[attr-defined]
        else:
            self.notify(  # type: ignore[attr-defined]
                f"{title}{target}: {job.status.value}: {job.error or 'no reason given'}",
                severity="error" if job.status is JobStatus.failed else "warning",
                markup=False,
            )

    def start_op(
        self,
        name: str,
        args: BaseModel | dict[str, Any] | None = None,
        *,
        requester: MessagePump | None = None,
    ) -> Worker[Any]:
        """Run `run_op` in a worker; `requester` then receives `OperationFinished`."""
        payload = args if isinstance(args, dict) else (args.model_dump() if args else {})

        async def body() -> Any:
            result = await self.run_op(name, args)
            if requester is not None:
                requester.post_message(OperationFinished(name, payload, result))
            return result

        return self.run_worker(body(), name=name, group="ops")  # type: ignore[attr-defined,no-any-return]

    async def _confirm(self, request: ConfirmationRequest) -> bool | str:
        from pxa.tui.modals import ConfirmDestructive, ConfirmWrite

        try:
            get_current_worker()
        except NoActiveWorker:
            raise RuntimeError(
                f"{request.title} needs a confirmation: call run_op from a worker (start_op)"
            ) from None
        modal = ConfirmDestructive(request) if request.risk is Risk.destructive else None
        answer = await self.push_screen_wait(modal or ConfirmWrite(request))  # type: ignore[attr-defined]
        if answer is None or answer is False:
            raise ConfirmationRefused(f"{request.title} cancelled: nothing was changed")
        return answer  # type: ignore[no-any-return]

"""Running a tool call: through `Infra.call` as actor `chat`, so the gate decides.

Reads run at once; a write waits for the person's confirmation and a destructive call for
the resource's name, through the front door's confirmer; read-only mode refuses both. The
core audits every call of actor `chat` (reads, refusals and arguments the model got wrong
included), so every tool call of a session is in the audit log.

Cancelling a turn while a confirmed call runs in the core waits for that call to finish
(it is shielded), so nothing is left half-done or half-audited; a call still waiting for
its confirmation is abandoned and audited as cancelled.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from pxa.ai.compact import tool_problem, tool_result
from pxa.core.context import CallContext, ConfirmationRequest, Confirmer
from pxa.errors import ConfirmationRefused, PxaError, ReadOnly
from pxa.models.common import Actor, Risk

if TYPE_CHECKING:
    from pxa.core.catalogue import Operation
    from pxa.core.infra import Infra

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToolOutcome:
    content: str  # what the model reads
    summary: str  # one line for the transcript
    is_error: bool = False
    refused: bool = False
    result: BaseModel | None = None


class ToolExecutor:
    def __init__(self, infra: Infra, session_id: str, confirm: Confirmer | None) -> None:
        self.infra = infra
        self.session_id = session_id
        self.confirm = confirm
        self.started_jobs: list[str] = []  # jobs this session's calls started, oldest first

    @property
    def actor(self) -> Actor:
        return Actor(kind="chat", id=self.session_id)

    async def run(self, op: Operation, arguments: dict[str, Any]) -> ToolOutcome:
        """Run one tool call through the core, which validates, gates and audits it."""
        state = {"confirmed": False}

        async def confirm(request: ConfirmationRequest) -> bool | str:
            assert self.confirm is not None
            answer = await self.confirm(request)
            state["confirmed"] = True
            return answer

        ctx = CallContext(actor=self.actor, confirm=confirm if self.confirm else None)
        call = asyncio.ensure_future(self.infra.call(op.name, arguments, ctx))
        try:
            result = await asyncio.shield(call)
        except asyncio.CancelledError:
            if not call.done():
                if not state["confirmed"]:
                    call.cancel()  # abandoned while it waited: the core audits it cancelled
                await asyncio.wait([call])  # a confirmed call finishes, audited by the core
            raise
        except ConfirmationRefused as exc:
            return ToolOutcome(
                content=tool_problem(
                    op.name,
                    "refused",
                    exc.message,
                    "Nothing was changed. Do not retry this call unless the person asks again.",
                ),
                summary=f"refused: {exc.message}",
                is_error=True,
                refused=True,
            )
        except ReadOnly as exc:
            return ToolOutcome(
                content=tool_problem(
                    op.name, "refused", exc.message, "pxa is in read-only mode: only reads run."
                ),
                summary=f"refused: {exc.message}",
                is_error=True,
                refused=True,
            )
        except PxaError as exc:  # arguments the model got wrong (Invalid) among them
            return ToolOutcome(
                content=tool_problem(op.name, "error", exc.message, exc.code),
                summary=f"error: {exc.message}",
                is_error=True,
            )
        except Exception as exc:  # a defect, not the model's fault: the chat carries on
            log.exception("tool %s failed", op.name)
            return ToolOutcome(
                content=tool_problem(
                    op.name,
                    "error",
                    "the operation failed unexpectedly: tell the person",
                    "INTERNAL_ERROR",
                ),
                summary=f"internal error: {type(exc).__name__}: {exc}",
                is_error=True,
            )
        job_id = getattr(result, "job_id", None) or getattr(result, "creation_job_id", None)
        if isinstance(job_id, str) and op.risk is not Risk.read:
            self.started_jobs.append(job_id)
        return ToolOutcome(
            content=tool_result(op.name, result.model_dump(mode="json", exclude_none=True)),
            summary=brief(result),
            result=result,
        )


def brief(result: BaseModel) -> str:
    """One line about a result: a job started, a count of items, or the object's name."""
    job_id = getattr(result, "job_id", None)
    if isinstance(job_id, str):
        message = getattr(result, "message", None)
        return f"job {job_id} started" + (f": {message}" if message else "")
    for name, value in result:
        if isinstance(value, list):
            total = getattr(getattr(result, "pagination", None), "total", None)
            total = total if total is not None else getattr(result, "total", None)
            shown = f"{len(value)} {name}"
            return shown + (
                f" of {total}" if isinstance(total, int) and total != len(value) else ""
            )
    label = getattr(result, "name", None) or getattr(result, "id", None)
    return f"ok: {label}" if label else "ok"

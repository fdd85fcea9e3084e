"""Infra: the core's facade. Every front door holds one and calls `Infra.call`.

`call` is the single path into the core: validate the input model, pass the gate
(read-only, confirmation), run the operation, write the audit row.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from pxa.core.catalogue import Operation, load_all
from pxa.core.context import CallContext, ConfirmationRequest
from pxa.core.gate import Gate
from pxa.core.inventory import Inventory
from pxa.core.jobs import JobService
from pxa.core.resolve import resolve_guest
from pxa.core.tokens import TokenService
from pxa.core.workflow import JobContext
from pxa.errors import Invalid, NotFound, PxaError
from pxa.events import EventBus
from pxa.models.common import Risk
from pxa.models.job import Job
from pxa.proxmox.adapter import ProxmoxAdapter
from pxa.store.audit import AuditRepo
from pxa.store.db import Database
from pxa.store.facts import FactsRepo
from pxa.store.jobs import JobRepo
from pxa.store.meta import MetaRepo
from pxa.webhooks import WebhookService

if TYPE_CHECKING:
    from pxa.core.terraform import SpecDrafter

log = logging.getLogger(__name__)

# Actors whose every call is audited, reads and arguments that failed validation included
# (what the model asked for is part of the record); the others have their changes audited.
AUDIT_EVERY_CALL = frozenset({"chat"})

SECRET_KEYS = ("password", "secret", "token", "api_key", "cipassword")


class Infra:
    def __init__(
        self,
        adapter: ProxmoxAdapter,
        database: Database,
        *,
        read_only: bool = False,
        sandbox: bool = False,
        poll_interval: float = 0.5,
        refresh_seconds: float = 5.0,
    ) -> None:
        self.adapter = adapter
        self.database = database
        self.sandbox = sandbox
        self.bus = EventBus()
        self.gate = Gate(read_only=read_only)
        self.audit = AuditRepo(database)
        self.meta = MetaRepo(database)
        self.tokens = TokenService(database)
        self.inventory = Inventory(adapter, self.bus, FactsRepo(database))
        self.jobs = JobService(
            JobRepo(database),
            adapter,
            self.bus,
            poll_interval=poll_interval,
            on_finished=self._job_finished,
        )
        self.jobs.infra = self  # workflows that need more than the adapter reach the core here
        self.refresh_seconds = refresh_seconds
        self.catalogue = load_all()
        self.webhooks = WebhookService(database, self.bus, audit=self.audit)
        # Claude drafting infrastructure specs (pxa.ai); None: the offline parser does it.
        self.spec_drafter: SpecDrafter | None = None
        self._stop = asyncio.Event()
        self._background: list[asyncio.Task[Any]] = []

    @property
    def read_only(self) -> bool:
        return self.gate.read_only

    # --- the one way in -----------------------------------------------------------------
    async def call(self, name: str, args: BaseModel | dict[str, Any], ctx: CallContext) -> Any:
        op = self.catalogue.get(name)
        if op is None:
            raise NotFound(f"no operation named {name!r}")
        every = ctx.actor.kind in AUDIT_EVERY_CALL
        try:
            payload = args if isinstance(args, op.input) else _validate(op, args)
        except Invalid as exc:
            if every:
                self.audit.record(
                    actor=str(ctx.actor),
                    operation=op.name,
                    target=None,
                    arguments=_redact(args),
                    result="error",
                    error=exc.message,
                )
            raise
        risk = op.risk_of(payload)
        audited = every or risk is not Risk.read
        resource, resource_name = await self._describe(payload)
        request = ConfirmationRequest(
            operation=op.name,
            title=op.title,
            summary=op.summary,
            risk=risk,
            arguments=_redact(payload.model_dump(mode="json")),
            resource=resource,
            resource_name=resource_name,
        )
        try:
            if op.prepare is not None:
                ctx = dataclasses.replace(ctx, prepared=await op.prepare(self, payload))
            await self.gate.check(op, risk, request, ctx)
            result = await op.handler(self, payload, ctx)
        except PxaError as exc:
            if audited:
                self._audit(op, ctx, request, "error", error=exc.message)
            raise
        except asyncio.CancelledError:
            if audited:
                self._audit(op, ctx, request, "cancelled", error="the call was cancelled")
            raise
        except Exception as exc:  # a defect: the record says so, the caller reports it
            if audited:
                self._audit(op, ctx, request, "error", error=f"{type(exc).__name__}: {exc}")
            raise
        if audited:
            job_id = getattr(result, "job_id", None) or getattr(result, "creation_job_id", None)
            self._audit(op, ctx, request, "ok", job_id=job_id if risk is not Risk.read else None)
        return result

    def _audit(
        self,
        op: Operation,
        ctx: CallContext,
        request: ConfirmationRequest,
        result: str,
        *,
        error: str | None = None,
        job_id: str | None = None,
    ) -> None:
        self.audit.record(
            actor=str(ctx.actor),
            operation=op.name,
            target=request.resource,
            arguments=request.arguments,
            result=result,
            error=error,
            job_id=job_id,
        )

    async def _describe(self, payload: BaseModel) -> tuple[str | None, str | None]:
        """The resource a call acts on, for the confirmation prompt and the audit log.

        A VM is named by its name (what a person types back to confirm a delete); other
        resources by the reference the caller gave.
        """
        ref = getattr(payload, "vm_id", None)
        if isinstance(ref, str):
            try:
                row = await self.guest(ref)
            except PxaError:
                return ref, ref
            from pxa.proxmox.mapping import guest_id

            return guest_id(row["type"], int(row["vmid"])), row.get("name") or ref
        for field in ("network_id", "storage_id", "backup_id", "schedule_id", "job_id", "name"):
            value = getattr(payload, field, None)
            if isinstance(value, str):
                return value, value
        return None, None

    # --- helpers for operations ---------------------------------------------------------
    async def guest(self, ref: str, *, fresh: bool = False) -> dict[str, Any]:
        await self.inventory.ensure_fresh(0 if fresh else None)
        try:
            return resolve_guest(self.inventory.guests, ref)
        except NotFound:
            if fresh:
                raise
            await self.inventory.refresh()  # it may have been created a moment ago
            return resolve_guest(self.inventory.guests, ref)

    def _job_finished(self, job: Job) -> None:
        self.inventory.invalidate()

    # --- lifecycle ----------------------------------------------------------------------
    async def start_background(self) -> None:
        """For long-lived front doors (TUI, serve): refresh on a cadence, resume jobs."""
        self._background.append(
            asyncio.create_task(self.inventory.run(self.refresh_seconds, self._stop))
        )
        self._background.append(asyncio.create_task(self._resume_loop()))
        await self.webhooks.start()

    async def _resume_loop(self) -> None:
        while not self._stop.is_set():
            self.jobs.resume_orphans()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=10)

    async def close(self) -> None:
        self._stop.set()
        for task in self._background:
            task.cancel()
        self.inventory.close()
        await self.webhooks.stop()  # queued deliveries wait in SQLite for the next start
        await self.jobs.shutdown()
        self.adapter.close()


def current(ctx: JobContext) -> Infra:
    """The core a workflow runs in."""
    return ctx.service.infra  # type: ignore[no-any-return]


def _validate(op: Operation, args: dict[str, Any]) -> BaseModel:
    try:
        return op.input.model_validate(args)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        raise Invalid(
            f"{field}: {first['msg']}" if field else first["msg"],
            field=field,
            reason=first["type"],
            provided_value=first.get("input") if field else None,
            details={
                "errors": [
                    {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                    for e in exc.errors()
                ]
            },
        ) from None


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: "***" if any(s in k.lower() for s in SECRET_KEYS) else _redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value

"""The gate every operation passes: read-only mode and confirmation, whoever calls.

The chat agent cannot skip confirmation: a non-read call from actor `chat` without a
confirmer is refused here, whatever the prompt said.
"""

from __future__ import annotations

from pxa.core.catalogue import Operation
from pxa.core.context import CallContext, ConfirmationRequest
from pxa.errors import ConfirmationRefused, ReadOnly
from pxa.models.common import Risk

ALWAYS_CONFIRM = frozenset({"chat"})


class Gate:
    def __init__(self, *, read_only: bool = False) -> None:
        self.read_only = read_only

    async def check(
        self, op: Operation, risk: Risk, request: ConfirmationRequest, ctx: CallContext
    ) -> None:
        if risk is Risk.read:
            return
        if self.read_only:
            raise ReadOnly(f"pxa is in read-only mode: {op.title} is not allowed")
        if ctx.confirm is None:
            if ctx.actor.kind in ALWAYS_CONFIRM:
                raise ConfirmationRefused(f"{op.title} needs a person to confirm it")
            return
        answer = await ctx.confirm(request)
        if risk is Risk.destructive:
            expected = request.resource_name or request.resource
            if not isinstance(answer, str) or answer.strip() != expected:
                raise ConfirmationRefused(
                    f"{op.title} was not confirmed: the name typed did not match {expected!r}"
                )
        elif answer is not True and not (isinstance(answer, str) and answer):
            raise ConfirmationRefused(f"{op.title} was refused by the person at the keyboard")

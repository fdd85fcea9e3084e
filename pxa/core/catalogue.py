"""The operations catalogue: each operation declared once with its models, scope and risk.

Front doors derive from it: the API its routes' scope checks, the agent its tools and
confirmation rules, the TUI its command palette, the CLI its commands.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from pxa.models.common import Risk

if TYPE_CHECKING:
    from pxa.core.context import CallContext
    from pxa.core.infra import Infra

Handler = Callable[["Infra", Any, "CallContext"], Awaitable[BaseModel]]
# Checks that need the cluster, run before the gate so a person is not asked to confirm a
# call that would fail anyway; what it returns reaches the handler as `ctx.prepared`.
Prepare = Callable[["Infra", Any], Awaitable[Any]]


@dataclass(frozen=True)
class Operation:
    name: str  # "vm.start": area, then action
    summary: str
    input: type[BaseModel]
    output: type[BaseModel]
    scope: str  # "vm:write"
    risk: Risk
    handler: Handler
    # Risk that depends on the arguments (a hard stop is destructive, a graceful one is not).
    risk_for: Callable[[Any], Risk] | None = None
    prepare: Prepare | None = None

    @property
    def tool_name(self) -> str:
        return self.name.replace(".", "_")

    @property
    def area(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def title(self) -> str:
        """Command-palette title: "vm: start"."""
        area, _, action = self.name.partition(".")
        return f"{area}: {action.replace('.', ' ')}"

    def risk_of(self, args: BaseModel) -> Risk:
        return self.risk_for(args) if self.risk_for else self.risk


CATALOGUE: dict[str, Operation] = {}


def operation(
    name: str,
    *,
    summary: str,
    input: type[BaseModel],
    output: type[BaseModel],
    scope: str,
    risk: Risk,
    risk_for: Callable[[Any], Risk] | None = None,
    prepare: Prepare | None = None,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if name in CATALOGUE:
            raise RuntimeError(f"operation {name} declared twice")
        CATALOGUE[name] = Operation(
            name=name,
            summary=summary,
            input=input,
            output=output,
            scope=scope,
            risk=risk,
            handler=handler,
            risk_for=risk_for,
            prepare=prepare,
        )
        return handler

    return register


def load_all() -> dict[str, Operation]:
    """Import every module that declares operations, then return the catalogue."""
    from pxa.core import (  # noqa: F401
        backup_schedules,
        backups,
        cluster,
        jobs_ops,
        monitoring,
        networks,
        security,
        storage,
        terraform,
        vm_create,
        vm_delete,
        vm_hardening,
        vms,
    )

    return CATALOGUE


def scopes() -> list[str]:
    return sorted({op.scope for op in load_all().values()})

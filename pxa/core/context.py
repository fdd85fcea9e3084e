"""What travels with every call into the core: who asks, and how to ask them to confirm."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from pxa.models.common import Actor, Risk


class ConfirmationRequest(BaseModel):
    operation: str
    title: str
    risk: Risk
    arguments: dict[str, Any]
    resource: str | None = None
    resource_name: str | None = None

    summary: str = ""

    @property
    def prompt(self) -> str:
        target = self.resource_name or self.resource or "the cluster"
        if self.resource and self.resource_name and self.resource != self.resource_name:
            target = f"{self.resource_name} ({self.resource})"
        what = f"{self.title} {target}"
        if self.risk is Risk.destructive:
            return f"{what}: this cannot be undone. Type '{self.resource_name}' to confirm"
        return f"{what}: proceed?"


# A write is confirmed by returning True; a destructive call by returning the typed name.
Confirmer = Callable[[ConfirmationRequest], Awaitable[bool | str]]


@dataclass
class CallContext:
    actor: Actor
    confirm: Confirmer | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    prepared: Any = None  # what the operation's `prepare` found, for its handler

    @classmethod
    def of(cls, kind: str, id: str | None = None, confirm: Confirmer | None = None) -> CallContext:
        return cls(actor=Actor(kind=kind, id=id), confirm=confirm)  # type: ignore[arg-type]

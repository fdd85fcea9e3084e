"""Shapes used across domains: pagination, the actor of a call, risk and scope."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    """Base for request models: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Risk(StrEnum):
    read = "read"
    write = "write"
    destructive = "destructive"


ActorKind = Literal["tui", "chat", "api", "cli", "system"]


class Actor(BaseModel):
    """Who asked for an operation; written to the audit log with every mutation."""

    kind: ActorKind
    id: str | None = Field(default=None, description="token id, chat session id, user name")

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}" if self.id else self.kind


class Pagination(BaseModel):
    total: int
    limit: int
    offset: int
    pages: int
    current_page: int
    has_next: bool
    has_previous: bool
    next_cursor: str | None = None
    previous_cursor: str | None = None

    @classmethod
    def of(cls, total: int, limit: int, offset: int) -> Pagination:
        pages = (total + limit - 1) // limit if limit else 0
        return cls(
            total=total,
            limit=limit,
            offset=offset,
            pages=pages,
            current_page=offset // limit + 1 if limit else 1,
            has_next=offset + limit < total,
            has_previous=offset > 0,
        )


class Message(BaseModel):
    """A plain acknowledgement for operations that return nothing else."""

    message: str


class NoInput(Model):
    """For operations that take no arguments."""

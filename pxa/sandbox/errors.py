"""Errors as PVE puts them on the wire: status, reason phrase, JSON body."""

from __future__ import annotations


class PveError(Exception):
    """An API error. `message` becomes the HTTP reason phrase (first line only).

    `body=False` gives the empty body PVE sends with its 401 authentication replies.
    """

    def __init__(
        self,
        status: int,
        message: str,
        errors: dict[str, str] | None = None,
        *,
        body: bool = True,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.body = body


def param_error(errors: dict[str, str]) -> PveError:
    return PveError(400, "Parameter verification failed.", errors)


def fail(message: str) -> PveError:
    """A plain `die` in a PVE handler: HTTP 500 with the message."""
    return PveError(500, message)


def forbidden(path: str, privs: str) -> PveError:
    return PveError(403, f"Permission check failed ({path}, {privs})")


def not_implemented(method: str, path: str) -> PveError:
    return PveError(501, f"Method '{method} {path}' not implemented")


class TaskError(Exception):
    """A failure inside a worker: it ends the task with `TASK ERROR: <message>`."""

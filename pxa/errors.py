"""Domain errors shared by every layer.

The core and the Proxmox adapter raise these; each front door translates them once
(the API to the seed's error envelope, the TUI to a toast, the agent to a tool error).
`code` and `http_status` follow the seed's error table.
"""

from __future__ import annotations

from typing import Any


class PxaError(Exception):
    code = "INTERNAL_ERROR"
    http_status = 500

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def __str__(self) -> str:
        return self.message


class NotFound(PxaError):
    code = "RESOURCE_NOT_FOUND"
    http_status = 404


class Conflict(PxaError):
    code = "RESOURCE_CONFLICT"
    http_status = 409


class Locked(Conflict):
    """The PVE object holds a lock (clone, backup, snapshot, ...) and cannot take this call."""

    code = "RESOURCE_LOCKED"


class Invalid(PxaError):
    code = "VALIDATION_ERROR"
    http_status = 422

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        reason: str | None = None,
        provided_value: Any = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        merged: dict[str, Any] = dict(details or {})
        if field is not None:
            merged.setdefault("field", field)
        if reason is not None:
            merged.setdefault("reason", reason)
        if provided_value is not None:
            merged.setdefault("provided_value", provided_value)
        super().__init__(message, details=merged)
        self.field = field


class Forbidden(PxaError):
    code = "INSUFFICIENT_PERMISSIONS"
    http_status = 403


class ReadOnly(Forbidden):
    code = "READ_ONLY_MODE"


class ConfirmationRefused(Forbidden):
    code = "CONFIRMATION_REFUSED"


class BackendUnavailable(PxaError):
    """Proxmox cannot be reached, or a node is offline."""

    code = "PROXMOX_UNAVAILABLE"
    http_status = 503


class BackendTlsError(BackendUnavailable):
    """The server's certificate did not verify against the CA or pinned fingerprint."""

    code = "PROXMOX_TLS_ERROR"


class NodeOffline(BackendUnavailable):
    code = "NODE_OFFLINE"


class BackendAuthFailed(PxaError):
    """Proxmox refused pxa's own credentials (wrong or expired token, bad password)."""

    code = "PROXMOX_AUTH_FAILED"
    http_status = 502


class BackendError(PxaError):
    """Proxmox answered with an error pxa has no better name for; the message is PVE's."""

    code = "PROXMOX_ERROR"
    http_status = 502


class Cancelled(PxaError):
    code = "CANCELLED"
    http_status = 409


class ConfigError(PxaError):
    code = "CONFIG_ERROR"
    http_status = 500

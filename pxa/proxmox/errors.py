"""Turning proxmoxer and requests failures into PxaErrors a person can act on."""

from __future__ import annotations

import re
from typing import Any

from pxa.errors import (
    BackendAuthFailed,
    BackendError,
    BackendTlsError,
    BackendUnavailable,
    Conflict,
    Forbidden,
    Invalid,
    Locked,
    NodeOffline,
    NotFound,
    PxaError,
)

_LOCKED = re.compile(r"VM (?:(\d+) )?is locked \((\w+)\)")
_NO_CONFIG = re.compile(
    r"Configuration file '[^']*/(?:qemu-server|lxc)/(\d+)\.conf' does not exist"
)
_SNAP_MISSING = re.compile(r"snapshot '([^']+)' does not exist")
# pve-network turns its checks into plain dies: 500 "<verb> sdn <kind> object failed: <why>".
_SDN_FAILED = re.compile(r"^(create|update|delete) sdn (zone|vnet|subnet) object failed: (.*)$")


def translate(exc: BaseException, *, url: str, node: str | None = None) -> PxaError:
    """Map one failure of a PVE call to the domain error that names what went wrong."""
    from proxmoxer.core import AuthenticationError, ResourceException
    from requests import exceptions as rx

    if isinstance(exc, PxaError):
        return exc
    if isinstance(exc, rx.SSLError):
        return BackendTlsError(
            f"TLS verification failed for {url}: the server's certificate does not match the "
            "pinned certificate or CA (refusing to connect; check proxmox.ca_cert / fingerprint)"
        )
    if isinstance(exc, rx.ConnectTimeout | rx.ReadTimeout):
        return BackendUnavailable(f"Proxmox API at {url} did not answer in time")
    if isinstance(exc, rx.ConnectionError):
        if "refused" in str(exc).lower():
            # Nothing was sent: a caller may safely send a non-idempotent request again.
            return BackendUnavailable(
                f"Proxmox API unreachable at {url}: connection refused",
                details={"reason": "connection_refused"},
            )
        return BackendUnavailable(f"Proxmox API unreachable at {url}: {_short(exc)}")
    if isinstance(exc, AuthenticationError):
        return BackendAuthFailed(f"Proxmox at {url} refused pxa's credentials: {exc}")
    if isinstance(exc, ResourceException):
        return _from_resource(exc, url=url, node=node)
    return BackendError(f"unexpected failure talking to Proxmox at {url}: {_short(exc)}")


def _from_resource(exc: Any, *, url: str, node: str | None) -> PxaError:
    status: int = exc.status_code
    reason = str(exc.content or exc.status_message or "").strip()
    errors = exc.errors if isinstance(exc.errors, dict) else {}
    if status == 401:
        return BackendAuthFailed(
            f"Proxmox at {url} refused pxa's credentials ({reason}): check the user, token "
            "id and secret, or whether the token expired"
        )
    if status == 403:
        return Forbidden(f"Proxmox denied the call: {reason}")
    if status in (595, 596):
        where = f"node {node}" if node else "the node"
        return NodeOffline(f"{where} is offline or unreachable ({reason})")
    if status == 400 and errors:
        field, text = next(iter(errors.items()))
        return Invalid(
            f"Proxmox rejected {field}: {text}",
            field=str(field),
            reason=str(text),
            details={"errors": errors},
        )
    if m := _SDN_FAILED.match(reason):
        verb, kind, why = m.groups()
        if "already" in why or "is used by" in why or "exists" in why:
            return Conflict(f"Proxmox refused to {verb} the SDN {kind}: {why}")
        return Invalid(
            f"Proxmox refused to {verb} the SDN {kind}: {why}", field=kind, reason="sdn_refused"
        )
    if m := _LOCKED.search(reason):
        vmid = f"VM {m.group(1)}" if m.group(1) else "the VM"
        return Locked(f"{vmid} is locked ({m.group(2)})", details={"lock": m.group(2)})
    if m := _NO_CONFIG.search(reason):
        return NotFound(f"VM {m.group(1)} does not exist")
    if m := _SNAP_MISSING.search(reason):
        return NotFound(f"snapshot {m.group(1)!r} does not exist")
    if "already exists" in reason:
        return Conflict(reason)
    if "hostname lookup" in reason and node:
        return NotFound(f"node {node!r} does not exist")
    return BackendError(f"Proxmox: {reason or status}", details={"status": status})


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:197] + "..."

"""Helpers for the sandbox tests: clients and polling with a deadline (never fixed sleeps)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from proxmoxer import ProxmoxAPI

from pxa.sandbox.server import SandboxInfo


def token_client(info: SandboxInfo, *, readonly: bool = False) -> ProxmoxAPI:
    token_id = info.readonly_token_id if readonly else info.token_id
    user, name = token_id.split("!")
    secret = info.readonly_token_secret if readonly else info.token_secret
    return ProxmoxAPI(
        "127.0.0.1",
        port=info.port,
        user=user,
        token_name=name,
        token_value=secret,
        verify_ssl=info.ca_cert,
        timeout=10,
    )


def wait_task(pve: ProxmoxAPI, upid: str, timeout: float = 10.0) -> dict[str, Any]:
    """Poll the task until it stops; returns its final status."""
    node = upid.split(":")[1]
    deadline = time.monotonic() + timeout
    while True:
        status = pve.nodes(node).tasks(upid).status.get()
        if status["status"] == "stopped":
            return status
        if time.monotonic() > deadline:
            raise AssertionError(f"task {upid} still running after {timeout}s")
        time.sleep(0.02)


def wait_until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        time.sleep(0.02)


def find_vm(pve: ProxmoxAPI, name: str) -> tuple[str, int]:
    """(node, vmid) of the guest called `name`, from /cluster/resources."""
    for r in pve.cluster.resources.get(type="vm"):
        if r.get("name") == name:
            return r["node"], r["vmid"]
    raise AssertionError(f"no guest named {name}")


def find_where(pve: ProxmoxAPI, **match: Any) -> dict[str, Any]:
    """The first qemu guest in /cluster/resources whose fields equal `match`."""
    for r in pve.cluster.resources.get(type="vm"):
        if r["type"] == "qemu" and all(r.get(k) == v for k, v in match.items()):
            return r
    raise AssertionError(f"no guest with {match}")

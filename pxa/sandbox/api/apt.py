"""`/nodes/{node}/apt`: the installed versions of the important Proxmox packages."""

from __future__ import annotations

from typing import Any

from pxa.sandbox import apt_versions
from pxa.sandbox.api.common import index
from pxa.sandbox.routing import Call, Router, perm


def register(r: Router) -> None:
    r.get("/nodes/{node}/apt", index("changelog", "repositories", "update", "versions", key="id"))
    r.get("/nodes/{node}/apt/versions", versions, perms=[perm("/nodes/{node}", "Sys.Audit")])


def versions(call: Call) -> list[dict[str, Any]]:
    return apt_versions.versions(call.node)

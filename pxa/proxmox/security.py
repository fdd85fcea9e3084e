"""Calls a security scan makes: firewalls at every level, versions, tokens, guest OS."""

from __future__ import annotations

from typing import Any

from pxa.errors import PxaError
from pxa.proxmox.client import PveClient


class SecurityApi:
    def __init__(self, client: PveClient) -> None:
        self.client = client

    async def vm_rules(self, node: str, vmid: int, kind: str = "qemu") -> list[dict[str, Any]]:
        path = f"nodes/{node}/{kind}/{vmid}/firewall/rules"
        return await self.client.call("GET", path, on_node=node)

    async def cluster_firewall(self) -> dict[str, Any]:
        return await self.client.get("cluster/firewall/options")

    async def node_firewall(self, node: str) -> dict[str, Any]:
        return await self.client.call("GET", f"nodes/{node}/firewall/options", on_node=node)

    async def node_version(self, node: str) -> dict[str, Any]:
        return await self.client.call("GET", f"nodes/{node}/version", on_node=node)

    async def package_versions(self, node: str) -> list[dict[str, Any]]:
        return await self.client.call("GET", f"nodes/{node}/apt/versions", on_node=node)

    async def users(self) -> list[dict[str, Any]]:
        """Users with their API tokens (`full=1`)."""
        return await self.client.get("access/users", full=1)

    async def osinfo(self, node: str, vmid: int) -> dict[str, Any] | None:
        """The guest agent's `get-osinfo`, or None when the agent cannot answer."""
        try:
            answer = await self.client.call(
                "GET", f"nodes/{node}/qemu/{vmid}/agent/get-osinfo", on_node=node
            )
        except PxaError:
            return None
        return (answer or {}).get("result")

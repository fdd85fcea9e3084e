"""SDN calls: zones, vnets, subnets, the vnet firewall, apply; node network interfaces."""

from __future__ import annotations

from typing import Any

from pxa.proxmox.client import PveClient


class SdnApi:
    def __init__(self, client: PveClient) -> None:
        self.client = client

    async def zones(self) -> list[dict[str, Any]]:
        return await self.client.get("cluster/sdn/zones", pending=1)

    async def create_zone(self, zone: str, type_: str, **params: Any) -> None:
        await self.client.call("POST", "cluster/sdn/zones", zone=zone, type=type_, **params)

    async def update_zone(self, zone: str, **params: Any) -> None:
        await self.client.call("PUT", f"cluster/sdn/zones/{zone}", **params)

    async def vnets(self) -> list[dict[str, Any]]:
        return await self.client.get("cluster/sdn/vnets", pending=1)

    async def vnet(self, vnet: str) -> dict[str, Any]:
        return await self.client.get(f"cluster/sdn/vnets/{vnet}", pending=1)

    async def create_vnet(self, vnet: str, zone: str, **params: Any) -> None:
        await self.client.call("POST", "cluster/sdn/vnets", vnet=vnet, zone=zone, **params)

    async def update_vnet(self, vnet: str, **params: Any) -> None:
        await self.client.call("PUT", f"cluster/sdn/vnets/{vnet}", **params)

    async def delete_vnet(self, vnet: str) -> None:
        await self.client.call("DELETE", f"cluster/sdn/vnets/{vnet}")

    async def subnets(self, vnet: str) -> list[dict[str, Any]]:
        return await self.client.get(f"cluster/sdn/vnets/{vnet}/subnets", pending=1)

    async def create_subnet(self, vnet: str, subnet: str, **params: Any) -> None:
        path = f"cluster/sdn/vnets/{vnet}/subnets"
        await self.client.call("POST", path, subnet=subnet, type="subnet", **params)

    async def update_subnet(self, vnet: str, subnet_id: str, **params: Any) -> None:
        await self.client.call("PUT", f"cluster/sdn/vnets/{vnet}/subnets/{subnet_id}", **params)

    async def delete_subnet(self, vnet: str, subnet_id: str) -> None:
        await self.client.call("DELETE", f"cluster/sdn/vnets/{vnet}/subnets/{subnet_id}")

    async def apply(self) -> str:
        """Commit pending SDN changes; a `reloadnetworkall` task."""
        return await self.client.call("PUT", "cluster/sdn")

    async def rules(self, vnet: str) -> list[dict[str, Any]]:
        return await self.client.get(f"cluster/sdn/vnets/{vnet}/firewall/rules")

    async def add_rule(self, vnet: str, **params: Any) -> None:
        await self.client.call("POST", f"cluster/sdn/vnets/{vnet}/firewall/rules", **params)

    async def delete_rule(self, vnet: str, pos: int, digest: str | None = None) -> None:
        path = f"cluster/sdn/vnets/{vnet}/firewall/rules/{pos}"
        await self.client.call("DELETE", path, digest=digest)

    async def node_interfaces(self, node: str, type_: str | None = None) -> list[dict[str, Any]]:
        params = {"type": type_} if type_ else {}
        return await self.client.call("GET", f"nodes/{node}/network", on_node=node, **params)

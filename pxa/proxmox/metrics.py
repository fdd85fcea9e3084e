"""RRD time series of nodes and guests."""

from __future__ import annotations

from typing import Any

from pxa.proxmox.client import PveClient


class MetricsApi:
    def __init__(self, client: PveClient) -> None:
        self.client = client

    async def guest(
        self, node: str, vmid: int, kind: str, timeframe: str, cf: str = "AVERAGE"
    ) -> list[dict[str, Any]]:
        path = f"nodes/{node}/{kind}/{vmid}/rrddata"
        return await self.client.call("GET", path, on_node=node, timeframe=timeframe, cf=cf)

    async def node(self, node: str, timeframe: str, cf: str = "AVERAGE") -> list[dict[str, Any]]:
        path = f"nodes/{node}/rrddata"
        return await self.client.call("GET", path, on_node=node, timeframe=timeframe, cf=cf)

    async def node_status(self, node: str) -> dict[str, Any]:
        return await self.client.call("GET", f"nodes/{node}/status", on_node=node)

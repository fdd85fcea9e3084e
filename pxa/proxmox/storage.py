"""Storage calls: the cluster's storage config, per-node status, content, uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pxa.proxmox.client import PveClient


class StorageApi:
    def __init__(self, client: PveClient) -> None:
        self.client = client

    async def configs(self) -> list[dict[str, Any]]:
        return await self.client.get("storage")

    async def config(self, storage: str) -> dict[str, Any]:
        return await self.client.get(f"storage/{storage}")

    async def create(self, storage: str, type_: str, **params: Any) -> dict[str, Any] | None:
        return await self.client.call("POST", "storage", storage=storage, type=type_, **params)

    async def delete(self, storage: str) -> None:
        await self.client.call("DELETE", f"storage/{storage}")

    async def on_node(self, node: str, **params: Any) -> list[dict[str, Any]]:
        return await self.client.call("GET", f"nodes/{node}/storage", on_node=node, **params)

    async def content(self, node: str, storage: str, **params: Any) -> list[dict[str, Any]]:
        path = f"nodes/{node}/storage/{storage}/content"
        return await self.client.call("GET", path, on_node=node, **params)

    async def delete_volume(self, node: str, storage: str, volid: str) -> str | None:
        path = f"nodes/{node}/storage/{storage}/content/{volid}"
        return await self.client.call("DELETE", path, on_node=node)

    async def update_volume(self, node: str, storage: str, volid: str, **params: Any) -> None:
        path = f"nodes/{node}/storage/{storage}/content/{volid}"
        await self.client.call("PUT", path, on_node=node, **params)

    async def upload(self, node: str, storage: str, content: str, file: Path, **extra: Any) -> str:
        """Multipart upload of a local file, streamed (proxmoxer uses requests_toolbelt).

        PVE takes the file name from the multipart part, which proxmoxer takes from the
        open file's name: the file on disk must carry the name it should have on the storage.
        """
        path = f"nodes/{node}/storage/{storage}/upload"
        return await self.client.upload(path, file, on_node=node, content=content, **extra)

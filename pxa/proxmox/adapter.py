"""ProxmoxAdapter: the PVE calls pxa makes, named for what they do.

Methods return PVE's data (dicts, UPIDs) or domain models; failures arrive as PxaErrors
from PveClient. Paths and parameter names follow the PVE API schema.
"""

from __future__ import annotations

from typing import Any, Literal

from pxa.errors import PxaError
from pxa.proxmox.backups import BackupApi
from pxa.proxmox.client import PveClient
from pxa.proxmox.metrics import MetricsApi
from pxa.proxmox.sdn import SdnApi
from pxa.proxmox.security import SecurityApi
from pxa.proxmox.storage import StorageApi

Kind = Literal["qemu", "lxc"]
PowerAction = Literal["start", "stop", "shutdown", "reboot", "reset", "suspend", "resume"]


def upid_node(upid: str) -> str:
    parts = upid.split(":")
    if len(parts) < 9 or parts[0] != "UPID":
        raise ValueError(f"not a UPID: {upid!r}")
    return parts[1]


class ProxmoxAdapter:
    def __init__(self, client: PveClient) -> None:
        self.client = client
        self.sdn = SdnApi(client)
        self.storage = StorageApi(client)
        self.backups = BackupApi(client)
        self.metrics = MetricsApi(client)
        self.security = SecurityApi(client)

    @property
    def url(self) -> str:
        return self.client.url

    def close(self) -> None:
        self.client.close()

    # --- cluster ------------------------------------------------------------------------
    async def version(self) -> dict[str, Any]:
        return await self.client.get("version")

    async def resources(self, type_: str | None = None) -> list[dict[str, Any]]:
        if type_:
            return await self.client.get("cluster/resources", type=type_)
        return await self.client.get("cluster/resources")

    async def cluster_status(self) -> list[dict[str, Any]]:
        return await self.client.get("cluster/status")

    async def nodes(self) -> list[dict[str, Any]]:
        return await self.client.get("nodes")

    async def next_vmid(self) -> int:
        return int(await self.client.get("cluster/nextid"))  # a string on the wire

    # --- one guest ----------------------------------------------------------------------
    def _guest(self, node: str, vmid: int, kind: Kind = "qemu") -> str:
        return f"nodes/{node}/{kind}/{vmid}"

    async def config(self, node: str, vmid: int, kind: Kind = "qemu") -> dict[str, Any]:
        return await self.client.call(
            "GET", f"{self._guest(node, vmid, kind)}/config", on_node=node
        )

    async def status(self, node: str, vmid: int, kind: Kind = "qemu") -> dict[str, Any]:
        path = f"{self._guest(node, vmid, kind)}/status/current"
        return await self.client.call("GET", path, on_node=node)

    async def snapshots(self, node: str, vmid: int, kind: Kind = "qemu") -> list[dict[str, Any]]:
        path = f"{self._guest(node, vmid, kind)}/snapshot"
        return await self.client.call("GET", path, on_node=node)

    async def firewall_options(self, node: str, vmid: int, kind: Kind = "qemu") -> dict[str, Any]:
        path = f"{self._guest(node, vmid, kind)}/firewall/options"
        return await self.client.call("GET", path, on_node=node)

    async def set_firewall_options(self, node: str, vmid: int, **options: Any) -> None:
        path = f"{self._guest(node, vmid)}/firewall/options"
        await self.client.call("PUT", path, on_node=node, **options)

    async def agent_interfaces(self, node: str, vmid: int) -> list[dict[str, Any]] | None:
        """The guest agent's view of the NICs, or None when the agent cannot answer."""
        path = f"{self._guest(node, vmid)}/agent/network-get-interfaces"
        try:
            answer = await self.client.call("GET", path, on_node=node)
        except PxaError:
            return None
        return (answer or {}).get("result")

    async def power(
        self, node: str, vmid: int, action: PowerAction, kind: Kind = "qemu", **params: Any
    ) -> str:
        path = f"{self._guest(node, vmid, kind)}/status/{action}"
        return await self.client.call("POST", path, on_node=node, **params)

    async def clone(self, node: str, vmid: int, newid: int, **params: Any) -> str:
        path = f"{self._guest(node, vmid)}/clone"
        return await self.client.call("POST", path, on_node=node, newid=newid, **params)

    async def update_config(self, node: str, vmid: int, **params: Any) -> str | None:
        """Async config update (POST): a UPID, or None when PVE finished at once."""
        path = f"{self._guest(node, vmid)}/config"
        return await self.client.call("POST", path, on_node=node, **params)

    async def set_config(self, node: str, vmid: int, **params: Any) -> None:
        path = f"{self._guest(node, vmid)}/config"
        await self.client.call("PUT", path, on_node=node, **params)

    async def resize(self, node: str, vmid: int, disk: str, size: str) -> str:
        path = f"{self._guest(node, vmid)}/resize"
        return await self.client.call("PUT", path, on_node=node, disk=disk, size=size)

    async def destroy(self, node: str, vmid: int, kind: Kind = "qemu", **params: Any) -> str:
        return await self.client.call(
            "DELETE", self._guest(node, vmid, kind), on_node=node, **params
        )

    async def snapshot_create(self, node: str, vmid: int, **params: Any) -> str:
        path = f"{self._guest(node, vmid)}/snapshot"
        return await self.client.call("POST", path, on_node=node, **params)

    async def snapshot_rollback(self, node: str, vmid: int, snapname: str) -> str:
        path = f"{self._guest(node, vmid)}/snapshot/{snapname}/rollback"
        return await self.client.call("POST", path, on_node=node)

    async def snapshot_delete(self, node: str, vmid: int, snapname: str) -> str:
        path = f"{self._guest(node, vmid)}/snapshot/{snapname}"
        return await self.client.call("DELETE", path, on_node=node)

    # --- tasks --------------------------------------------------------------------------
    async def task_status(self, upid: str) -> dict[str, Any]:
        node = upid_node(upid)
        return await self.client.call("GET", f"nodes/{node}/tasks/{upid}/status", on_node=node)

    async def task_log(self, upid: str, start: int = 0) -> list[dict[str, Any]]:
        node = upid_node(upid)
        path = f"nodes/{node}/tasks/{upid}/log"
        return await self.client.call("GET", path, on_node=node, start=start, limit=0)

    async def task_stop(self, upid: str) -> None:
        node = upid_node(upid)
        await self.client.call("DELETE", f"nodes/{node}/tasks/{upid}", on_node=node)

"""Backup calls: vzdump, restore, backup jobs (schedules) and coverage."""

from __future__ import annotations

from typing import Any

from pxa.proxmox.client import PveClient


class BackupApi:
    def __init__(self, client: PveClient) -> None:
        self.client = client

    async def vzdump(self, node: str, vmid: int, **params: Any) -> str:
        return await self.client.call(
            "POST", f"nodes/{node}/vzdump", on_node=node, vmid=vmid, **params
        )

    async def restore(self, node: str, vmid: int, archive: str, **params: Any) -> str:
        return await self.client.call(
            "POST", f"nodes/{node}/qemu", on_node=node, vmid=vmid, archive=archive, **params
        )

    async def jobs(self) -> list[dict[str, Any]]:
        return await self.client.get("cluster/backup")

    async def job(self, job_id: str) -> dict[str, Any]:
        return await self.client.get(f"cluster/backup/{job_id}")

    async def create_job(self, **params: Any) -> None:
        await self.client.call("POST", "cluster/backup", **params)

    async def update_job(self, job_id: str, **params: Any) -> None:
        await self.client.call("PUT", f"cluster/backup/{job_id}", **params)

    async def delete_job(self, job_id: str) -> None:
        await self.client.call("DELETE", f"cluster/backup/{job_id}")

    async def not_backed_up(self) -> list[dict[str, Any]]:
        return await self.client.get("cluster/backup-info/not-backed-up")

"""What the VMs pane's workers fetch: the detail of one VM and the create form's choices.

Plain async functions over the app's `run_op` (reads: no confirmation) and the core's
inventory cache; they return data and never touch a widget. The pane's workers call them
and post the result as a message.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from pxa.errors import PxaError
from pxa.models.scan import FindingOut, ScanResult
from pxa.tui.widgets.vm_create_form import CreateChoices
from pxa.tui.widgets.vm_detail import SEVERITIES, VmDetailData

if TYPE_CHECKING:
    from pxa.tui.app import PxaApp


class ScanCache:
    """The latest completed scan's result, fetched once per scan (not per cursor move)."""

    def __init__(self) -> None:
        self.result: ScanResult | None = None

    def clear(self) -> None:
        self.result = None


async def load_detail(app: PxaApp, vm_id: str, scans: ScanCache) -> VmDetailData:
    """vm.get, 1h of metrics, the last backups, recent jobs, the latest scan's findings."""
    data = VmDetailData(vm_id)

    async def read(section: str, name: str, args: dict[str, Any]) -> Any:
        try:
            return await app.run_op(name, args, toast=False)
        except PxaError as exc:
            data.errors[section] = exc.message
            return None

    async def findings() -> list[FindingOut] | None:
        listed = await read("security", "security.scan.list", {"limit": 5})
        latest = (
            next((s for s in listed.scans if s.status == "completed"), None) if listed else None
        )
        if latest is None:
            return None
        if scans.result is None or scans.result.scan.id != latest.id:
            scans.result = await read("security", "security.scan.get", {"scan_id": latest.id})
        if scans.result is None:
            return None
        mine = [f for f in scans.result.findings if f.target == vm_id]
        return sorted(mine, key=lambda f: SEVERITIES.index(f.severity))

    ref = {"vm_id": vm_id}
    metrics_query = {**ref, "period": "1h", "metrics": ["cpu", "memory", "network"]}
    detail, metrics, backups, jobs, found = await asyncio.gather(
        read("detail", "vm.get", ref),
        read("metrics", "monitoring.vm_metrics", metrics_query),
        read("backups", "backup.list", {**ref, "limit": 3}),
        read("jobs", "job.list", {"target": vm_id, "limit": 4}),
        findings(),
    )
    data.detail, data.metrics, data.findings = detail, metrics, found
    data.backups = backups.backups if backups else None
    data.jobs = jobs.jobs if jobs else None
    return data


async def load_create_choices(app: PxaApp) -> CreateChoices | None:
    """Templates, nodes, networks and storage that exist, and where each template's disks are."""
    infra = app.infra
    if infra is None:
        return None
    networks = await app.run_op("network.list", {})
    storage = await app.run_op("storage.list", {})
    vms = infra.inventory.vms()
    templates = [v for v in vms if v.template and v.type == "qemu"]
    details = await asyncio.gather(*(app.run_op("vm.get", {"vm_id": t.id}) for t in templates))
    nodes = {name: row.get("status") == "online" for name, row in infra.inventory.nodes.items()}
    return CreateChoices.of(
        vms,
        nodes,
        networks.networks if networks else [],
        storage.storage if storage else [],
        [d for d in details if d is not None],
    )

"""client.vms: list, page through, read, create, change, power and snapshot VMs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pxa.models.vm import JobAccepted, SnapshotList, Vm, VmCreate, VmCreated, VmDetail, VmList
from pxa.sdk.resources._base import Resource, nest, payload, seg

# Fields the seed's SDK example passes flat; the API wants them under `configuration`.
CREATE_CONFIG_KEYS = frozenset({"cpu_cores", "cpu_sockets", "memory_mb", "storage_gb", "network"})
UPDATE_CONFIG_KEYS = frozenset({"cpu_cores", "cpu_sockets", "memory_mb"})


class Snapshots(Resource):
    """client.vms.snapshots"""

    def list(self, vm_id: str) -> SnapshotList:
        return self._model("GET", f"/vms/{seg(vm_id)}/snapshots", SnapshotList)

    def create(
        self,
        vm_id: str,
        name: str,
        *,
        description: str | None = None,
        include_memory: bool = False,
        idempotency_key: str | None = None,
    ) -> JobAccepted:
        body = {"name": name, "description": description, "include_memory": include_memory}
        return self._model(
            "POST",
            f"/vms/{seg(vm_id)}/snapshots",
            JobAccepted,
            "job",
            json={k: v for k, v in body.items() if v is not None},
            idempotency_key=idempotency_key,
        )

    def restore(
        self, vm_id: str, snapshot_id: str, *, idempotency_key: str | None = None
    ) -> JobAccepted:
        path = f"/vms/{seg(vm_id)}/snapshots/{seg(snapshot_id)}/restore"
        return self._model("POST", path, JobAccepted, "job", idempotency_key=idempotency_key)

    def delete(self, vm_id: str, snapshot_id: str) -> JobAccepted:
        path = f"/vms/{seg(vm_id)}/snapshots/{seg(snapshot_id)}"
        return self._model("DELETE", path, JobAccepted, "job")


class Vms(Resource):
    """client.vms"""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.snapshots = Snapshots(client)

    def list(self, **filters: Any) -> VmList:
        """One page: `status`, `environment`, `node`, `tag`, `search`, `type`, `limit`,
        `offset` or `cursor`, `sort`, `order`. The result has `.vms` and `.pagination`."""
        return self._model("GET", "/vms", VmList, params=filters)

    def iter(self, **filters: Any) -> Iterator[Vm]:
        """Every VM matching `filters`, page after page (following `next_cursor`)."""
        return self._client._stream(self._cursor_pages("/vms", VmList, "vms", filters))  # type: ignore[no-any-return]

    def get(self, vm_id: str) -> VmDetail:
        return self._model("GET", f"/vms/{seg(vm_id)}", VmDetail, "vm")

    def create(
        self,
        spec: Mapping[str, Any] | VmCreate | None = None,
        /,
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> VmCreated:
        """Create a VM from a template; returns at once with `creation_job_id` to follow.

        `spec` is the seed's body, or the flat form of its SDK example (`cpu_cores`,
        `memory_mb`, `storage_gb` next to `name` and `template`); keywords add fields.
        """
        body = nest(payload(spec, fields), "configuration", CREATE_CONFIG_KEYS)
        return self._model(
            "POST", "/vms", VmCreated, "vm", json=body, idempotency_key=idempotency_key
        )

    def update(
        self, vm_id: str, changes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> VmDetail:
        """Change `name`, `description`, `tags`, `environment` or `configuration`
        (`cpu_cores`, `cpu_sockets`, `memory_mb`, also accepted flat)."""
        body = nest(payload(changes, fields), "configuration", UPDATE_CONFIG_KEYS)
        return self._model("PUT", f"/vms/{seg(vm_id)}", VmDetail, "vm", json=body)

    def delete(self, vm_id: str, *, force: bool = False, keep_backups: bool = True) -> JobAccepted:
        params = {"force": force, "keep_backups": keep_backups}
        return self._model("DELETE", f"/vms/{seg(vm_id)}", JobAccepted, "job", params=params)

    def start(self, vm_id: str, *, idempotency_key: str | None = None) -> JobAccepted:
        return self._power(vm_id, "start", None, idempotency_key)

    def stop(
        self,
        vm_id: str,
        *,
        graceful: bool = True,
        timeout_seconds: int = 300,
        idempotency_key: str | None = None,
    ) -> JobAccepted:
        body = {"graceful": graceful, "timeout_seconds": timeout_seconds}
        return self._power(vm_id, "stop", body, idempotency_key)

    def restart(self, vm_id: str, *, idempotency_key: str | None = None) -> JobAccepted:
        return self._power(vm_id, "restart", None, idempotency_key)

    def _power(
        self, vm_id: str, action: str, body: dict[str, Any] | None, key: str | None
    ) -> JobAccepted:
        path = f"/vms/{seg(vm_id)}/{action}"
        return self._model("POST", path, JobAccepted, "job", json=body, idempotency_key=key)

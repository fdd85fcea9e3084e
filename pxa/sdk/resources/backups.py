"""client.backups: vzdump archives, restores, schedules and which guests none covers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pxa.models.backup import Backup, BackupSchedule, Coverage, ScheduleList
from pxa.models.common import Message
from pxa.models.vm import JobAccepted
from pxa.sdk.models import BackupPage
from pxa.sdk.resources._base import Resource, payload, seg


class Schedules(Resource):
    """client.backups.schedules"""

    def list(self) -> ScheduleList:
        return self._model("GET", "/backups/schedules", ScheduleList)

    def create(
        self,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> BackupSchedule:
        """`schedule` ('02:00', 'sat 03:00'), `storage`, `all` or `vm_ids`, `mode`,
        `compression`, `retention` ({keep_last, keep_daily, ...}), `enabled`, `comment`."""
        return self._model(
            "POST",
            "/backups/schedules",
            BackupSchedule,
            "schedule",
            json=payload(spec, fields),
            idempotency_key=idempotency_key,
        )

    def update(
        self, schedule_id: str, changes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> BackupSchedule:
        path = f"/backups/schedules/{seg(schedule_id)}"
        return self._model("PUT", path, BackupSchedule, "schedule", json=payload(changes, fields))

    def delete(self, schedule_id: str) -> Message:
        return self._ack("DELETE", f"/backups/schedules/{seg(schedule_id)}")


class Backups(Resource):
    """client.backups"""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.schedules = Schedules(client)

    def list(self, **filters: Any) -> BackupPage:
        """`vm_id`, `storage`, `limit`, `offset`; the result has `.backups`, `.pagination`."""
        return self._model("GET", "/backups", BackupPage, params=filters)

    def iter(self, **filters: Any) -> Iterator[Backup]:
        """Every backup matching `filters`, newest first, page after page."""
        return self._client._stream(  # type: ignore[no-any-return]
            self._offset_pages("/backups", BackupPage, "backups", filters)
        )

    def get(self, backup_id: str) -> Backup:
        return self._model("GET", f"/backups/{seg(backup_id)}", Backup, "backup")

    def create(
        self,
        vm_id: str | None = None,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> JobAccepted:
        """Back up `vm_id` now: the seed's `backup_type`, `compression`, `encryption`,
        `description`, and `storage`, `mode`, `protected`. Returns the job."""
        body = payload(spec, {"vm_id": vm_id, **fields})
        return self._model(
            "POST", "/backups", JobAccepted, "job", json=body, idempotency_key=idempotency_key
        )

    def restore(
        self,
        backup_id: str,
        *,
        target: str | None = None,
        vmid: int | None = None,
        storage: str | None = None,
        start: bool | None = None,
        idempotency_key: str | None = None,
    ) -> JobAccepted:
        """Restore as a new VM (`target="new"`, the default) or over its VM (`"same"`)."""
        body = payload(None, {"target": target, "vmid": vmid, "storage": storage, "start": start})
        return self._model(
            "POST",
            f"/backups/{seg(backup_id)}/restore",
            JobAccepted,
            "job",
            json=body,
            idempotency_key=idempotency_key,
        )

    def delete(self, backup_id: str) -> JobAccepted:
        return self._model("DELETE", f"/backups/{seg(backup_id)}", JobAccepted, "job")

    def coverage(self) -> Coverage:
        return self._model("GET", "/backups/coverage", Coverage, "coverage")

"""client.storage: storage pools, their content, and streamed uploads of ISOs and templates."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pxa.models.storage import ContentList, StorageCreate, StorageList, StoragePool
from pxa.models.vm import JobAccepted
from pxa.sdk._flow import Flow
from pxa.sdk.resources._base import Resource, payload, result, seg


class Storage(Resource):
    """client.storage"""

    def list(self, **filters: Any) -> StorageList:
        """`type`, `content`, `node`; the result has `.storage`."""
        return self._model("GET", "/storage", StorageList, params=filters)

    def get(self, storage_id: str) -> StoragePool:
        return self._model("GET", f"/storage/{seg(storage_id)}", StoragePool, "storage")

    def create(
        self,
        spec: Mapping[str, Any] | StorageCreate | None = None,
        /,
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> StoragePool:
        """`name`, `type` (dir, nfs, lvmthin, zfspool, pbs), `content`, and the type's
        settings (`path`, `server`, `export`, `vgname`, `thinpool`, `pool`, ...)."""
        return self._model(
            "POST",
            "/storage",
            StoragePool,
            "storage",
            json=payload(spec, fields),
            idempotency_key=idempotency_key,
        )

    def content(self, storage_id: str, **filters: Any) -> ContentList:
        """`node`, `content` (iso, vztmpl, images, backup, ...), `vmid`."""
        return self._model(
            "GET", f"/storage/{seg(storage_id)}/content", ContentList, params=filters
        )

    def upload(
        self,
        storage_id: str,
        path: str | Path,
        content: str = "iso",
        node: str | None = None,
        *,
        checksum: str | None = None,
        checksum_algorithm: str | None = None,
        filename: str | None = None,
        idempotency_key: str | None = None,
    ) -> JobAccepted:
        """Stream a local file to the storage as multipart/form-data (never read whole into
        memory); returns the job that moves it into place."""
        return self._client._run(  # type: ignore[no-any-return]
            self._upload(
                storage_id,
                Path(path),
                {
                    "content": content,
                    "node": node,
                    "checksum": checksum,
                    "checksum_algorithm": checksum_algorithm,
                },
                filename,
                idempotency_key,
            )
        )

    def _upload(
        self,
        storage_id: str,
        path: Path,
        fields: dict[str, Any],
        filename: str | None,
        idempotency_key: str | None,
    ) -> Flow[JobAccepted]:
        form = {k: str(v) for k, v in fields.items() if v is not None}
        with path.open("rb") as fh:  # httpx streams it in chunks, rewinding on each retry
            files = {"file": (filename or path.name, fh, "application/octet-stream")}
            body = yield from self._send(
                "POST",
                f"/storage/{seg(storage_id)}/upload",
                data=form,
                files=files,
                idempotency_key=idempotency_key,
            )
        return result(body, JobAccepted, "job")

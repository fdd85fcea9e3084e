"""client.security: configuration scans through the PVE API, findings, fixes, scores."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pxa.models.scan import FindingOut, Scan, ScanList, ScanResult, ScoreHistory
from pxa.sdk.resources._base import Resource, seg


class Security(Resource):
    """client.security"""

    def scan(
        self,
        scan_type: str = "configuration",
        targets: Iterable[str] | None = None,
        scan_options: Mapping[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> Scan:
        """Start a scan of `targets` (VM ids or names, 'tag:x', 'env:production', 'all');
        returns the running scan — follow it with `get_scan` or `jobs.wait(scan.job_id)`."""
        body: dict[str, Any] = {"scan_type": scan_type}
        if targets is not None:
            body["targets"] = list(targets)
        if scan_options is not None:
            body["scan_options"] = dict(scan_options)
        return self._model(
            "POST", "/security/scans", Scan, "scan", json=body, idempotency_key=idempotency_key
        )

    def get_scan(self, scan_id: str) -> ScanResult:
        """The scan with its findings and per-guest scores."""
        return self._model("GET", f"/security/scans/{seg(scan_id)}", ScanResult)

    def list_scans(self, *, limit: int | None = None) -> ScanList:
        return self._model("GET", "/security/scans", ScanList, params={"limit": limit})

    def fix(self, finding_id: int, *, idempotency_key: str | None = None) -> FindingOut:
        """Apply a finding's automatic fix (when it has one)."""
        return self._model(
            "POST",
            f"/security/findings/{seg(finding_id)}/fix",
            FindingOut,
            "finding",
            idempotency_key=idempotency_key,
        )

    def history(self, vm_id: str) -> ScoreHistory:
        """A VM's compliance score over past scans."""
        return self._model("GET", f"/security/vms/{seg(vm_id)}/history", ScoreHistory, "history")

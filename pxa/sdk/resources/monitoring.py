"""client.monitoring: the cluster's live figures and a VM's time series."""

from __future__ import annotations

from collections.abc import Iterable

from pxa.models.monitoring import SystemMetrics, VmMetrics
from pxa.sdk.resources._base import Resource, seg


class Monitoring(Resource):
    """client.monitoring"""

    def metrics(self) -> SystemMetrics:
        return self._model("GET", "/monitoring/metrics", SystemMetrics, "metrics")

    def vm_metrics(
        self,
        vm_id: str,
        period: str | None = None,
        metrics: Iterable[str] | str | None = None,
        *,
        cf: str | None = None,
    ) -> VmMetrics:
        """`period`: 1h, 24h, 7d or 30d; `metrics`: any of cpu, memory, disk, network
        (a list, or the seed's comma-separated string);
        `cf`: AVERAGE or MAX consolidation."""
        if metrics is not None and not isinstance(metrics, str):
            metrics = ",".join(metrics)
        params = {"period": period, "metrics": metrics, "cf": cf}
        path = f"/monitoring/vms/{seg(vm_id)}/metrics"
        return self._model("GET", path, VmMetrics, "metrics", params=params)

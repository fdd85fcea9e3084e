"""/v1/monitoring: cluster figures and a VM's series, with the seed's `metrics=cpu,memory`."""

from __future__ import annotations

import httpx
from support import error


def test_system_metrics_cover_nodes_guests_storage_and_jobs(http: httpx.Client) -> None:
    r = http.get("/monitoring/metrics")
    assert r.status_code == 200
    metrics = r.json()["data"]["metrics"]
    assert {n["node"] for n in metrics["nodes"]} == {"pve1", "pve2", "pve3"}
    assert metrics["vms"]["total"] == sum(v for k, v in metrics["vms"].items() if k != "total")
    assert metrics["storage"] and set(metrics["jobs"]) == {"running", "failed_24h"}


def test_vm_metrics_have_every_series_by_default(http: httpx.Client) -> None:
    r = http.get("/monitoring/vms/vm-103/metrics")
    assert r.status_code == 200
    metrics = r.json()["data"]["metrics"]
    assert (metrics["vm_id"], metrics["period"]) == ("vm-103", "1h")
    names = {s["name"] for s in metrics["series"]}
    assert {"cpu", "memory", "disk_read", "network_in"} <= names


def test_the_comma_separated_metrics_pick_the_series(http: httpx.Client) -> None:
    r = http.get(
        "/monitoring/vms/vm-103/metrics", params={"period": "24h", "metrics": "cpu, memory"}
    )
    assert r.status_code == 200
    metrics = r.json()["data"]["metrics"]
    assert metrics["period"] == "24h" and metrics["step_seconds"]
    assert [s["name"] for s in metrics["series"]] == ["cpu", "memory", "memory_total"]
    assert metrics["series"][0]["points"]


def test_an_unknown_metric_is_422_naming_metrics(http: httpx.Client) -> None:
    r = http.get("/monitoring/vms/vm-103/metrics", params={"metrics": "cpu,gpu"})
    assert r.status_code == 422
    err = error(r)
    assert err["code"] == "VALIDATION_ERROR"
    assert err["details"]["field"] == "metrics" and err["details"]["provided_value"] == "cpu,gpu"


def test_an_empty_metrics_list_is_422_naming_metrics(http: httpx.Client) -> None:
    r = http.get("/monitoring/vms/vm-103/metrics", params={"metrics": ","})
    assert r.status_code == 422 and error(r)["details"]["field"] == "metrics"


def test_an_unknown_period_is_422_naming_period(http: httpx.Client) -> None:
    r = http.get("/monitoring/vms/vm-103/metrics", params={"period": "2h"})
    assert r.status_code == 422 and error(r)["details"]["field"] == "period"


def test_metrics_of_an_unknown_vm_are_404(http: httpx.Client) -> None:
    r = http.get("/monitoring/vms/vm-99999/metrics")
    assert r.status_code == 404 and error(r)["code"] == "RESOURCE_NOT_FOUND"

"""/v1/security: scans as jobs, their findings and scores, fixes and a VM's history."""

from __future__ import annotations

import httpx
import pytest
from support import error, wait_job


@pytest.fixture
def vulnerability_scan() -> dict:
    """The seed's "Run Security Scan" request body, for VMs the sandbox has."""
    return {
        "scan_type": "vulnerability",
        "targets": ["vm-103", "vm-104"],
        "scan_options": {"deep_scan": True, "include_dependencies": True},
    }


def finished_scan(http: httpx.Client, body: dict) -> str:
    scan = http.post("/security/scans", json=body).json()["data"]["scan"]
    assert wait_job(http, scan["job_id"])["status"] == "completed"
    return scan["id"]


def test_a_scan_is_202_with_the_running_scan_and_where_to_poll(
    http: httpx.Client, vulnerability_scan: dict
) -> None:
    r = http.post("/security/scans", json=vulnerability_scan)
    assert r.status_code == 202, r.text
    scan = r.json()["data"]["scan"]
    assert scan["id"].startswith("scan-") and scan["type"] == "vulnerability"
    assert scan["status"] == "running" and scan["started_at"] and scan["estimated_completion"]
    assert r.headers["location"] == f"/v1/security/scans/{scan['id']}"


def test_a_finished_scan_has_findings_and_scores(http: httpx.Client) -> None:
    scan_id = finished_scan(http, {"scan_type": "configuration", "targets": ["all"]})
    r = http.get(f"/security/scans/{scan_id}")
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["scan"]["status"] == "completed" and data["scan"]["summary"]["findings"]
    assert data["findings"] and {"rule_id", "severity", "remediation"} <= set(data["findings"][0])
    assert {s["target"] for s in data["scores"]} == set(data["scan"]["targets"])


def test_scans_are_listed(http: httpx.Client, vulnerability_scan: dict) -> None:
    scan_id = finished_scan(http, vulnerability_scan)
    r = http.get("/security/scans", params={"limit": 5})
    assert r.status_code == 200 and scan_id in {s["id"] for s in r.json()["data"]["scans"]}


def test_an_unknown_scan_is_404(http: httpx.Client) -> None:
    r = http.get("/security/scans/scan-0000000000")
    assert r.status_code == 404 and error(r)["code"] == "RESOURCE_NOT_FOUND"


def test_an_unknown_target_is_422_naming_targets(
    http: httpx.Client, vulnerability_scan: dict
) -> None:
    r = http.post("/security/scans", json={**vulnerability_scan, "targets": ["vm-99999"]})
    assert r.status_code == 422 and error(r)["details"]["field"] == "targets"


def test_an_unknown_scan_type_is_422_naming_it(http: httpx.Client) -> None:
    r = http.post("/security/scans", json={"scan_type": "penetration"})
    assert r.status_code == 422 and error(r)["details"]["field"] == "scan_type"


def test_fixing_a_finding_applies_its_fix(http: httpx.Client) -> None:
    scan_id = finished_scan(http, {"scan_type": "configuration", "targets": ["all"]})
    findings = http.get(f"/security/scans/{scan_id}").json()["data"]["findings"]
    fixable = next(f for f in findings if f["fix"])
    r = http.post(f"/security/findings/{fixable['id']}/fix")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["finding"]["id"] == fixable["id"]
    again = finished_scan(http, {"scan_type": "configuration", "targets": [fixable["target"]]})
    rules = {f["rule_id"] for f in http.get(f"/security/scans/{again}").json()["data"]["findings"]}
    assert fixable["rule_id"] not in rules


def test_a_finding_without_an_automatic_fix_is_422(http: httpx.Client) -> None:
    scan_id = finished_scan(http, {"scan_type": "configuration", "targets": ["all"]})
    findings = http.get(f"/security/scans/{scan_id}").json()["data"]["findings"]
    manual = next(f for f in findings if not f["fix"])
    r = http.post(f"/security/findings/{manual['id']}/fix")
    assert r.status_code == 422 and error(r)["details"]["field"] == "finding_id"


def test_an_unknown_finding_is_404(http: httpx.Client) -> None:
    r = http.post("/security/findings/999999/fix")
    assert r.status_code == 404 and error(r)["code"] == "RESOURCE_NOT_FOUND"


def test_a_vm_history_has_a_point_per_scan(http: httpx.Client) -> None:
    for _ in range(2):
        finished_scan(http, {"scan_type": "configuration", "targets": ["vm-105"]})
    r = http.get("/security/vms/vm-105/history")
    assert r.status_code == 200
    history = r.json()["data"]["history"]
    assert history["vm_id"] == "vm-105" and len(history["points"]) == 2
    assert {"scan_id", "at", "compliance_score", "vulnerabilities"} <= set(history["points"][0])


def test_the_history_of_an_unknown_vm_is_404(http: httpx.Client) -> None:
    r = http.get("/security/vms/vm-99999/history")
    assert r.status_code == 404 and error(r)["code"] == "RESOURCE_NOT_FOUND"


def test_a_finding_id_past_the_database_range_is_422(http: httpx.Client) -> None:
    r = http.post(f"/security/findings/{2**64}/fix")
    assert r.status_code == 422 and error(r)["details"]["field"] == "finding_id"

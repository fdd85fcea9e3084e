"""/v1/vms and /v1/jobs: the seed's shapes, status codes and error codes."""

from __future__ import annotations

import time

import httpx
from support import LiveApi, wait_job


def test_list_has_the_seed_envelope_and_pagination(http: httpx.Client) -> None:
    r = http.get("/vms", params={"status": "running", "environment": "production", "limit": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["success"] is True
    assert set(body["meta"]) == {"request_id", "timestamp", "execution_time_ms"}
    assert r.headers["x-request-id"] == body["meta"]["request_id"]
    vms, page = body["data"]["vms"], body["data"]["pagination"]
    assert len(vms) == 5 and all(v["status"] == "running" for v in vms)
    assert {"total", "limit", "offset", "pages", "current_page", "has_next", "next_cursor"} <= set(
        page
    )
    assert {
        "id",
        "name",
        "status",
        "environment",
        "cpu_cores",
        "memory_mb",
        "storage_gb",
        "ip_address",
        "os_type",
        "created_at",
        "updated_at",
        "tags",
        "security",
    } <= set(vms[0])


def test_get_vm_has_the_detail_shape(http: httpx.Client) -> None:
    vm_id = http.get("/vms", params={"limit": 1}).json()["data"]["vms"][0]["id"]
    vm = http.get(f"/vms/{vm_id}").json()["data"]["vm"]
    assert {"configuration", "performance", "security", "backup"} <= set(vm)
    assert {"cpu_cores", "cpu_sockets", "memory_mb", "storage", "network"} <= set(
        vm["configuration"]
    )


def test_unknown_vm_is_404_resource_not_found(http: httpx.Client) -> None:
    r = http.get("/vms/vm-99999")
    assert r.status_code == 404
    assert r.json()["success"] is False and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"


def test_validation_error_names_field_reason_and_value(http: httpx.Client) -> None:
    r = http.post(
        "/vms",
        json={"name": "x-01", "template": "ubuntu-22.04", "configuration": {"memory_mb": -1024}},
    )
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "VALIDATION_ERROR"
    assert err["details"]["field"] == "configuration.memory_mb"
    assert err["details"]["provided_value"] == -1024


def test_create_returns_201_with_a_job_that_completes(http: httpx.Client) -> None:
    r = http.post(
        "/vms",
        json={
            "name": "api-made-01",
            "template": "ubuntu-24.04",
            "environment": "development",
            "configuration": {"cpu_cores": 2, "memory_mb": 2048},
        },
    )
    assert r.status_code == 201, r.text
    vm = r.json()["data"]["vm"]
    assert vm["status"] == "creating" and vm["creation_job_id"]
    job = wait_job(http, vm["creation_job_id"])
    assert job["status"] == "completed" and job["logs"]


def test_power_actions_return_202_with_a_job(http: httpx.Client) -> None:
    vm = http.get("/vms", params={"status": "stopped", "type": "qemu"}).json()["data"]["vms"][0]
    r = http.post(f"/vms/{vm['id']}/start")
    assert r.status_code == 202
    assert wait_job(http, r.json()["data"]["job"]["job_id"])["status"] == "completed"
    r = http.post(f"/vms/{vm['id']}/stop", json={"graceful": False})
    assert r.status_code == 202


def test_starting_a_running_vm_is_409(http: httpx.Client) -> None:
    vm = http.get("/vms", params={"status": "running", "type": "qemu"}).json()["data"]["vms"][0]
    r = http.post(f"/vms/{vm['id']}/start")
    assert r.status_code == 409 and r.json()["error"]["code"] == "RESOURCE_CONFLICT"


def test_no_token_is_401_and_a_missing_scope_403(api: LiveApi, anon: httpx.Client) -> None:
    r = anon.get("/vms")
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"
    from pxa.core.tokens import Principal
    from pxa.models.token import TokenCreate

    admin = Principal(id="t", scopes=frozenset({"vm:read"}))
    ro = api.infra.tokens.create(TokenCreate(name="ro", permissions=["vm:read"]), admin)
    r = anon.post("/vms/vm-100/start", headers={"Authorization": f"Bearer {ro.access_token}"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"


def test_request_id_is_echoed_and_unknown_api_version_refused(http: httpx.Client) -> None:
    r = http.get("/vms", params={"limit": 1}, headers={"X-Request-ID": "trace-42"})
    assert r.headers["x-request-id"] == "trace-42" and r.json()["meta"]["request_id"] == "trace-42"
    r = http.get("/vms", headers={"API-Version": "v9"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "UNSUPPORTED_API_VERSION"


def test_rate_limit_headers_on_every_response(http: httpx.Client) -> None:
    r = http.get("/vms", params={"limit": 1})
    assert int(r.headers["x-ratelimit-limit"]) == 1000
    assert int(r.headers["x-ratelimit-window"]) == 3600
    assert int(r.headers["x-ratelimit-remaining"]) < 1000


def test_jobs_are_listed_and_cancelled(http: httpx.Client) -> None:
    r = http.post("/vms", json={"name": "api-cancel-01", "template": "debian-12", "start": False})
    job_id = r.json()["data"]["vm"]["creation_job_id"]
    time.sleep(0.2)
    cancelled = http.delete(f"/jobs/{job_id}").json()["data"]["job"]
    assert cancelled["status"] in ("cancelled", "completed")
    assert any(j["id"] == job_id for j in http.get("/jobs").json()["data"]["jobs"])


def test_health_checks_the_database_and_proxmox(http: httpx.Client) -> None:
    data = http.get("/health").json()["data"]
    assert data["status"] == "healthy"
    assert data["components"]["database"] == data["components"]["proxmox"] == "healthy"


def test_openapi_docs_and_postman_are_served(http: httpx.Client, anon: httpx.Client) -> None:
    spec = anon.get("/openapi.json").json()
    assert "/v1/vms" in spec["paths"]
    assert anon.get("/docs").status_code == 200
    postman = http.get("/postman/collection.json").json()
    assert postman["info"]["schema"].endswith("v2.1.0/collection.json")
    assert any(folder["name"] == "vms" for folder in postman["item"])


def test_a_body_that_is_not_json_is_415(http: httpx.Client) -> None:
    r = http.post(
        "/vms", content=b"name=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 415 and r.json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_an_oversized_body_is_413(http: httpx.Client) -> None:
    r = http.post(
        "/vms",
        content=b"{" + b" " * (11 * 1024 * 1024) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_deeply_nested_json_is_a_clean_4xx(http: httpx.Client) -> None:
    body = "[" * 5000 + "]" * 5000
    r = http.post("/vms", content=body.encode(), headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500

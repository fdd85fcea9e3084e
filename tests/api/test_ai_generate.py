"""POST /v1/ai/generate in the seed's shape, and POST /v1/ai/export, over real uvicorn."""

from __future__ import annotations

import httpx
from support import error

SEED_BODY = {
    "prompt": "Create a secure web server VM with Nginx, SSL certificate, and firewall rules",
    "context": {"environment": "production", "compliance_requirements": ["CIS", "SOC2"]},
    "output_format": "terraform",
}


def test_generate_answers_in_the_seeds_shape(http: httpx.Client) -> None:
    response = http.post("/ai/generate", json=SEED_BODY)
    assert response.status_code == 200, response.text
    body = response.json()
    generated = body["data"]["generated_code"]
    assert generated["format"] == "terraform"
    assert 'resource "proxmox_virtual_environment_vm"' in generated["code"]
    assert generated["validation_score"] == 100
    analysis = generated["security_analysis"]
    assert analysis["passed"] is True and isinstance(analysis["recommendations"], list)
    assert set(analysis["compliance"]) == {"CIS", "SOC2"}
    assert body["meta"]["ai_model"] == "pxa-offline-parser" and body["meta"]["tokens_used"] == 0
    assert body["meta"]["request_id"].startswith("req_")


def test_generate_for_telmate(http: httpx.Client) -> None:
    response = http.post("/ai/generate", json={**SEED_BODY, "provider": "telmate"})
    generated = response.json()["data"]["generated_code"]
    assert 'resource "proxmox_vm_qemu"' in generated["code"]
    assert generated["provider"] == "telmate/proxmox"


def test_an_unsupported_output_format_is_a_validation_error(http: httpx.Client) -> None:
    response = http.post("/ai/generate", json={**SEED_BODY, "output_format": "pulumi"})
    assert response.status_code == 422
    assert error(response)["code"] == "VALIDATION_ERROR"
    assert error(response)["details"]["field"] == "output_format"


def test_an_unknown_node_is_a_validation_error_naming_the_spec_field(http: httpx.Client) -> None:
    response = http.post("/ai/generate", json={"prompt": "a web server on pve7"})
    assert response.status_code == 422
    assert error(response)["details"]["field"] == "spec.vms[0].node"


def test_an_empty_prompt_is_a_validation_error(http: httpx.Client) -> None:
    response = http.post("/ai/generate", json={"prompt": ""})
    assert response.status_code == 422 and error(response)["details"]["field"] == "prompt"


def test_generate_needs_the_ai_generate_permission(api, http: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    created = http.post("/auth/tokens", json={"name": "reader", "permissions": ["vm:read"]})
    token = created.json()["data"]["access_token"]
    response = httpx.post(
        f"{api.url}/ai/generate", json=SEED_BODY, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403 and error(response)["details"]["required"] == "ai:generate"


def test_export_answers_terraform_with_import_blocks(http: httpx.Client) -> None:
    response = http.post("/ai/export", json={"names": ["web-server-01"]})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["vms"] == ["web-server-01"]
    assert 'id = "pve1/100"' in data["generated_code"]["files"]["imports.tf"]

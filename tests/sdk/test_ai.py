"""client.ai.generate against the seed's example answer (a stub on MockTransport).

Not against the live API: its AI route would reach for a model, and these tests send
nothing beyond loopback.
"""

from __future__ import annotations

import json

import httpx

from pxa.sdk import ProxmoxAIClient

SEED_ANSWER = {
    "success": True,
    "data": {
        "generated_code": {
            "format": "terraform",
            "code": 'resource "proxmox_vm_qemu" "web_server" { ... }',
            "validation_score": 95,
            "security_analysis": {
                "passed": True,
                "issues": [],
                "recommendations": ["Consider enabling automatic security updates"],
            },
        }
    },
    "meta": {"request_id": "req_1", "timestamp": "2025-07-29T12:00:00Z", "tokens_used": 1250},
}


def test_generate_sends_the_seed_body_and_reads_generated_code() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=SEED_ANSWER)

    with ProxmoxAIClient(
        api_token="pxa_stub",
        base_url="http://127.0.0.1:1/v1",
        transport=httpx.MockTransport(answer),
    ) as client:
        made = client.ai.generate(
            "Create a secure web server VM with Nginx, SSL certificate, and firewall rules",
            context={"environment": "production", "compliance_requirements": ["CIS", "SOC2"]},
        )
    assert (sent[0].method, sent[0].url.path) == ("POST", "/v1/ai/generate")
    body = json.loads(sent[0].content)
    assert body["output_format"] == "terraform" and body["context"]["environment"] == "production"
    assert made.format == "terraform" and made.validation_score == 95
    assert made.security_analysis and made.security_analysis.passed is True

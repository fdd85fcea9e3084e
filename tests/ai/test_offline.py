"""Without a key the chat still works for everyday commands, through the same tools and gate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pxa.ai.events import ToolStarted
from pxa.ai.intents import Intent, parse
from pxa.ai.offline import OfflineAgent
from pxa.ai.session import Conversation
from pxa.core.infra import Infra

from .conftest import Confirmations, Transcript


@pytest.mark.parametrize(
    ("said", "operation", "arguments"),
    [
        (
            "list running production vms",
            "vm.list",
            {"status": "running", "environment": "production"},
        ),
        ("show stopped vms on pve2", "vm.list", {"status": "stopped", "node": "pve2"}),
        ("list vms tagged web", "vm.list", {"tag": "web"}),
        ("show web-server-01", "vm.get", {"vm_id": "web-server-01"}),
        ("start web-server-01", "vm.start", {"vm_id": "web-server-01"}),
        ("Shut down db-02", "vm.stop", {"vm_id": "db-02", "graceful": True}),
        ("force stop db-02", "vm.stop", {"vm_id": "db-02", "graceful": False}),
        ("reboot lb-01", "vm.restart", {"vm_id": "lb-01"}),
        (
            "snapshot db-01 before the upgrade",
            "vm.snapshot.create",
            {"vm_id": "db-01", "name": "before-the-upgrade", "description": "before the upgrade"},
        ),
        ("backup app-server-01", "backup.create", {"vm_id": "app-server-01"}),
        ("delete vm db-03", "vm.delete", {"vm_id": "db-03"}),
        ("show failed jobs", "job.list", {"status": "failed"}),
        ("show running jobs", "job.list", {"status": "running"}),
        ("scan security", "security.scan", {"scan_type": "configuration"}),
        ("cluster status", "cluster.summary", {}),
        (
            "generate terraform for two web servers behind a load balancer",
            "terraform.generate",
            {"prompt": "two web servers behind a load balancer"},
        ),
    ],
)
def test_an_everyday_request_is_understood_as_one_call(
    said: str, operation: str, arguments: dict[str, Any]
) -> None:
    assert parse(said) == Intent(operation, arguments)


@pytest.mark.parametrize("said", ["what's the weather like", "please make everything faster", ""])
def test_anything_else_is_not_understood(said: str) -> None:
    assert parse(said) is None


@pytest.fixture
def offline(infra: Infra) -> Callable[..., OfflineAgent]:
    def make(confirm: Any = None) -> OfflineAgent:
        return OfflineAgent(
            infra, Conversation.open(infra.database, model="offline"), confirm=confirm
        )

    return make


async def test_offline_it_says_what_it_understood_and_how_to_add_a_key(
    offline: Callable[..., OfflineAgent],
) -> None:
    events = Transcript()
    finished = await offline().turn("list running production vms", events.append)
    assert events.text.startswith(
        "Understood: vm.list status=running environment=production (offline: no Anthropic key"
    )
    assert "pxa config set-secret anthropic.api_key" in events.text
    assert "web-server-01" in events.text and "db-03" not in events.text
    assert finished.offline and finished.line == "offline: no tokens used"


async def test_offline_the_key_hint_is_said_once_per_session(
    offline: Callable[..., OfflineAgent],
) -> None:
    agent, events = offline(), Transcript()
    await agent.turn("list running production vms", events.append)
    again = Transcript()
    await agent.turn("show failed jobs", again.append)
    assert again.text.startswith("Understood: job.list status=failed (offline)\n")
    assert "set-secret" not in again.text


async def test_offline_a_write_goes_through_the_same_confirmation(
    offline: Callable[..., OfflineAgent], infra: Infra
) -> None:
    person = Confirmations(True)
    agent = offline(person)
    events = Transcript()
    await agent.turn("start web-server-03", events.append)
    assert [r.operation for r in person.asked] == ["vm.start"]
    assert "Job " in events.text
    assert infra.audit.recent()[0].actor == f"chat:{agent.session_id}"


async def test_offline_a_write_without_a_confirmer_is_refused_by_the_gate(
    offline: Callable[..., OfflineAgent],
) -> None:
    events = Transcript()
    await offline().turn("delete vm db-03", events.append)
    assert "refused" in events.text


async def test_offline_text_it_cannot_parse_gets_an_honest_answer_and_runs_nothing(
    offline: Callable[..., OfflineAgent], infra: Infra
) -> None:
    events = Transcript()
    await offline().turn("compose me a poem about clusters", events.append)
    assert events.text.startswith("I couldn't understand that offline")
    assert "snapshot db-01 before the upgrade" in events.text
    assert events.of(ToolStarted) == []
    assert infra.audit.recent() == []


async def test_offline_generate_terraform_routes_to_the_terraform_operation(
    offline: Callable[..., OfflineAgent], infra: Infra
) -> None:
    if "terraform.generate" not in infra.catalogue:
        pytest.skip("terraform.generate is not in the catalogue yet (issue 8)")
    events = Transcript()
    await offline().turn("generate terraform for one small debian vm", events.append)
    assert events.of(ToolStarted)[0].operation == "terraform.generate"
    assert "validation score" in events.text
    assert 'resource "proxmox_' in events.text  # the code itself is shown

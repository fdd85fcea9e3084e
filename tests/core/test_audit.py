"""What the audit log keeps: every change, and every call of the chat, reads included."""

from __future__ import annotations

import pytest

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import Invalid

CHAT = CallContext.of("chat", "chat-1")


async def test_a_read_by_the_chat_is_audited_and_one_by_the_api_is_not(infra: Infra) -> None:
    await infra.call("vm.get", {"vm_id": "db-01"}, CHAT)
    await infra.call("vm.get", {"vm_id": "db-01"}, CallContext.of("api", "tok"))
    [row] = infra.audit.recent()
    assert (row.actor, row.operation, row.result, row.target) == (
        "chat:chat-1",
        "vm.get",
        "ok",
        "vm-106",
    )


async def test_arguments_the_chat_got_wrong_are_audited_with_secrets_masked(
    infra: Infra,
) -> None:
    bad = {"vm_id": "db-01", "cpu_cores": 0, "api_token": "s3cr3t-value"}
    with pytest.raises(Invalid):
        await infra.call("vm.update", bad, CHAT)
    [row] = infra.audit.recent()
    assert (row.operation, row.result) == ("vm.update", "error")
    assert row.arguments["api_token"] == "***" and "s3cr3t" not in str(row.arguments)

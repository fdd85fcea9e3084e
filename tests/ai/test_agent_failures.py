"""API errors are clear transcript messages; a cancelled turn stops at once and keeps its words."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from messages_server import MessagesServer, error_reply, text_reply, tool_use_reply

from pxa.ai.events import Notice, TextDelta, TurnFinished
from pxa.core.context import ConfirmationRequest
from pxa.core.infra import Infra

from .conftest import Transcript


def errors(events: Transcript) -> list[str]:
    return [n.text for n in events.of(Notice) if n.level == "error"]


async def test_a_rate_limit_is_retried_with_backoff_then_answered(
    make_agent: Callable[..., Any], api: MessagesServer
) -> None:
    api.script(error_reply(429, retry_after=0.01), text_reply("Fine now."))
    events = Transcript()
    await make_agent(max_retries=2).turn("hello", events.append)

    assert len(api.requests) == 2
    assert events.text == "Fine now."
    assert errors(events) == []


async def test_an_invalid_key_is_a_clear_message(
    make_agent: Callable[..., Any], api: MessagesServer
) -> None:
    api.script(error_reply(401, "invalid x-api-key"))
    events = Transcript()
    agent = make_agent()
    await agent.turn("hello", events.append)

    [message] = errors(events)
    assert "refused the key" in message and "ANTHROPIC_API_KEY" in message
    assert agent.conversation.history()[-1]["role"] == "assistant"  # the next turn is valid


async def test_overloaded_is_a_clear_message_after_the_retries(
    make_agent: Callable[..., Any], api: MessagesServer
) -> None:
    api.script(*(error_reply(529, retry_after=0.01) for _ in range(3)))
    events = Transcript()
    await make_agent(max_retries=2).turn("hello", events.append)

    assert len(api.requests) == 3
    [message] = errors(events)
    assert "overloaded (529) after 2 retries" in message


async def test_a_network_failure_says_the_api_cannot_be_reached(
    infra: Infra, api: MessagesServer
) -> None:
    from pxa.ai.agent import ClaudeAgent
    from pxa.ai.session import Conversation

    conversation = Conversation.open(infra.database, model="claude-sonnet-5-5")
    agent = ClaudeAgent(
        infra,
        conversation,
        api_key="k",
        model="claude-sonnet-5-5",
        base_url="http://127.0.0.1:9",
        max_retries=0,
    )
    events = Transcript()
    await agent.turn("hello", events.append)
    [message] = errors(events)
    assert "Could not reach the Anthropic API at http://127.0.0.1:9" in message


async def test_cancelling_mid_stream_stops_at_once_and_keeps_what_was_said(
    make_agent: Callable[..., Any], api: MessagesServer
) -> None:
    api.script(text_reply("word " * 200, delay=0.05))
    events = Transcript()
    agent = make_agent()
    first_words = asyncio.Event()

    def emit(event: Any) -> None:
        events.append(event)
        if isinstance(event, TextDelta):
            first_words.set()

    turn = asyncio.create_task(agent.turn("talk a lot", emit))
    await asyncio.wait_for(first_words.wait(), 10)
    turn.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(turn, 2)

    assert events.of(TurnFinished)[-1].cancelled
    said = agent.conversation.history()
    assert said[-1]["role"] == "assistant"
    assert said[-1]["content"][-1]["text"] == "[cancelled by the person]"
    assert said[-1]["content"][0]["text"] == events.text  # what was shown is kept
    assert len(events.text) < len("word " * 200)


async def test_cancelling_while_a_confirmation_waits_runs_nothing(
    make_agent: Callable[..., Any], api: MessagesServer, infra: Infra
) -> None:
    asked = asyncio.Event()

    async def never_answers(request: ConfirmationRequest) -> bool:
        asked.set()
        await asyncio.sleep(3600)
        return True

    api.script(tool_use_reply("vm_start", {"vm_id": "web-server-03"}))
    agent = make_agent(never_answers)
    turn = asyncio.create_task(agent.turn("start web-server-03", Transcript().append))
    await asyncio.wait_for(asked.wait(), 10)
    turn.cancel()
    with pytest.raises(asyncio.CancelledError):
        await turn

    [row] = infra.audit.recent()
    assert (row.operation, row.result, row.actor) == (
        "vm.start",
        "cancelled",
        f"chat:{agent.session_id}",
    )
    history = agent.conversation.history()
    assert history[-2]["content"][0]["type"] == "tool_result"  # the tool_use is answered
    assert history[-1]["role"] == "assistant"


async def test_a_resumed_session_sends_the_earlier_conversation(
    make_agent: Callable[..., Any], api: MessagesServer
) -> None:
    api.script(
        tool_use_reply("vm_get", {"vm_id": "db-01"}),
        text_reply("db-01 runs Postgres."),
        text_reply("It is on pve1."),
    )
    first = make_agent()
    await first.turn("what is db-01?", Transcript().append)

    resumed = make_agent(session_id=first.session_id)
    await resumed.turn("which node is it on?", Transcript().append)

    sent = api.requests[-1]["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user", "assistant", "user"]
    assert sent[0]["content"][0]["text"] == "what is db-01?"
    assert sent[3]["content"][0]["text"] == "db-01 runs Postgres."
    assert sent[-1]["content"][0]["text"] == "which node is it on?"


async def test_cancelling_after_a_confirmation_lets_the_core_finish_and_audit_the_call(
    make_agent: Callable[..., Any], api: MessagesServer, infra: Infra
) -> None:
    confirmed = asyncio.Event()

    async def yes(request: ConfirmationRequest) -> bool:
        confirmed.set()
        return True

    api.script(tool_use_reply("vm_start", {"vm_id": "web-server-03"}))
    agent = make_agent(yes)
    turn = asyncio.create_task(agent.turn("start web-server-03", Transcript().append))
    await asyncio.wait_for(confirmed.wait(), 10)
    turn.cancel()
    with pytest.raises(asyncio.CancelledError):
        await turn

    [row] = infra.audit.recent()
    assert (row.operation, row.result) == ("vm.start", "ok")
    assert row.job_id


async def test_an_error_event_in_the_middle_of_a_stream_is_a_clear_message(
    make_agent: Callable[..., Any], api: MessagesServer
) -> None:
    reply = text_reply("Let me look", stream_error=("overloaded_error", "Overloaded"))
    api.script(reply)
    events = Transcript()
    agent = make_agent()
    await agent.turn("hello", events.append)
    [message] = errors(events)
    assert message.startswith("Anthropic's API is overloaded (529)")
    said = agent.conversation.history()[-1]
    assert said["role"] == "assistant"
    assert said["content"][0]["text"] == events.text  # the words that arrived are kept
    assert said["content"][-1]["text"] == "[no answer: the Anthropic API failed]"


async def test_an_answer_cut_at_max_tokens_says_so(
    make_agent: Callable[..., Any], api: MessagesServer
) -> None:
    api.script(text_reply("The first half of", stop_reason="max_tokens"))
    events = Transcript()
    await make_agent(max_tokens=5).turn("explain everything", events.append)
    [warning] = events.of(Notice)
    assert warning.text == "The answer was cut at 5 tokens (ai.max_tokens)."


async def test_a_defect_in_a_tool_is_an_error_result_and_the_turn_carries_on(
    make_agent: Callable[..., Any],
    api: MessagesServer,
    infra: Infra,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(infra, "call", broken)
    api.script(tool_use_reply("cluster_summary", {}), text_reply("Something broke."))
    events = Transcript()
    await make_agent().turn("how is the cluster?", events.append)
    result = api.requests[1]["messages"][-1]["content"][0]
    assert result["is_error"] is True and "failed unexpectedly" in result["content"]
    assert events.text == "Something broke."

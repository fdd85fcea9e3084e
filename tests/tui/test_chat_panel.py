"""The chat panel under Pilot: streamed answers, confirmations in the modals, Esc, usage."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from messages_server import MessagesServer, Usage, text_reply, tool_use_reply

from pxa.tui.modals import ConfirmDestructive, ConfirmWrite
from pxa.tui.widgets.chat import ChatPanel

from .helpers import settle, tui_settings

SIZE = (120, 40)


@pytest.fixture(scope="module")
def messages_api() -> Iterator[MessagesServer]:
    server = MessagesServer().start()
    yield server
    server.stop()


@pytest.fixture
def api(messages_api: MessagesServer, monkeypatch: pytest.MonkeyPatch) -> MessagesServer:
    """The fake Messages API, with a key in the environment so the panel uses Claude."""
    messages_api.reset()
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    return messages_api


async def until(pilot: Any, check: Callable[[], bool], rounds: int = 400) -> None:
    for _ in range(rounds):
        await pilot.pause(0.01)
        if check():
            return
    raise AssertionError("the chat panel did not get there")


async def ask(pilot: Any, text: str) -> ChatPanel:
    await settle(pilot)
    await pilot.press("ctrl+t", *text, "enter")
    return pilot.app.query_one(ChatPanel)


def claude(api: MessagesServer) -> dict[str, Any]:
    return {"ai": {"base_url": api.base_url, "model": "claude-sonnet-5-5"}}


async def test_a_message_gets_a_streamed_answer_and_a_usage_line(
    make_app: Callable[..., Any], api: MessagesServer
) -> None:
    api.script(
        text_reply("Three VMs are stopped.", usage=Usage(input_tokens=900, output_tokens=12))
    )
    app = make_app(tui_settings(**claude(api)))
    async with app.run_test(size=SIZE) as pilot:
        chat = await ask(pilot, "which vms are stopped?")
        await until(
            pilot, lambda: not chat.busy and ("pxa", "Three VMs are stopped.") in chat.messages
        )
        usage = str(chat.query_one("#chat-usage").render())
        assert usage.startswith("turn 900 in · 12 out · $0.0019")
        assert "session 900 in" in usage
        assert chat.messages[0] == ("you", "which vms are stopped?")


async def test_a_write_asks_in_the_modal_and_a_refusal_goes_back_to_the_model(
    make_app: Callable[..., Any], api: MessagesServer
) -> None:
    api.script(tool_use_reply("vm_start", {"vm_id": "web-server-03"}), text_reply("Not started."))
    app = make_app(tui_settings(**claude(api)))
    async with app.run_test(size=SIZE) as pilot:
        chat = await ask(pilot, "start web-server-03")
        await until(pilot, lambda: isinstance(app.screen, ConfirmWrite))
        assert app.screen.request.operation == "vm.start"
        assert app.screen.request.arguments["vm_id"] == "web-server-03"
        await pilot.press("n")
        await until(pilot, lambda: not chat.busy and len(api.requests) == 2)
        result = api.requests[1]["messages"][-1]["content"][0]
        assert result["is_error"] is True
        assert (
            json.loads(result["content"])["refused"] == "vm: start cancelled: nothing was changed"
        )
        assert any(who == "tool-error" and "refused" in text for who, text in chat.messages)


async def test_a_destructive_call_runs_once_the_name_is_typed_in_the_modal(
    make_app: Callable[..., Any], api: MessagesServer
) -> None:
    api.script(tool_use_reply("vm_delete", {"vm_id": "vm-108"}), text_reply("Deleting db-03."))
    app = make_app(tui_settings(**claude(api)))
    async with app.run_test(size=SIZE) as pilot:
        chat = await ask(pilot, "delete db-03")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDestructive))
        await pilot.press(*"db-03", "enter")
        await until(pilot, lambda: not chat.busy and len(api.requests) == 2)
        result = api.requests[1]["messages"][-1]["content"][0]
        assert "is_error" not in result
        assert json.loads(result["content"])["data"]["job_id"]


async def test_escape_cancels_a_turn_mid_stream(
    make_app: Callable[..., Any], api: MessagesServer
) -> None:
    api.script(text_reply("word " * 300, delay=0.03))
    app = make_app(tui_settings(**claude(api)))
    async with app.run_test(size=SIZE) as pilot:
        chat = await ask(pilot, "talk for a long time")
        await until(pilot, lambda: chat._reply is not None)
        await pilot.press("escape")
        await until(pilot, lambda: not chat.busy)
        await until(pilot, lambda: any(who == "notice" for who, _ in chat.messages))
        assert ("notice", "Cancelled: nothing more will run for this request.") in chat.messages
        said = next(text for who, text in chat.messages if who == "pxa")
        assert 0 < len(said) < len("word " * 300)


async def test_without_a_key_the_panel_answers_offline(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chat = await ask(pilot, "show failed jobs")
        await until(pilot, lambda: not chat.busy and len(chat.messages) >= 3)
        understood, answer = [text for who, text in chat.messages if who == "pxa"]
        assert understood.startswith("Understood: job.list status=failed (offline: no Anthropic")
        assert answer == "No jobs."
        assert str(chat.query_one("#chat-usage").render()) == "offline: no tokens used"


async def test_a_saved_conversation_is_listed_and_resumed_with_its_history(
    make_app: Callable[..., Any], api: MessagesServer
) -> None:
    api.script(text_reply("First answer."), text_reply("Second answer."))
    app = make_app(tui_settings(**claude(api)))
    async with app.run_test(size=SIZE) as pilot:
        chat = await ask(pilot, "first question")
        await until(pilot, lambda: not chat.busy and chat.session_id is not None)
        session = chat.session_id
        await pilot.press(*"/new", "enter", *"/list", "enter")
        listing = chat.messages[-1][1]
        assert f"{session}" in listing and "first question" in listing
        await pilot.press(*f"/resume {session}", "enter", *"and then?", "enter")
        await until(pilot, lambda: not chat.busy and len(api.requests) == 2)
        sent = api.requests[1]["messages"]
        assert [m["content"][0]["text"] for m in sent] == [
            "first question",
            "First answer.",
            "and then?",
        ]
        assert chat.session_id == session

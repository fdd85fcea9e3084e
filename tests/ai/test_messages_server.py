"""The fake Messages API speaks well enough for the real SDK to use it."""

from __future__ import annotations

from collections.abc import Iterator

import anthropic
import pytest
from messages_server import MessagesServer, Usage, error_reply, text_reply, tool_use_reply


@pytest.fixture(scope="module")
def server() -> Iterator[MessagesServer]:
    started = MessagesServer().start()
    yield started
    started.stop()


@pytest.fixture
def api(server: MessagesServer) -> MessagesServer:
    server.reset()
    return server


def client(server: MessagesServer, **kwargs: object) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="test-key", base_url=server.base_url, **kwargs)  # type: ignore[arg-type]


def test_a_plain_request_gets_the_scripted_message_and_is_recorded(api: MessagesServer) -> None:
    api.script(text_reply("hello", usage=Usage(input_tokens=7, cache_read_input_tokens=3)))
    message = client(api).messages.create(
        model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
    )
    assert message.content[0].text == "hello"  # type: ignore[union-attr]
    assert message.usage.input_tokens == 7
    assert message.usage.cache_read_input_tokens == 3
    assert api.requests[0]["messages"] == [{"role": "user", "content": "hi"}]


def test_a_streamed_tool_use_arrives_whole(api: MessagesServer) -> None:
    api.script(tool_use_reply("vm_list", {"status": "running", "limit": 5}, text="Looking."))
    with client(api).messages.stream(
        model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        texts = list(stream.text_stream)
        final = stream.get_final_message()
    assert "".join(texts) == "Looking."
    assert final.stop_reason == "tool_use"
    tool = final.content[1]
    assert tool.type == "tool_use"
    assert tool.input == {"status": "running", "limit": 5}
    assert final.usage.output_tokens == 20


def test_a_rate_limit_is_retried_by_the_sdk(api: MessagesServer) -> None:
    api.script(error_reply(429, retry_after=0.01), text_reply("after the wait"))
    message = client(api, max_retries=2).messages.create(
        model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
    )
    assert message.content[0].text == "after the wait"  # type: ignore[union-attr]
    assert len(api.requests) == 2


def test_an_error_status_raises_the_sdk_error(api: MessagesServer) -> None:
    api.script(error_reply(401, "invalid x-api-key"))
    with pytest.raises(anthropic.AuthenticationError, match="invalid x-api-key"):
        client(api, max_retries=0).messages.create(
            model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )


def test_an_exhausted_script_answers_500_without_retries(api: MessagesServer) -> None:
    with pytest.raises(anthropic.InternalServerError, match="no scripted reply left"):
        client(api, max_retries=3).messages.create(
            model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )
    assert len(api.requests) == 1

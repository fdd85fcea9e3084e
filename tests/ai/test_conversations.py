"""Conversations are kept in SQLite: listed, resumed, deleted, exported as Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from pxa.ai.export import to_markdown
from pxa.ai.pricing import Usage
from pxa.ai.session import Conversation
from pxa.errors import NotFound
from pxa.store.conversations import ConversationRepo
from pxa.store.db import Database


@pytest.fixture
def database(tmp_path: Path) -> Database:
    return Database(tmp_path / "pxa.db")


def test_a_conversation_is_titled_by_its_first_request_and_listed_newest_first(
    database: Database,
) -> None:
    first = Conversation.open(database, model="claude-sonnet-5-5")
    first.append("user", [{"type": "text", "text": "list   running vms"}])
    second = Conversation.open(database, model="claude-sonnet-5-5")
    second.append("user", [{"type": "text", "text": "show failed jobs"}])

    listed = ConversationRepo(database).list()
    assert [s.title for s in listed] == ["show failed jobs", "list running vms"]
    assert listed[0].messages == 1


def test_resuming_reads_back_the_messages_and_the_usage(database: Database) -> None:
    conv = Conversation.open(database, model="claude-sonnet-5-5")
    conv.append("user", [{"type": "text", "text": "hi"}])
    conv.append("assistant", [{"type": "tool_use", "id": "t1", "name": "vm_list", "input": {}}])
    conv.add_usage(Usage(input_tokens=10, output_tokens=5), "claude-sonnet-5-5")

    again = Conversation.open(database, model="x", session_id=conv.id)
    assert again.history() == conv.history()
    assert again.usage == Usage(input_tokens=10, output_tokens=5)
    assert again.session.cost_usd == pytest.approx((10 * 2 + 5 * 10) / 1e6)


def test_a_deleted_conversation_is_gone(database: Database) -> None:
    conv = Conversation.open(database, model="m")
    conv.append("user", [{"type": "text", "text": "hi"}])
    repo = ConversationRepo(database)
    repo.delete(conv.id)
    with pytest.raises(NotFound):
        repo.get(conv.id)
    assert repo.messages(conv.id) == []


def test_an_export_reads_as_markdown_with_calls_and_results(database: Database) -> None:
    conv = Conversation.open(database, model="claude-sonnet-5-5")
    conv.append("user", [{"type": "text", "text": "start web-01"}])
    conv.append(
        "assistant",
        [{"type": "tool_use", "id": "t", "name": "vm_start", "input": {"vm_id": "web-01"}}],
    )
    conv.append(
        "user",
        [
            {
                "type": "tool_result",
                "tool_use_id": "t",
                "is_error": True,
                "content": "REFUSED: refused",
            }
        ],
    )
    repo = ConversationRepo(database)
    text = to_markdown(repo.get(conv.id), repo.messages(conv.id))
    assert text.startswith("# start web-01\n")
    assert "**You:** start web-01" in text
    assert '> tool call `vm_start` {"vm_id": "web-01"}' in text
    assert "> result (error):" in text


def test_consecutive_turns_of_one_role_are_merged_for_the_model(database: Database) -> None:
    conv = Conversation.open(database, model="m")
    conv.append("user", [{"type": "text", "text": "a"}])
    conv.append("user", [{"type": "text", "text": "b"}])
    assert conv.history() == [
        {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}
    ]

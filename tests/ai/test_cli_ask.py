"""`pxa ask` and `pxa chat`, run as a person runs them: in a subprocess, without a terminal."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from messages_server import MessagesServer, Usage, error_reply, text_reply, tool_use_reply
from support import cluster_env

from pxa.sandbox.server import SandboxServer

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def pxa(sandbox: SandboxServer, isolated: Path, api: MessagesServer) -> Run:
    env = {**cluster_env(sandbox.info), "PXA_AI__BASE_URL": api.base_url}

    def run(*args: str, key: bool = False) -> subprocess.CompletedProcess[str]:
        extra = {"ANTHROPIC_API_KEY": "test-key"} if key else {}
        return subprocess.run(
            [sys.executable, "-m", "pxa", *args],
            capture_output=True,
            text=True,
            env={**env, **extra},
            stdin=subprocess.DEVNULL,
            timeout=90,
        )

    return run


def test_offline_ask_says_what_it_understood_and_answers(pxa: Run) -> None:
    out = pxa("ask", "list running production vms")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Understood: vm.list status=running environment=production")
    assert "web-server-01" in out.stdout
    assert "offline: no tokens used" in out.stderr
    assert "pxa ask --session chat-" in out.stderr


def test_without_a_terminal_a_change_is_refused_unless_yes(pxa: Run) -> None:
    out = pxa("ask", "start web-server-03")
    assert "✗ refused: vm: start needs confirmation" in out.stdout
    assert "pass --yes" in out.stdout
    started = pxa("ask", "--yes", "start web-server-03")
    assert "✓ job" in started.stdout, started.stdout + started.stderr


def test_ask_with_a_key_streams_the_answer_tools_and_usage(pxa: Run, api: MessagesServer) -> None:
    api.script(
        tool_use_reply("vm_list", {"node": "pve3"}),
        text_reply("Five guests run on pve3.", usage=Usage(input_tokens=1200, output_tokens=30)),
    )
    out = pxa("ask", "what runs on pve3?", key=True)
    assert out.returncode == 0, out.stderr
    assert "→ vm.list node=pve3" in out.stdout
    assert "Five guests run on pve3." in out.stdout
    assert "turn: 1,300 in · 50 out · $" in out.stderr
    assert api.requests[0]["model"] == "claude-sonnet-5-5"  # the configured default
    assert api.requests[0]["max_tokens"] == 4096
    sent = api.headers[0]
    assert "test-key" in (sent.get("x-api-key", ""), sent.get("authorization", "").split()[-1])


def test_a_destructive_call_without_a_terminal_needs_yes_and_the_name_in_the_request(
    pxa: Run, api: MessagesServer
) -> None:
    api.script(tool_use_reply("vm_delete", {"vm_id": "vm-108"}), text_reply("Not deleted."))
    out = pxa("ask", "--yes", "delete the old mysql box", key=True)
    assert "✗ refused: vm: delete db-03 is destructive" in out.stdout
    api.script(tool_use_reply("vm_delete", {"vm_id": "vm-108"}), text_reply("Deleting."))
    out = pxa("ask", "--yes", "delete db-03", key=True)
    assert "✓ job" in out.stdout, out.stdout + out.stderr


def test_an_invalid_key_is_one_clear_error_and_exit_1(pxa: Run, api: MessagesServer) -> None:
    api.script(error_reply(401, "invalid x-api-key"))
    out = pxa("ask", "hello", key=True)
    assert out.returncode == 1
    assert "error: The Anthropic API refused the key (401 invalid key)" in out.stderr
    assert "Traceback" not in out.stderr


def test_conversations_are_listed_shown_exported_and_deleted(pxa: Run, tmp_path: Path) -> None:
    asked = pxa("ask", "show failed jobs")
    session = asked.stderr.split("--session ")[1].split()[0]
    listed = pxa("chat", "list")
    assert session in listed.stdout and "show failed jobs" in listed.stdout
    shown = pxa("chat", "show", session)
    assert shown.stdout.startswith("# show failed jobs")
    target = tmp_path / "chat.md"
    assert pxa("chat", "export", session, "-o", str(target)).returncode == 0
    assert "**You:** show failed jobs" in target.read_text()
    assert pxa("chat", "delete", session).returncode == 0
    gone = pxa("chat", "show", session)
    assert gone.returncode == 1 and "no chat session" in gone.stderr


def test_the_api_key_is_never_written_to_the_database(
    pxa: Run, api: MessagesServer, isolated: Path
) -> None:
    api.script(text_reply("Hello."))
    assert pxa("ask", "hello", key=True).returncode == 0
    stored = b"".join(p.read_bytes() for p in (isolated / "data").glob("pxa.db*"))
    assert b"Hello." in stored  # the conversation is there
    assert b"test-key" not in stored

"""The agent against a real sandbox and the fake Messages API, through the real SDK."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from messages_server import MessagesServer

if TYPE_CHECKING:
    from pxa.ai.agent import ClaudeAgent
    from pxa.ai.events import AgentEvent
    from pxa.core.context import ConfirmationRequest
    from pxa.core.infra import Infra

MODEL = "claude-sonnet-5-5"


@pytest.fixture(scope="session")
def messages_api() -> Iterator[MessagesServer]:
    server = MessagesServer(model=MODEL).start()
    yield server
    server.stop()


@pytest.fixture
def api(messages_api: MessagesServer) -> MessagesServer:
    """The shared fake API with an empty script and no recorded requests."""
    messages_api.reset()
    return messages_api


class Confirmations:
    """A scripted person: answers each confirmation from a list, and remembers the asks."""

    def __init__(self, *answers: bool | str) -> None:
        self.answers = list(answers)
        self.asked: list[ConfirmationRequest] = []

    async def __call__(self, request: ConfirmationRequest) -> bool | str:
        from pxa.errors import ConfirmationRefused

        self.asked.append(request)
        answer = self.answers.pop(0) if self.answers else False
        if answer is False:
            raise ConfirmationRefused(f"{request.title} refused by the person")
        return answer


class Transcript(list["AgentEvent"]):
    """Every event a turn emitted, in order."""

    @property
    def text(self) -> str:
        from pxa.ai.events import TextDelta

        return "".join(e.text for e in self if isinstance(e, TextDelta))

    def of(self, kind: type) -> list[Any]:
        return [e for e in self if isinstance(e, kind)]


@pytest.fixture
def make_agent(infra: Infra, api: MessagesServer) -> Callable[..., ClaudeAgent]:
    def make(
        confirm: Any = None,
        *,
        core: Infra | None = None,
        session_id: str | None = None,
        **kwargs: Any,
    ) -> ClaudeAgent:
        from pxa.ai.agent import ClaudeAgent
        from pxa.ai.session import Conversation

        core = core or infra
        kwargs.setdefault("max_retries", 0)
        kwargs.setdefault("model", MODEL)
        conversation = Conversation.open(core.database, model=MODEL, session_id=session_id)
        return ClaudeAgent(
            core,
            conversation,
            api_key="test-key",
            base_url=api.base_url,
            confirm=confirm,
            **kwargs,
        )

    return make

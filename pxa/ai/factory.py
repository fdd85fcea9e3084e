"""Choosing the agent: Claude when there is an Anthropic key, the offline router otherwise.

The key comes from the environment (ANTHROPIC_API_KEY) or the OS keyring, is handed to
the SDK client and is never stored anywhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from pxa.ai.session import Conversation

if TYPE_CHECKING:
    from pxa.ai.events import Emit, TurnFinished
    from pxa.config import Settings
    from pxa.core.context import Confirmer
    from pxa.core.infra import Infra


class Agent(Protocol):
    offline: bool
    model: str
    conversation: Conversation

    @property
    def session_id(self) -> str: ...

    async def turn(self, text: str, emit: Emit) -> TurnFinished: ...

    async def close(self) -> None: ...


def api_key() -> str | None:
    from pxa.errors import PxaError
    from pxa.secrets import get_secret

    try:
        return get_secret("anthropic.api_key")
    except PxaError:
        return None


def open_agent(
    infra: Infra,
    settings: Settings,
    *,
    confirm: Confirmer | None,
    session_id: str | None = None,
    offline: bool = False,
    max_retries: int | None = None,
) -> Agent:
    """A Claude agent (key found, not `offline`) or the offline one, on a new or resumed
    conversation (NotFound for an unknown `session_id`)."""
    ai = settings.ai
    key = None if offline else api_key()
    conversation = Conversation.open(
        infra.database, model=ai.model if key else "offline", session_id=session_id
    )
    if key is None:
        from pxa.ai.offline import OfflineAgent

        return OfflineAgent(infra, conversation, confirm=confirm)
    from pxa.ai.agent import DEFAULT_RETRIES, ClaudeAgent

    return ClaudeAgent(
        infra,
        conversation,
        api_key=key,
        model=ai.model,
        base_url=ai.base_url,
        max_tokens=ai.max_tokens,
        max_steps=ai.max_steps,
        confirm=confirm,
        max_retries=DEFAULT_RETRIES if max_retries is None else max_retries,
    )

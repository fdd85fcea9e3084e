"""The Claude agent: the Messages API with streaming, tool use over the catalogue, caching.

One `turn(text, emit)` is the tool-use loop: stream the model's answer (text deltas go to
`emit` as they arrive), run the tool calls it asks for through the gate (reads of one step
concurrently, changes one at a time so confirmations come one by one), send the results
back, until the model stops or `max_steps` is reached. The system prompt and the tools
carry `cache_control`, so after the first step they are read from the prompt cache.

Cancel a turn by cancelling its task: the stream is closed at once, the conversation keeps
what was said with a "cancelled" note, and a confirmed call already running in the core
finishes and is audited (`ToolExecutor`).

`anthropic` is imported here only: `import pxa.cli` never loads it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from pxa.ai.compact import tool_problem
from pxa.ai.events import Emit, Notice, TextDelta, ToolFinished, ToolStarted, TurnFinished
from pxa.ai.executor import ToolExecutor, ToolOutcome
from pxa.ai.failures import describe
from pxa.ai.pricing import Usage, cost
from pxa.ai.prompt import system_blocks
from pxa.ai.tools import by_tool_name, tool_definitions
from pxa.models.common import Risk

if TYPE_CHECKING:
    from pxa.ai.session import Conversation
    from pxa.core.context import Confirmer
    from pxa.core.infra import Infra

DEFAULT_RETRIES = 4  # the SDK's backoff for 429/529/5xx: 0.5s, 1s, 2s, 4s (or retry-after)


class ClaudeAgent:
    offline = False

    def __init__(
        self,
        infra: Infra,
        conversation: Conversation,
        *,
        api_key: str,
        model: str,
        base_url: str | None = None,
        max_tokens: int = 4096,
        max_steps: int = 12,
        confirm: Confirmer | None = None,
        max_retries: int = DEFAULT_RETRIES,
        timeout: float = 120.0,
    ) -> None:
        import anthropic

        self.infra = infra
        self.conversation = conversation
        self.model = model
        self.base_url = base_url
        self.max_tokens = max_tokens
        self.max_steps = max_steps
        self.max_retries = max_retries
        self.client = anthropic.AsyncAnthropic(
            api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout
        )
        self.tools = tool_definitions(infra.catalogue)
        self.operations = by_tool_name(infra.catalogue)
        self.executor = ToolExecutor(infra, conversation.id, confirm)
        self._warned = False

    @property
    def session_id(self) -> str:
        return self.conversation.id

    async def turn(self, text: str, emit: Emit) -> TurnFinished:
        import anthropic

        conv = self.conversation
        if (end := _end_of_life(self.model)) and not self._warned:
            self._warned = True
            emit(
                Notice(
                    f"The model {self.model} is deprecated and reaches end of life on {end}: "
                    "set ai.model to a current one.",
                    "warning",
                )
            )
        conv.append("user", [{"type": "text", "text": text}])
        usage = Usage()
        partial: list[str] = []
        try:
            for _ in range(self.max_steps):
                partial.clear()
                message, step_usage = await self._step(emit, partial)
                usage = usage + step_usage
                conv.add_usage(step_usage, self.model)
                blocks = [_block(b) for b in message.content]
                conv.append("assistant", blocks or [{"type": "text", "text": "(no answer)"}])
                calls = [b for b in message.content if b.type == "tool_use"]
                if message.stop_reason == "max_tokens":
                    emit(
                        Notice(
                            f"The answer was cut at {self.max_tokens} tokens (ai.max_tokens).",
                            "warning",
                        )
                    )
                if message.stop_reason != "tool_use" or not calls:
                    break
                conv.append("user", await self._run_tools(calls, emit))
            else:
                emit(
                    Notice(
                        f"Stopped after {self.max_steps} steps (ai.max_steps): ask again to "
                        "carry on.",
                        "warning",
                    )
                )
                conv.close_open_turn(f"stopped after {self.max_steps} steps")
        except asyncio.CancelledError:
            self._close(partial, "cancelled by the person")
            emit(Notice("Cancelled: nothing more will run for this request.", "warning"))
            emit(self._finished(usage, cancelled=True))
            raise
        except anthropic.APIError as exc:
            emit(Notice(describe(exc, base_url=self.base_url, retries=self.max_retries), "error"))
            self._close(partial, "no answer: the Anthropic API failed")
        finished = self._finished(usage)
        emit(finished)
        return finished

    def _close(self, partial: list[str], note: str) -> None:
        """End an interrupted turn: the words streamed so far stay, with a note."""
        if partial:
            said = {"type": "text", "text": "".join(partial)}
            self.conversation.append("assistant", [said, {"type": "text", "text": f"[{note}]"}])
        else:
            self.conversation.close_open_turn(note)

    async def _step(self, emit: Emit, partial: list[str]) -> tuple[Any, Usage]:
        async with self.client.messages.stream(
            model=self.model,
            max_tokens=self.max_tokens,
            system=system_blocks(self.infra.read_only),  # type: ignore[arg-type]
            tools=self.tools,  # type: ignore[arg-type]
            messages=self.conversation.history(),  # type: ignore[arg-type]
        ) as stream:
            async for event in stream:
                if event.type == "text":
                    partial.append(event.text)
                    emit(TextDelta(event.text))
            message = await stream.get_final_message()
        return message, Usage.of(message.usage)

    async def _run_tools(self, calls: list[Any], emit: Emit) -> list[dict[str, Any]]:
        """Reads of one step run together; changes one at a time, in the model's order."""
        outcomes: dict[str, ToolOutcome] = {}

        async def one(call: Any) -> None:
            emit(ToolStarted(call.id, _operation_name(self.operations, call.name), call.input))
            op = self.operations.get(call.name)
            if op is None:
                outcome = ToolOutcome(
                    content=tool_problem(call.name, "error", "there is no tool by this name"),
                    summary="unknown tool",
                    is_error=True,
                )
            else:
                outcome = await self.executor.run(op, dict(call.input or {}))
            outcomes[call.id] = outcome
            emit(
                ToolFinished(
                    call.id,
                    op.name if op else call.name,
                    outcome.summary,
                    is_error=outcome.is_error,
                    refused=outcome.refused,
                )
            )

        reads = [c for c in calls if self._is_read(c)]
        await asyncio.gather(*(one(c) for c in reads))
        for call in calls:
            if call.id not in outcomes:
                await one(call)
        return [
            {
                "type": "tool_result",
                "tool_use_id": call.id,
                "content": outcomes[call.id].content,
                **({"is_error": True} if outcomes[call.id].is_error else {}),
            }
            for call in calls
        ]

    def _is_read(self, call: Any) -> bool:
        op = self.operations.get(call.name)
        return op is not None and op.risk is Risk.read and op.risk_for is None

    def _finished(self, usage: Usage, *, cancelled: bool = False) -> TurnFinished:
        return TurnFinished(
            usage=usage,
            cost=cost(usage, self.model),
            session_usage=self.conversation.usage,
            session_cost=cost(self.conversation.usage, self.model),
            model=self.model,
            cancelled=cancelled,
        )

    async def close(self) -> None:
        await self.client.close()


def _end_of_life(model: str) -> str | None:
    """The SDK's end-of-life date for a deprecated model (its list is private: best effort)."""
    try:
        from anthropic._data import DEPRECATED_MODELS
    except ImportError:
        return None
    return DEPRECATED_MODELS.get(model)


def _operation_name(operations: dict[str, Any], tool: str) -> str:
    op = operations.get(tool)
    return op.name if op is not None else tool


def _block(block: Any) -> dict[str, Any]:
    """An SDK content block as the request param it will be sent back as."""
    if block.type == "text":
        return {"type": "text", "text": block.text}
    if block.type == "tool_use":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    return block.model_dump(mode="json", exclude_none=True)  # type: ignore[no-any-return]

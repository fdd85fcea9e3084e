"""A local server that speaks Anthropic's Messages API, for tests that drive the real SDK.

It is a real HTTP server (uvicorn + starlette in its own thread) on 127.0.0.1 and a free
port. Point the SDK at it with ``base_url``; it plays the replies a test scripted, in
order, and records every request it received.

    from messages_server import MessagesServer, text_reply, tool_use_reply, error_reply

    server = MessagesServer().start()          # tests/ai has it as the `api` fixture
    server.script(
        tool_use_reply("vm_list", {"status": "running"}),
        text_reply("Three VMs are running."),
    )
    client = anthropic.AsyncAnthropic(api_key="test", base_url=server.base_url)
    ...
    server.requests[0]["tools"]                # the JSON body of each POST /v1/messages
    server.headers[0]                          # and its headers
    server.reset()                             # forget script and requests (shared server)
    server.stop()

Replies (each a `Reply`; build them with the helpers):

- `text_reply(text)` — one text block, ``stop_reason="end_turn"``.
- `tool_use_reply(name, input, text=None)` — an optional text block then one ``tool_use``
  block, ``stop_reason="tool_use"``; `tool_uses_reply([(name, input), ...])` for parallel
  calls in one turn.
- `error_reply(status, message=None, retry_after=None)` — an HTTP error with the API's
  error body (401 authentication_error, 429 rate_limit_error, 500 api_error,
  529 overloaded_error…); ``retry_after`` sets ``retry-after-ms`` (seconds, float) so the
  SDK's retries stay fast.
- Any `Reply` takes ``usage=Usage(...)`` (input, output, cache creation, cache read
  tokens), ``delay`` (seconds slept between streamed events, to test cancelling
  mid-stream) and ``stream_error`` (an error event sent after the first text delta).
- A scripted entry may also be a callable ``(request_body) -> Reply`` to reply from what
  was asked.

A request with ``"stream": true`` gets Server-Sent Events exactly like the real API
(message_start, content_block_start, ping, content_block_delta with text_delta or
input_json_delta, content_block_stop, message_delta with usage, message_stop); otherwise
one JSON message. When the script runs out the server answers 500 with a message saying
so, which makes an unexpected extra request fail loudly.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

_ids = itertools.count(1)

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


@dataclass
class Usage:
    input_tokens: int = 100
    output_tokens: int = 20
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
        }


@dataclass
class Reply:
    """One scripted answer: a message (content blocks) or an HTTP error."""

    content: list[dict[str, Any]] = field(default_factory=list)
    stop_reason: str = "end_turn"
    usage: Usage = field(default_factory=Usage)
    status: int = 200
    error_type: str = ""
    error_message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    stream_error: tuple[str, str] | None = None  # (error type, message) sent mid-stream


def text_reply(text: str, **kwargs: Any) -> Reply:
    return Reply(content=[{"type": "text", "text": text}], **kwargs)


def tool_uses_reply(
    calls: list[tuple[str, dict[str, Any]]], text: str | None = None, **kwargs: Any
) -> Reply:
    content: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    for name, arguments in calls:
        content.append(
            {"type": "tool_use", "id": f"toolu_{next(_ids):04d}", "name": name, "input": arguments}
        )
    return Reply(content=content, stop_reason="tool_use", **kwargs)


def tool_use_reply(
    name: str, arguments: dict[str, Any], text: str | None = None, **kwargs: Any
) -> Reply:
    return tool_uses_reply([(name, arguments)], text=text, **kwargs)


def error_reply(status: int, message: str | None = None, retry_after: float | None = None) -> Reply:
    headers = {"retry-after-ms": str(int(retry_after * 1000))} if retry_after is not None else {}
    kind = ERROR_TYPES.get(status, "api_error")
    return Reply(
        status=status,
        error_type=kind,
        error_message=message or kind.replace("_", " "),
        headers=headers,
    )


ScriptEntry = Reply | Callable[[dict[str, Any]], Reply]


class MessagesServer:
    """The fake Messages API. `start()` returns self; `stop()` shuts it down."""

    def __init__(self, model: str = "claude-test") -> None:
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []  # request headers, in the order received
        self.disconnects = 0  # streams the client closed before the end
        self._script: list[ScriptEntry] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._server: Any = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def script(self, *replies: ScriptEntry) -> MessagesServer:
        """Queue replies, answered one per request in order."""
        with self._lock:
            self._script.extend(replies)
        return self

    def reset(self) -> None:
        """Forget the script and the recorded requests (to share one server across tests)."""
        with self._lock:
            self._script.clear()
            self.requests.clear()
            self.headers.clear()
            self.disconnects = 0

    @property
    def pending(self) -> int:
        """Scripted replies not yet used."""
        return len(self._script)

    def start(self) -> MessagesServer:
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app(), log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._server.install_signal_handlers = lambda: None  # not the main thread
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True, name="messages"
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the Messages API server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            entry = self._script.pop(0) if self._script else None
        if entry is None:
            return Reply(
                status=500,
                error_type="api_error",
                error_message="no scripted reply left",
                headers={"x-should-retry": "false"},
            )
        return entry(body) if callable(entry) else entry

    def _app(self) -> Any:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse, Response, StreamingResponse
        from starlette.routing import Route

        async def messages(request: Request) -> Response:
            body = await request.json()
            with self._lock:
                self.requests.append(body)
                self.headers.append(dict(request.headers))
            reply = self._next(body)
            if reply.status != 200:
                error = {
                    "type": "error",
                    "error": {"type": reply.error_type, "message": reply.error_message},
                }
                return JSONResponse(error, status_code=reply.status, headers=reply.headers)
            if body.get("stream"):
                return StreamingResponse(
                    self._events(reply, body, request),
                    media_type="text/event-stream",
                    headers=reply.headers,
                )
            return JSONResponse(self._message(reply, body), headers=reply.headers)

        return Starlette(routes=[Route("/v1/messages", messages, methods=["POST"])])

    def _message(self, reply: Reply, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"msg_{next(_ids):04d}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", self.model),
            "content": reply.content,
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "usage": reply.usage.as_dict(),
        }

    async def _events(self, reply: Reply, body: dict[str, Any], request: Any) -> AsyncIterator[str]:
        message = self._message(reply, body)
        start = dict(message, content=[], stop_reason=None)
        start["usage"] = dict(reply.usage.as_dict(), output_tokens=1)

        def event(kind: str, data: dict[str, Any]) -> str:
            return f"event: {kind}\ndata: {json.dumps(dict(data, type=kind))}\n\n"

        events = [event("message_start", {"message": start}), event("ping", {})]
        for index, block in enumerate(reply.content):
            if block["type"] == "text":
                events.append(
                    event(
                        "content_block_start",
                        {"index": index, "content_block": {"type": "text", "text": ""}},
                    )
                )
                for chunk in _chunks(block["text"]):
                    events.append(
                        event(
                            "content_block_delta",
                            {"index": index, "delta": {"type": "text_delta", "text": chunk}},
                        )
                    )
                    if reply.stream_error is not None:
                        kind, text = reply.stream_error
                        events.append(event("error", {"error": {"type": kind, "message": text}}))
                        break
            else:
                opening = dict(block, input={})
                events.append(
                    event("content_block_start", {"index": index, "content_block": opening})
                )
                for chunk in _chunks(json.dumps(block["input"]), size=12):
                    events.append(
                        event(
                            "content_block_delta",
                            {
                                "index": index,
                                "delta": {"type": "input_json_delta", "partial_json": chunk},
                            },
                        )
                    )
            events.append(event("content_block_stop", {"index": index}))
        events.append(
            event(
                "message_delta",
                {
                    "delta": {"stop_reason": reply.stop_reason, "stop_sequence": None},
                    "usage": {"output_tokens": reply.usage.output_tokens},
                },
            )
        )
        events.append(event("message_stop", {}))
        try:
            for item in events:
                if reply.delay and await request.is_disconnected():
                    self.disconnects += 1
                    return
                yield item
                if reply.delay:
                    await asyncio.sleep(reply.delay)
                if item.startswith("event: error"):
                    return
        except asyncio.CancelledError:
            self.disconnects += 1
            raise


def _chunks(text: str, size: int = 8) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]

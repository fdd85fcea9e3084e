"""uvicorn in a background thread, with a listener that can close and reopen.

`api_down` must look like a dead daemon: new connections are refused and kept-alive
ones are dropped. We bind the socket ourselves so the same port can be bound again
when the outage ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from pxa.sandbox.protocol import PveH11Protocol

log = logging.getLogger("pxa.sandbox")


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio then sets TCP_NODELAY on accepted connections, else
    # Nagle holds each small reply body for the peer's delayed ACK (~40 ms a request).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(False)
    return sock


class Listener:
    def __init__(self, app: Any, host: str, port: int, cert: Path, key: Path) -> None:
        self.host = host
        self.config = uvicorn.Config(
            app,
            host=host,
            port=port,
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
            http=PveH11Protocol,
            lifespan="off",
            log_config=None,  # leave the host process's logging alone
            log_level="warning",
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=2,
            timeout_keep_alive=30,
        )
        self.server = uvicorn.Server(self.config)
        self.sock = bind(host, port)
        self.port: int = self.sock.getsockname()[1]
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, name="sandbox-uvicorn", daemon=True)
        self._error: BaseException | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # keeps deferred actions referenced

    def start(self, timeout: float = 15.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if self._error is not None or not self._thread.is_alive():
                raise RuntimeError(f"sandbox listener failed to start: {self._error}")
            if time.monotonic() > deadline:
                raise RuntimeError("sandbox listener did not start in time")
            time.sleep(0.01)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to start(); the thread must not die silently
            self._error = exc
            log.exception("sandbox listener crashed")

    async def _serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        await self.server.serve(sockets=[self.sock])

    def set_down(self, down: bool) -> None:
        """Close or reopen the listener; returns once done when called from another thread."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        action = self._close if down else self._reopen
        if threading.current_thread() is self._thread:
            # Asked by a request on the loop itself (PUT /_sandbox/faults): reply first.
            loop.call_later(0.05, lambda: self._tasks.add(loop.create_task(action())))
        else:
            asyncio.run_coroutine_threadsafe(action(), loop).result(timeout=10)

    async def _close(self) -> None:
        for srv in self.server.servers:
            srv.close()
        self._drop_connections()
        await asyncio.sleep(0)  # let the aborted connections deliver connection_lost

    def _drop_connections(self) -> None:
        # abort(), not close(): a TLS close waits for the peer's close_notify, and an idle
        # keep-alive client never sends one.
        for conn in list(self.server.server_state.connections):
            transport = getattr(conn, "transport", None)
            if transport is not None:
                transport.abort()

    async def _reopen(self) -> None:
        if any(srv.is_serving() for srv in self.server.servers):
            return
        state, loop = self.server.server_state, asyncio.get_running_loop()

        def factory() -> asyncio.Protocol:
            return PveH11Protocol(
                config=self.config,
                server_state=state,
                app_state=self.server.lifespan.state,
                _loop=loop,
            )

        srv = await loop.create_server(
            factory,
            sock=bind(self.host, self.port),
            ssl=self.config.ssl,
            backlog=self.config.backlog,
        )
        self.server.servers.append(srv)

    def stop(self, timeout: float = 10.0) -> None:
        if self.loop is not None and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed in between
                self.loop.call_soon_threadsafe(self._drop_connections)
        self.server.should_exit = True
        self._thread.join(timeout)

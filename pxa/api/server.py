"""Serving /v1 with uvicorn on the loop that is already running (TUI) or on its own (serve).

Inside the TUI uvicorn must not install signal handlers (the app owns Ctrl-C) and must not
log to the terminal Textual draws on; its logs go to a file.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import logging
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pxa.errors import ConfigError

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> tuple[socket.socket, str | None]:
    """Bind the port, or a free one next to it; the note says what was chosen instead."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in (port, *range(port + 1, port + 20), 0) if port else (0,):
        # IPPROTO_TCP, so asyncio sets TCP_NODELAY on accepted connections: without it
        # every keep-alive reply waits ~40 ms for a delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
        except OSError as exc:
            sock.close()
            if exc.errno != errno.EADDRINUSE:
                raise
            continue
        chosen = sock.getsockname()[1]
        note = None if not port or chosen == port else f"port {port} is busy; using {chosen}"
        return sock, note
    raise OSError(f"no free port near {port}")


@dataclass
class ApiServer:
    app: Any
    host: str = "127.0.0.1"
    port: int = 8765
    tls_cert: Path | None = None
    tls_key: Path | None = None
    allow_remote: bool = False
    log_file: Path | None = None
    embedded: bool = True

    def __post_init__(self) -> None:
        if not is_loopback(self.host):
            if not self.allow_remote:
                raise ConfigError(
                    f"binding to {self.host} exposes the API beyond this machine: "
                    "set api.allow_remote = true (or --allow-remote) to mean it"
                )
            if not (self.tls_cert and self.tls_key):
                raise ConfigError("serving beyond loopback needs api.tls_cert and api.tls_key")
        self.server: Any = None
        self.note: str | None = None
        self.url = ""
        self._sock: socket.socket | None = None

    def prepare(self) -> str:
        import uvicorn

        self._sock, self.note = bind(self.host, self.port)
        port = self._sock.getsockname()[1]
        scheme = "https" if self.tls_cert else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"{scheme}://{host}:{port}/v1"
        config = uvicorn.Config(
            self.app,
            log_config=None,
            access_log=False,
            lifespan="off",
            ssl_certfile=str(self.tls_cert) if self.tls_cert else None,
            ssl_keyfile=str(self.tls_key) if self.tls_key else None,
            timeout_graceful_shutdown=3,
        )
        self.server = uvicorn.Server(config)
        if self.embedded:
            # The app owns Ctrl-C: uvicorn must neither install handlers nor capture signals
            # (0.30+ captures them in capture_signals(), older versions install them).
            self.server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
            self.server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
        if self.log_file:
            for name in ("uvicorn", "uvicorn.error"):
                logger = logging.getLogger(name)
                if not any(
                    getattr(h, "baseFilename", None) == str(self.log_file) for h in logger.handlers
                ):
                    from pxa.paths import private_file

                    logger.addHandler(logging.FileHandler(private_file(self.log_file)))
                logger.propagate = False
        return self.url

    async def serve(self) -> None:
        if self.server is None:
            self.prepare()
        assert self._sock is not None
        await self.server.serve(sockets=[self._sock])

    async def start(self) -> asyncio.Task[None]:
        """Serve in the background of the running loop; returns once listening."""
        task = asyncio.get_running_loop().create_task(self.serve())
        while not self.server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        return task

    async def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True

"""Running a sandbox in the foreground until Ctrl-C, SIGTERM or the idle timeout."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from pxa.sandbox.server import SandboxInfo, SandboxServer


def run(
    state_dir: Path, *, on_ready: Callable[[SandboxInfo], None] | None = None, **options: object
) -> int:
    """Start, report through `on_ready`, then block until stopped; returns an exit code."""
    server = SandboxServer(state_dir, **options)  # type: ignore[arg-type]
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        info = server.start()
        if on_ready is not None:
            on_ready(info)
        while not done.is_set() and not server.wait(0.2):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0

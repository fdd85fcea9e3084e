"""From the core's bus to Textual messages: one subscription for the whole app.

The bus calls its handlers in the publisher's thread: usually the app's own loop (the
inventory refresh and jobs run there), sometimes a worker thread. `EventBridge` hands
each event to the app's thread without blocking the publisher, then `deliver` posts a
fresh message to every mounted `CoreListener`. Panes never subscribe to the bus.

Why not `App.call_from_thread`: it blocks the publishing thread until the UI has run the
callback, so a core thread that the loop itself waits on (shutdown joins the pool) would
deadlock. `loop.call_soon_threadsafe` is the non-blocking hand-over that Textual's own
thread-safe `post_message` uses.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message_pump import MessagePump

from pxa.models.event import Event
from pxa.tui.messages import CoreMessage, message_for

if TYPE_CHECKING:
    from textual.app import App
    from textual.events import Mount, Unmount

    from pxa.events import EventBus


class CoreListener:
    """Mixin for widgets that receive core messages: inherit it before `Widget`.

    Registered with the app while mounted; handlers are the usual `on_<message>` methods.
    """

    def _on_mount(self, event: Mount) -> None:
        listeners(self.app).add(self)  # type: ignore[attr-defined]

    def _on_unmount(self, event: Unmount) -> None:
        listeners(self.app).discard(self)  # type: ignore[attr-defined]


_LISTENERS: weakref.WeakKeyDictionary[App, weakref.WeakSet[MessagePump]] = (
    weakref.WeakKeyDictionary()
)


def listeners(app: App) -> weakref.WeakSet[MessagePump]:
    return _LISTENERS.setdefault(app, weakref.WeakSet())


def deliver(app: App, make: Callable[[], CoreMessage]) -> None:
    """Post a fresh message from `make` to the app and every listener (app thread only)."""
    app.post_message(make())
    for listener in list(listeners(app)):
        listener.post_message(make())


class EventBridge:
    """Subscribes to one bus for the app's lifetime and delivers its events as messages."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._unsubscribe: Callable[[], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = 0

    def start(self, bus: EventBus) -> None:
        """Call on the app's loop."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self._unsubscribe = bus.subscribe(self._on_event)

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _on_event(self, event: Event) -> None:  # in the publisher's thread
        if threading.get_ident() == self._thread:
            self._deliver(event)
        elif self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._deliver, event)

    def _deliver(self, event: Event) -> None:
        if self._unsubscribe is not None:
            deliver(self.app, lambda: message_for(event))
